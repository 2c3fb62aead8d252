"""The CoMensha export's rows: coded facts in, allow-listed pseudonymised cells out. Pure."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from itertools import chain
from json.encoder import encode_basestring
from operator import itemgetter, le
from typing import Any
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
# The code list's order, taken once: iterating an enum class is slow in a per-row loop.
FORM_ORDER: tuple[ExploitationForm, ...] = tuple(ExploitationForm)


# Each code list by value, for the per-row coercion: a dict lookup beats calling the enum.
_BY_VALUE: dict[type[StrEnum], dict[str, Any]] = {}


def _member(kind: type[StrEnum], value: StrEnum | str) -> Any:
    members = _BY_VALUE.get(kind) or _BY_VALUE.setdefault(kind, {m.value: m for m in kind})
    try:
        return members[value]
    except (KeyError, TypeError):
        return kind(value)  # outside the code list: the enum's own ValueError


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
        forms = {_member(ExploitationForm, form) for form in self.exploitation_forms}
        for name in ("client_public_id", "trajectory_public_id"):
            if not isinstance(getattr(self, name), UUID):
                raise TypeError(f"{name} must be a UUID")
        put = object.__setattr__  # frozen: the coerced values replace the given ones
        put(self, "age_band", _member(AgeBand, self.age_band))
        put(self, "gender", _member(Gender, self.gender))
        put(self, "nationality_group", _member(NationalityGroup, self.nationality_group))
        put(self, "referrer_type", _member(ReferrerType, self.referrer_type))
        put(self, "phase", _member(Phase, self.phase))
        for name, kind in _OPTIONAL_CODED:
            if (value := getattr(self, name)) is not None:
                put(self, name, _member(kind, value))
        # Fixed order (the code list's), each form once: equal facts give equal rows.
        put(self, "exploitation_forms", tuple(form for form in FORM_ORDER if form in forms))
        handovers = [
            (_member(ProviderType, kind), _member(HandoverStatus, status))
            for kind, status in self.handovers
        ]
        put(self, "handovers", tuple(handovers))
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


# The optional fields TrajectoryFacts coerces to their code list.
_OPTIONAL_CODED: tuple[tuple[str, type[StrEnum]], ...] = (
    ("police_report", PoliceReport),
    ("residence_permit", ResidencePermit),
    ("criminal_case", CriminalCase),
    ("closure_reason", ClosureReason),
)


def month(value: date | None) -> str:
    """`YYYY-MM`, never the day; empty when there is no date."""
    return "" if value is None else value.isoformat()[:7]


def _code(value: StrEnum | None) -> str:
    # `_value_`, the member's plain value: `.value` is a property, slow in a per-row loop.
    return "" if value is None else value._value_


def to_cells(facts: TrajectoryFacts, *, pseudonym_key: bytes) -> tuple[str, ...]:
    """The export row of `facts` as its cells in COLUMNS order ("" when unknown)."""
    if not pseudonym_key:
        raise ValueError("a pseudonym key is required")
    return (
        person_pseudonym(pseudonym_key, facts.client_public_id),
        trajectory_pseudonym(pseudonym_key, facts.trajectory_public_id),
        facts.region,
        facts.municipality_code or "",
        facts.age_band._value_,
        facts.gender._value_,
        facts.nationality or "",
        facts.nationality_group._value_,
        ";".join(facts.exploitation_forms),  # members are str: their values are joined
        facts.referrer_type._value_,
        REFERRER_CATEGORY[facts.referrer_type]._value_,
        month(facts.notified_on),
        facts.phase._value_,
        month(facts.intake_completed_on),
        month(facts.reflection_started_on),
        _code(facts.police_report),
        _code(facts.residence_permit),
        _code(facts.criminal_case),
        ";".join(sorted(f"{kind._value_}:{status._value_}" for kind, status in facts.handovers)),
        month(facts.closed_on),
        _code(facts.closure_reason),
    )


def to_row(facts: TrajectoryFacts, *, pseudonym_key: bytes) -> dict[str, str]:
    """The export row of `facts`: exactly COLUMNS, every value a string ("" when unknown)."""
    return dict(zip(COLUMNS, to_cells(facts, pseudonym_key=pseudonym_key), strict=True))


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


def _document_ends(period: str, region: str, row_count: int) -> tuple[str, str]:
    """json_text's document around its rows: the text before the first row and after the last."""
    if not PERIOD.fullmatch(period):
        raise ValueError("period must be YYYY or YYYY-Qn")
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "period": period,
        "region": region,
        "columns": list(COLUMNS),
        "row_count": row_count,
        "rows": [],
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    # Quotes inside string values are escaped, so only the key itself matches.
    head, tail = text.split('"rows": []')
    return head + '"rows": [', tail


# json.dumps(sort_keys=True, indent=2) of a row at the depth of "rows", as one format string
# over the cells in key order (formatting substitutes a value, it never reads one).
_PSEUDONYMS = itemgetter(0, 1)
_JSON_CELLS = itemgetter(*sorted(range(len(COLUMNS)), key=COLUMNS.__getitem__))
_JSON_ROW = (
    "    {\n"
    + ",\n".join(f"      {encode_basestring(column)}: %s" for column in sorted(COLUMNS))
    + "\n    }"
)
# A cell that starts with a trigger, found in one pass over the row's cells, each after a NUL
# (a NUL inside a cell can only cause a needless check of every cell, never a missed one).
_TRIGGERED = re.compile("\x00[" + re.escape("".join(FORMULA_TRIGGERS)) + "]")


class StreamWriter:
    """Writes the CSV and the JSON block by block, byte for byte what csv_text and json_text
    give for the same rows: `add` the cells (COLUMNS order) in sorted order, then `finish`.

    `write_csv` and `write_json` take UTF-8 bytes, once per block of `block_rows` rows, so the
    caller's hashing and writing run per block, and so do the checks.
    """

    def __init__(
        self,
        write_csv: Callable[[bytes], object],
        write_json: Callable[[bytes], object],
        *,
        period: str,
        region: str,
        row_count: int,
        block_rows: int = 256,
    ) -> None:
        head, self._json_tail = _document_ends(period, region, row_count)
        self._write_csv, self._write_json = write_csv, write_json
        self._csv_buffer = io.StringIO(newline="")
        self._csv = csv.writer(self._csv_buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        self._csv.writerow(COLUMNS)
        self._json_head: str | None = head
        self._expected, self._written, self._block_rows = row_count, 0, block_rows
        self._block: list[Sequence[str]] = []
        self._last: tuple[str, str] = ("", "")

    def add(self, cells: Sequence[str]) -> None:
        self._block.append(cells)
        if len(self._block) >= self._block_rows:
            self._flush()

    def finish(self) -> None:
        """Write the end of both documents; refuses a row count other than announced."""
        self._flush()
        if self._written != self._expected:
            raise ValueError("the rows written differ from the row count announced")
        end = ("\n  ]" if self._written else "]") + self._json_tail
        self._write_json(((self._json_head or "") + end).encode("utf-8"))
        self._json_head = None

    def _flush(self) -> None:
        block, self._block = self._block, []
        if any(len(cells) != len(COLUMNS) for cells in block):
            raise ValueError("an export row must have exactly COLUMNS, in order")
        keys = [self._last, *map(_PSEUDONYMS, block)]
        if not all(map(le, keys, keys[1:])):
            raise ValueError("export rows must come in pseudonym order")
        self._last = keys[-1]
        if _TRIGGERED.search("\x00" + "\x00".join(chain.from_iterable(block))):
            self._csv.writerows([neutralise_cell(cell) for cell in cells] for cells in block)
        else:
            self._csv.writerows(block)
        self._write_csv(self._csv_buffer.getvalue().encode("utf-8"))
        self._csv_buffer.seek(0)
        self._csv_buffer.truncate()
        rows = ",\n".join(
            [_JSON_ROW % tuple(map(encode_basestring, _JSON_CELLS(c))) for c in block]
        )
        if block:
            rows = ("\n" if self._written == 0 else ",\n") + rows
        self._written += len(block)
        self._write_json(((self._json_head or "") + rows).encode("utf-8"))
        self._json_head = None
