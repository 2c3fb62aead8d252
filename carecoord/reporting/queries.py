"""Read-only selects for the CoMensha export: coded columns, and only the nationality decrypted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Date,
    Exists,
    Row,
    ScalarSelect,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from carecoord.accounts.models import Municipality, Region, User
from carecoord.clients.models import Client
from carecoord.codes import ConsentPurpose, HandoverStatus, Phase
from carecoord.database import reporting_bind_arguments
from carecoord.extensions import db
from carecoord.handovers.models import STATUS_DATE_COLUMN, Handover, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.reporting.aggregates import Period
from carecoord.reporting.comensha import TrajectoryFacts
from carecoord.reporting.models import ExportBatch
from carecoord.security.encrypted import ColumnOpener
from carecoord.trajectories.models import Consent, Trajectory, TrajectoryExploitation

# Process order of the statuses: on one day, the later status is the one that holds.
STATUS_ORDER = tuple(HandoverStatus)
assert len(STATUS_ORDER) <= 10, "a status's rank is one digit in _handovers_by"
# Rows per fetch of the export's query: memory stays flat however large the region.
CHUNK_ROWS = 1000


@dataclass(frozen=True)
class ExportFacts:
    """What one region's export of one period is made of. `facts` is read lazily, so a national
    export never holds all its rows at once; the trajectories `active` in the period but not
    among them are left out (no consent for CoMensha registration at the period's end)."""

    facts: Iterator[TrajectoryFacts]
    active: int


def _active(region_id: Any, start: Any, end: Any) -> tuple[ColumnElement[bool], ...]:
    """The region's trajectories notified by the period's end and not closed before it."""
    return (
        Trajectory.region_id == region_id,
        Trajectory.notified_on <= end,
        or_(Trajectory.closed_on.is_(None), Trajectory.closed_on >= start),
    )


def active_in(region: Region, period: Period) -> Select:
    """Ids of the trajectories active in `period` (`_active`)."""
    return select(Trajectory.id).where(*_active(region.id, period.start, period.end))


def consent_holds(on: Any) -> Exists:
    """The (enclosing query's) trajectory has a consent for CoMensha registration that holds
    on `on` (the rule of `ConsentState.valid_on`: given by then, not withdrawn by then)."""
    return (
        select(Consent.id)
        .where(
            Consent.trajectory_id == Trajectory.id,
            Consent.purpose == ConsentPurpose.COMENSHA_REGISTRATION.value,
            Consent.given_on <= on,
            or_(Consent.withdrawn_on.is_(None), Consent.withdrawn_on > on),
        )
        .exists()
    )


def export_facts(region: Region, period: Period, *, chunk_rows: int | None = None) -> ExportFacts:
    """The facts of every consented trajectory active in `period`, as at the period's end.

    Every read goes to the read replica when one is configured (`reporting_bind_arguments`).
    """
    bind = reporting_bind_arguments()
    values = {"region_id": region.id, "period_start": period.start, "period_end": period.end}
    active = db.session.scalar(ACTIVE_COUNT, values, bind_arguments=bind)
    facts = _stream_facts(region, period, bind, values, chunk_rows or CHUNK_ROWS)
    return ExportFacts(facts=facts, active=active or 0)


def _stream_facts(
    region: Region, period: Period, bind: dict[str, Any], values: dict[str, Any], chunk_rows: int
) -> Iterator[TrajectoryFacts]:
    """FACTS read `chunk_rows` at a time (a server-side cursor on PostgreSQL); each
    trajectory's forms and handovers come along as aggregates of indexed lookups. Never a
    query per row or per chunk, never every row in memory."""
    opener = ColumnOpener(Client, "nationality")
    # Through the session's connection (its transaction, its bind): plain rows, without the
    # ORM's per-row loading, which these column tuples do not need.
    connection = db.session.connection(bind_arguments=bind)
    result = connection.execute(FACTS.execution_options(yield_per=chunk_rows), values)
    try:
        for row in result:
            yield _facts(row, region.name, period.end, opener)
    finally:
        result.close()


FACT_COLUMNS = (
    Trajectory.public_id,
    Client.public_id,
    Client.gender,
    Client.nationality_group,
    Client._nationality,
    Municipality.cbs_code,
    Trajectory.age_band,
    Trajectory.referrer_type,
    Trajectory.notified_on,
    Trajectory.phase,
    Trajectory.intake_completed_on,
    Trajectory.reflection_started_on,
    Trajectory.police_report,
    Trajectory.police_report_on,
    Trajectory.residence_permit,
    Trajectory.residence_permit_on,
    Trajectory.criminal_case,
    Trajectory.criminal_case_on,
    Trajectory.left_from_phase,
    Trajectory.closed_on,
    Trajectory.closure_reason,
)
# Codes and ISO dates never contain these separators.
ITEMS, FIELDS = ";", ":"
# The trajectory's forms of exploitation, ";"-separated.
FORMS = (
    select(func.aggregate_strings(TrajectoryExploitation.form, ITEMS))
    .where(TrajectoryExploitation.trajectory_id == Trajectory.id)
    .scalar_subquery()
)


class DayText(FunctionElement):
    """A date as ISO text, YYYY-MM-DD, whatever the database (and PostgreSQL's DateStyle)."""

    type = String()
    inherit_cache = True


@compiles(DayText)
def _day_text(element: DayText, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


@compiles(DayText, "sqlite")
def _day_text_sqlite(element: DayText, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)  # SQLite keeps dates as that text


class Greatest(FunctionElement):
    """The greatest of its (non-null) arguments: GREATEST, or SQLite's many-argument max()."""

    type = String()
    inherit_cache = True


@compiles(Greatest)
def _greatest(element: Greatest, compiler: Any, **kw: Any) -> str:
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(Greatest, "sqlite")
def _greatest_sqlite(element: Greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


def _handovers_by(end: Any) -> ScalarSelect:
    """The trajectory's handovers proposed by `end`, ";"-separated, each as "<provider type>:
    <status key>". The status that held on `end` is the latest one dated by then, the process
    order breaking ties: the greatest of the keys "<ISO date><rank in STATUS_ORDER>" of the
    statuses dated by `end` (ISO dates compare as text as they do as dates; ranks are digits)."""
    keys = []
    for status, name in STATUS_DATE_COLUMN.items():
        on = getattr(Handover, name)
        rank = str(STATUS_ORDER.index(status))
        keys.append(case((on <= end, DayText(on) + rank), else_=""))
    return (
        select(func.aggregate_strings(CareProvider.provider_type + FIELDS + Greatest(*keys), ITEMS))
        .select_from(HelpQuestion)
        .join(Handover, Handover.help_question_id == HelpQuestion.id)
        .join(CareProvider, CareProvider.id == Handover.provider_id)
        .where(HelpQuestion.trajectory_id == Trajectory.id, Handover.proposed_on <= end)
        .scalar_subquery()
    )


# The export's two statements, built once (the same SQL every time: compiled once, cached);
# the region and the period are parameters.
_REGION = bindparam("region_id")
_START, _END = bindparam("period_start", type_=Date), bindparam("period_end", type_=Date)
ACTIVE_COUNT = select(func.count()).select_from(
    select(Trajectory.id).where(*_active(_REGION, _START, _END)).subquery()
)
FACTS = (
    select(*FACT_COLUMNS, FORMS, _handovers_by(_END))
    .join(Client, Client.id == Trajectory.client_id)
    .outerjoin(Municipality, Municipality.id == Client.municipality_id)
    .where(*_active(_REGION, _START, _END), consent_holds(_END))
    .order_by(Trajectory.id)
)


def _statuses(summary: str | None) -> tuple[tuple[str, str], ...]:
    """(provider type, status at the period's end) of each handover in a `_handovers_by` list
    (each was proposed by then, so each has a status key)."""
    found = []
    for handover in summary.split(ITEMS) if summary else ():
        provider_type, _, key = handover.partition(FIELDS)
        found.append((provider_type, STATUS_ORDER[int(key[-1])]._value_))
    return tuple(found)


def phase_on(
    end: date,
    phase: str,
    intake_completed_on: date | None,
    closed_on: date | None,
    left_from_phase: str | None,
) -> Phase:
    """The phase at `end`, from the dates that move it (DOMAIN.md: intake → assistance → closed)."""
    if closed_on is not None and closed_on <= end:
        return Phase.CLOSED
    if intake_completed_on is not None:
        return Phase.ASSISTANCE if intake_completed_on <= end else Phase.INTAKE
    if phase == Phase.CLOSED:  # closed after the period: the phase it was closed from
        return Phase(left_from_phase or Phase.INTAKE)
    return Phase(phase)


def exact_nationality(
    client_public_id: UUID, blob: bytes | None, opener: ColumnOpener | None = None
) -> str | None:
    """The one identity field the export carries (DOMAIN.md): the ISO code of the nationality,
    decrypted here on purpose; unreadable, or not a two-letter code, counts as unknown."""
    code = (opener or ColumnOpener(Client, "nationality"))(client_public_id, blob)
    return code if code and len(code) == 2 and code.isalpha() and code.isupper() else None


def _by(end: date, value: str | None, on: date | None) -> str | None:
    """A status recorded by the period's end; a later one was not yet known then."""
    return value if value is not None and on is not None and on <= end else None


def _facts(row: Row, region_name: str, end: date, opener: ColumnOpener) -> TrajectoryFacts:
    # Unpacked by position (FACT_COLUMNS, FORMS, handovers): this runs once per exported row.
    (
        public_id,
        client_public_id,
        gender,
        nationality_group,
        nationality_ct,
        cbs_code,
        age_band,
        referrer_type,
        notified_on,
        stored_phase,
        intake_completed_on,
        reflection_started_on,
        police_report,
        police_report_on,
        residence_permit,
        residence_permit_on,
        criminal_case,
        criminal_case_on,
        left_from_phase,
        closed_on,
        closure_reason,
        forms,
        handovers,
    ) = row
    phase = phase_on(end, stored_phase, intake_completed_on, closed_on, left_from_phase)
    closed = phase is Phase.CLOSED
    return TrajectoryFacts(
        client_public_id=client_public_id,
        trajectory_public_id=public_id,
        age_band=age_band,
        gender=gender,
        nationality=exact_nationality(client_public_id, nationality_ct, opener),
        nationality_group=nationality_group,
        municipality_code=cbs_code,
        region=region_name,
        exploitation_forms=forms.split(ITEMS) if forms else (),
        referrer_type=referrer_type,
        notified_on=notified_on,
        phase=phase,
        intake_completed_on=_date_by(intake_completed_on, end),
        reflection_started_on=_date_by(reflection_started_on, end),
        police_report=_by(end, police_report, police_report_on),
        residence_permit=_by(end, residence_permit, residence_permit_on),
        criminal_case=_by(end, criminal_case, criminal_case_on),
        handovers=_statuses(handovers),
        closed_on=closed_on if closed else None,
        closure_reason=closure_reason if closed else None,
    )


def _date_by(value: date | None, end: date) -> date | None:
    return value if value is not None and value <= end else None


def regions(key: str | None = None) -> list[Region]:
    """Every region by name, or the one whose code or name is `key` (none: an empty list)."""
    query = select(Region).order_by(Region.name)
    if key is not None:
        query = query.where(or_(Region.code == key, Region.name == key))
    return list(db.session.scalars(query))


def batch_for(region: Region, period: str) -> ExportBatch | None:
    return db.session.scalar(
        select(ExportBatch).where(
            and_(ExportBatch.region_id == region.id, ExportBatch.period == period)
        )
    )


def region_batches(user: User) -> list[ExportBatch]:
    """The batches of the user's own region, newest period first."""
    return list(
        db.session.scalars(
            select(ExportBatch)
            .where(ExportBatch.region_id == user.region_id)
            .order_by(ExportBatch.period.desc(), ExportBatch.id.desc())
        )
    )


def batch_in_region(user: User, public_id: UUID) -> ExportBatch | None:
    """The batch with `public_id` if it belongs to the user's region; else None."""
    return db.session.scalar(
        select(ExportBatch).where(
            ExportBatch.public_id == public_id, ExportBatch.region_id == user.region_id
        )
    )
