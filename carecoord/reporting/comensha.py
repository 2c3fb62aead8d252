"""The CoMensha export's rows: coded facts in, allow-listed pseudonymised cells out. Pure."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from carecoord.codes import (
    AgeBand,
    ClosureReason,
    CriminalCase,
    ExploitationForm,
    Gender,
    HandoverStatus,
    NationalityGroup,
    Phase,
    PoliceReport,
    ProviderType,
    ReferrerType,
    ResidencePermit,
)
from carecoord.security.pseudonyms import person_pseudonym, trajectory_pseudonym

FORMAT = "carecoord-comensha-export"
FORMAT_VERSION = 1
REGION_NAME_MAX = 100
ISO_COUNTRY = re.compile(r"[A-Z]{2}")
CBS_MUNICIPALITY = re.compile(r"GM[0-9]{4}")
PERIOD = re.compile(r"[0-9]{4}(-Q[1-4])?")
# Cells a spreadsheet would read as a formula or a control sequence (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class ReferrerCategory(StrEnum):
    """CoMensha's own referrer categories (DOMAIN.md "Referrer types")."""

    NP = "NP"
    KMAR = "KMar"
    NLA = "NLA"
    ZORGCOORDINATIE = "zorgcoördinatie"
    FAIRWORK = "FairWork"
    OVERIGE_INSTANTIES = "overige instanties"


# Every choice is explained in docs/comensha-export.md ("Referrer categories").
REFERRER_CATEGORY: Mapping[ReferrerType, ReferrerCategory] = {
    ReferrerType.POLICE: ReferrerCategory.NP,
    ReferrerType.KMAR: ReferrerCategory.KMAR,
    ReferrerType.LABOUR_INSPECTORATE: ReferrerCategory.NLA,
    ReferrerType.FAIRWORK: ReferrerCategory.FAIRWORK,
    ReferrerType.COMENSHA: ReferrerCategory.ZORGCOORDINATIE,
    ReferrerType.SHELTER: ReferrerCategory.ZORGCOORDINATIE,
    ReferrerType.HEALTHCARE: ReferrerCategory.ZORGCOORDINATIE,
    ReferrerType.YOUTH_CARE: ReferrerCategory.ZORGCOORDINATIE,
    ReferrerType.VEILIG_THUIS: ReferrerCategory.ZORGCOORDINATIE,
    ReferrerType.MUNICIPALITY: ReferrerCategory.ZORGCOORDINATIE,
    ReferrerType.SELF: ReferrerCategory.ZORGCOORDINATIE,
    ReferrerType.ASYLUM_RECEPTION: ReferrerCategory.OVERIGE_INSTANTIES,
    ReferrerType.IMMIGRATION: ReferrerCategory.OVERIGE_INSTANTIES,
    ReferrerType.LAWYER: ReferrerCategory.OVERIGE_INSTANTIES,
    ReferrerType.OTHER: ReferrerCategory.OVERIGE_INSTANTIES,
}

# The allow-list: nothing outside these columns, in this order, ever reaches a file.
COLUMNS: tuple[str, ...] = (
    "person_pseudonym",
    "trajectory_pseudonym",
    "region",
    "municipality_code",
    "age_band",
    "gender",
    "nationality",
    "nationality_group",
    "exploitation_forms",
    "referrer_type",
    "referrer_category",
    "notification_month",
    "phase_at_period_end",
    "intake_completed_month",
    "reflection_period_start_month",
    "police_report",
    "residence_permit",
    "criminal_case",
    "handovers",
    "closure_month",
    "closure_reason",
)

Handover = tuple[ProviderType, HandoverStatus]


def _optional(kind: type[StrEnum], value: StrEnum | str | None) -> StrEnum | None:
    return None if value is None else kind(value)


def _check_date(name: str, value: date | None, *, required: bool = False) -> None:
    # A datetime is a date too, but would carry a time of day into the facts.
    if value is None and not required:
        return
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"{name} must be a date")


@dataclass(frozen=True, slots=True)
class TrajectoryFacts:
    """One trajectory as at the end of the export period, as codes, ids and dates only.

    Every field is a UUID, a code, a constrained code string or a date, so a name, contact
    detail, identity number, date of birth or free text has no field to live in. Strings are
    coerced to their code list on construction; anything outside it raises ValueError.
    """

    client_public_id: UUID
    trajectory_public_id: UUID
    age_band: AgeBand
    gender: Gender
    nationality: str | None  # ISO 3166-1 alpha-2, None when unknown
    nationality_group: NationalityGroup
    municipality_code: str | None  # CBS code such as "GM0402", None when unknown
    region: str  # the region's name
    exploitation_forms: tuple[ExploitationForm, ...]
    referrer_type: ReferrerType
    notified_on: date
    phase: Phase  # at period end
    intake_completed_on: date | None = None
    reflection_started_on: date | None = None
    police_report: PoliceReport | None = None
    residence_permit: ResidencePermit | None = None
    criminal_case: CriminalCase | None = None
    handovers: tuple[Handover, ...] = ()
    closed_on: date | None = None
    closure_reason: ClosureReason | None = None

    def __post_init__(self) -> None:
        forms = {ExploitationForm(form) for form in self.exploitation_forms}
        for name in ("client_public_id", "trajectory_public_id"):
            if not isinstance(getattr(self, name), UUID):
                raise TypeError(f"{name} must be a UUID")
        coded = {
            "age_band": AgeBand(self.age_band),
            "gender": Gender(self.gender),
            "nationality_group": NationalityGroup(self.nationality_group),
            "referrer_type": ReferrerType(self.referrer_type),
            "phase": Phase(self.phase),
            "police_report": _optional(PoliceReport, self.police_report),
            "residence_permit": _optional(ResidencePermit, self.residence_permit),
            "criminal_case": _optional(CriminalCase, self.criminal_case),
            "closure_reason": _optional(ClosureReason, self.closure_reason),
            # Fixed order (the code list's), each form once: equal facts give equal rows.
            "exploitation_forms": tuple(form for form in ExploitationForm if form in forms),
            "handovers": tuple(
                (ProviderType(kind), HandoverStatus(status)) for kind, status in self.handovers
            ),
        }
        for name, value in coded.items():
            object.__setattr__(self, name, value)
        if self.nationality is not None and not ISO_COUNTRY.fullmatch(self.nationality):
            raise ValueError("nationality must be an ISO 3166-1 alpha-2 code")
        if self.municipality_code is not None and not CBS_MUNICIPALITY.fullmatch(
            self.municipality_code
        ):
            raise ValueError("municipality_code must be a CBS code such as GM0402")
        if (
            not isinstance(self.region, str)
            or not 0 < len(self.region) <= REGION_NAME_MAX
            or not self.region.isprintable()
        ):
            raise ValueError("region must be a region's name")
        _check_date("notified_on", self.notified_on, required=True)
        for name in ("intake_completed_on", "reflection_started_on", "closed_on"):
            _check_date(name, getattr(self, name))
        # As at period end: closed, a closure date and a closure reason come together or not at all.
        closed = {self.phase == Phase.CLOSED, self.closed_on is not None}
        if len(closed | {self.closure_reason is not None}) != 1:
            raise ValueError("phase closed, closed_on and closure_reason must agree")


def month(value: date | None) -> str:
    """`YYYY-MM`, never the day; empty when there is no date."""
    return "" if value is None else f"{value.year:04d}-{value.month:02d}"


def _code(value: StrEnum | None) -> str:
    return "" if value is None else value.value


def to_row(facts: TrajectoryFacts, *, pseudonym_key: bytes) -> dict[str, str]:
    """The export row of `facts`: exactly COLUMNS, every value a string ("" when unknown)."""
    if not pseudonym_key:
        raise ValueError("a pseudonym key is required")
    row = {
        "person_pseudonym": person_pseudonym(pseudonym_key, facts.client_public_id),
        "trajectory_pseudonym": trajectory_pseudonym(pseudonym_key, facts.trajectory_public_id),
        "region": facts.region,
        "municipality_code": facts.municipality_code or "",
        "age_band": _code(facts.age_band),
        "gender": _code(facts.gender),
        "nationality": facts.nationality or "",
        "nationality_group": _code(facts.nationality_group),
        "exploitation_forms": ";".join(form.value for form in facts.exploitation_forms),
        "referrer_type": _code(facts.referrer_type),
        "referrer_category": REFERRER_CATEGORY[facts.referrer_type].value,
        "notification_month": month(facts.notified_on),
        "phase_at_period_end": _code(facts.phase),
        "intake_completed_month": month(facts.intake_completed_on),
        "reflection_period_start_month": month(facts.reflection_started_on),
        "police_report": _code(facts.police_report),
        "residence_permit": _code(facts.residence_permit),
        "criminal_case": _code(facts.criminal_case),
        "handovers": ";".join(
            sorted(f"{kind.value}:{status.value}" for kind, status in facts.handovers)
        ),
        "closure_month": month(facts.closed_on),
        "closure_reason": _code(facts.closure_reason),
    }
    return {column: row[column] for column in COLUMNS}


def neutralise_cell(text: str) -> str:
    """Prefix `'` to a cell a spreadsheet would otherwise run as a formula."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _ordered(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """Rows checked against the allow-list, in a fixed order independent of the query's."""
    checked = []
    for row in rows:
        if tuple(row) != COLUMNS:
            raise ValueError("an export row must have exactly COLUMNS, in order")
        if not all(isinstance(value, str) for value in row.values()):
            raise TypeError("export cells must be strings")
        checked.append(dict(row))
    return sorted(checked, key=lambda r: (r["person_pseudonym"], r["trajectory_pseudonym"]))


def csv_text(rows: Iterable[Mapping[str, str]]) -> str:
    """RFC 4180: header row, CRLF line ends, quoting where needed, every cell neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in _ordered(rows):
        writer.writerow(neutralise_cell(row[column]) for column in COLUMNS)
    return buffer.getvalue()


def json_text(rows: Iterable[Mapping[str, str]], *, period: str, region: str) -> str:
    """The JSON document of docs/comensha-export.schema.json; deterministic to the byte."""
    if not PERIOD.fullmatch(period):
        raise ValueError("period must be YYYY or YYYY-Qn")
    ordered = _ordered(rows)
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "period": period,
        "region": region,
        "columns": list(COLUMNS),
        "row_count": len(ordered),
        "rows": ordered,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
