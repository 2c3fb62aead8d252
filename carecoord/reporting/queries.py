"""Read-only selects for the CoMensha export: coded columns only, nothing is decrypted."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Row, Select, and_, or_, select

from carecoord.accounts.models import Municipality, Region, User
from carecoord.clients.models import Client
from carecoord.codes import ConsentPurpose, HandoverStatus, Phase
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


@dataclass(frozen=True)
class ExportFacts:
    """What one region's export of one period is made of."""

    facts: list[TrajectoryFacts]
    left_out: int  # active in the period, without consent for CoMensha registration at its end


def active_in(region: Region, period: Period) -> Select:
    """Ids of the region's trajectories notified by the period's end and not closed before it."""
    return select(Trajectory.id).where(
        Trajectory.region_id == region.id,
        Trajectory.notified_on <= period.end,
        or_(Trajectory.closed_on.is_(None), Trajectory.closed_on >= period.start),
    )


def consented_at(ids: Select, on: date) -> Select:
    """Those of `ids` with a consent for CoMensha registration that holds on `on`
    (the rule of `ConsentState.valid_on`: given by then, not withdrawn by then)."""
    return (
        select(Consent.trajectory_id)
        .where(
            Consent.trajectory_id.in_(ids),
            Consent.purpose == ConsentPurpose.COMENSHA_REGISTRATION.value,
            Consent.given_on <= on,
            or_(Consent.withdrawn_on.is_(None), Consent.withdrawn_on > on),
        )
        .distinct()
    )


def export_facts(region: Region, period: Period) -> ExportFacts:
    """The facts of every consented trajectory active in `period`, as at the period's end."""
    active = active_in(region, period)
    consented = consented_at(active, period.end)
    all_ids = set(db.session.scalars(active))
    ids = set(db.session.scalars(consented))
    rows = db.session.execute(
        select(
            Trajectory.id,
            Trajectory.public_id,
            Client.public_id.label("client_public_id"),
            Client.gender,
            Client.nationality_group,
            Client._nationality.label("nationality_ct"),
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
        .join(Client, Client.id == Trajectory.client_id)
        .outerjoin(Municipality, Municipality.id == Client.municipality_id)
        .where(Trajectory.id.in_(consented))
        .order_by(Trajectory.id)
    ).all()
    forms = _forms(consented)
    handovers = _handovers(consented, period.end)
    facts = [_facts(row, region, period.end, forms, handovers) for row in rows]
    return ExportFacts(facts=facts, left_out=len(all_ids - ids))


def _forms(ids: Select) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for trajectory_id, form in db.session.execute(
        select(TrajectoryExploitation.trajectory_id, TrajectoryExploitation.form).where(
            TrajectoryExploitation.trajectory_id.in_(ids)
        )
    ):
        found[trajectory_id].append(form)
    return found


def _handovers(ids: Select, end: date) -> dict[int, list[tuple[str, str]]]:
    """Per trajectory: (provider type, status at `end`) of each handover proposed by `end`."""
    columns = [getattr(Handover, name) for name in STATUS_DATE_COLUMN.values()]
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for trajectory_id, provider_type, *dates in db.session.execute(
        select(HelpQuestion.trajectory_id, CareProvider.provider_type, *columns)
        .join(Handover, Handover.help_question_id == HelpQuestion.id)
        .join(CareProvider, CareProvider.id == Handover.provider_id)
        .where(HelpQuestion.trajectory_id.in_(ids), Handover.proposed_on <= end)
    ):
        status = status_on(dict(zip(STATUS_DATE_COLUMN, dates, strict=True)), end)
        if status is not None:
            found[trajectory_id].append((provider_type, status.value))
    return found


def status_on(dates: dict[HandoverStatus, date | None], end: date) -> HandoverStatus | None:
    """The status that held on `end`: the latest one dated by then (process order breaks ties)."""
    reached = [
        (on, STATUS_ORDER.index(status), status)
        for status, on in dates.items()
        if on is not None and on <= end
    ]
    return max(reached)[2] if reached else None


def phase_on(row: Row, end: date) -> Phase:
    """The phase at `end`, from the dates that move it (DOMAIN.md: intake → assistance → closed)."""
    if row.closed_on is not None and row.closed_on <= end:
        return Phase.CLOSED
    if row.intake_completed_on is not None:
        return Phase.ASSISTANCE if row.intake_completed_on <= end else Phase.INTAKE
    if row.phase == Phase.CLOSED:  # closed after the period: the phase it was closed from
        return Phase(row.left_from_phase or Phase.INTAKE)
    return Phase(row.phase)


def exact_nationality(client_public_id: UUID, blob: bytes | None) -> str | None:
    """The one identity field the export carries (DOMAIN.md): the ISO code of the nationality,
    decrypted here on purpose; unreadable, or not a two-letter code, counts as unknown."""
    code = ColumnOpener(Client, "nationality")(client_public_id, blob)
    return code if code and len(code) == 2 and code.isalpha() and code.isupper() else None


def _by(end: date, value: str | None, on: date | None) -> str | None:
    """A status recorded by the period's end; a later one was not yet known then."""
    return value if value is not None and on is not None and on <= end else None


def _facts(
    row: Row,
    region: Region,
    end: date,
    forms: dict[int, list[str]],
    handovers: dict[int, list[tuple[str, str]]],
) -> TrajectoryFacts:
    phase = phase_on(row, end)
    closed = phase is Phase.CLOSED
    return TrajectoryFacts(
        client_public_id=row.client_public_id,
        trajectory_public_id=row.public_id,
        age_band=row.age_band,
        gender=row.gender,
        nationality=exact_nationality(row.client_public_id, row.nationality_ct),
        nationality_group=row.nationality_group,
        municipality_code=row.cbs_code,
        region=region.name,
        exploitation_forms=tuple(forms.get(row.id, ())),
        referrer_type=row.referrer_type,
        notified_on=row.notified_on,
        phase=phase,
        intake_completed_on=_date_by(row.intake_completed_on, end),
        reflection_started_on=_date_by(row.reflection_started_on, end),
        police_report=_by(end, row.police_report, row.police_report_on),
        residence_permit=_by(end, row.residence_permit, row.residence_permit_on),
        criminal_case=_by(end, row.criminal_case, row.criminal_case_on),
        handovers=tuple(handovers.get(row.id, ())),
        closed_on=row.closed_on if closed else None,
        closure_reason=row.closure_reason if closed else None,
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
