"""Reading the coded facts of trajectories for the rollups: three selects, no encrypted column."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from carecoord.accounts.models import Municipality
from carecoord.clients.models import Client
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.reporting.rollups.rules import HandoverFacts, TrajectoryFacts
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation

# Ids per IN list: well below SQLite's limit on bound parameters.
IN_CHUNK = 500
# Trajectories per step of a rebuild.
REBUILD_CHUNK = 5000

_TRAJECTORY_COLUMNS = (
    Trajectory.id,
    Trajectory.region_id,
    Trajectory.notified_on,
    Trajectory.age_band,
    Trajectory.referrer_type,
    Client.gender,
    Client.nationality_group,
    Municipality.cbs_code,
    Trajectory.closed_on,
    Trajectory.closure_reason,
    Trajectory.intake_completed_on,
    Trajectory.assistance_started_on,
    Trajectory.phase,
    Trajectory.left_from_phase,
    Trajectory.reflection_started_on,
)


def _trajectories() -> Select:
    return (
        select(*_TRAJECTORY_COLUMNS)
        .join(Client, Client.id == Trajectory.client_id)
        .outerjoin(Municipality, Municipality.id == Client.municipality_id)
    )


def _forms() -> Select:
    return select(TrajectoryExploitation.trajectory_id, TrajectoryExploitation.form)


def _handovers() -> Select:
    return (
        select(
            HelpQuestion.trajectory_id,
            CareProvider.provider_type,
            Handover.accepted_on,
            Handover.declined_on,
            Handover.completed_on,
        )
        .select_from(Handover)
        .join(HelpQuestion, HelpQuestion.id == Handover.help_question_id)
        .join(CareProvider, CareProvider.id == Handover.provider_id)
    )


def facts_of(session: Session, ids: set[int]) -> list[TrajectoryFacts]:
    """The facts of the trajectories `ids` as the database holds them now (in this
    transaction); ids that no longer exist are left out."""
    found: list[TrajectoryFacts] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), IN_CHUNK):
        chunk = ordered[start : start + IN_CHUNK]
        found.extend(
            _combine(
                session.execute(_trajectories().where(Trajectory.id.in_(chunk))),
                session.execute(_forms().where(TrajectoryExploitation.trajectory_id.in_(chunk))),
                session.execute(_handovers().where(HelpQuestion.trajectory_id.in_(chunk))),
            )
        )
    return found


def all_facts(session: Session) -> Iterator[list[TrajectoryFacts]]:
    """Every trajectory's facts, a chunk of consecutive ids at a time."""
    last = 0
    while True:
        rows = session.execute(
            _trajectories().where(Trajectory.id > last).order_by(Trajectory.id).limit(REBUILD_CHUNK)
        ).all()
        if not rows:
            return
        low, last = rows[0][0], rows[-1][0]
        forms = _forms().where(TrajectoryExploitation.trajectory_id.between(low, last))
        handovers = _handovers().where(HelpQuestion.trajectory_id.between(low, last))
        yield _combine(rows, session.execute(forms), session.execute(handovers))


def _combine(trajectories: Iterable, forms: Iterable, handovers: Iterable) -> list[TrajectoryFacts]:
    forms_of: dict[int, list[str]] = {}
    for trajectory_id, form in forms:
        forms_of.setdefault(trajectory_id, []).append(form)
    handovers_of: dict[int, list[HandoverFacts]] = {}
    for trajectory_id, provider_type, accepted, declined, completed in handovers:
        handovers_of.setdefault(trajectory_id, []).append(
            HandoverFacts(provider_type, accepted, declined, completed)
        )
    return [
        TrajectoryFacts(
            region_id=row.region_id,
            notified_on=row.notified_on,
            age_band=row.age_band,
            referrer_type=row.referrer_type,
            gender=row.gender,
            nationality_group=row.nationality_group,
            municipality=row.cbs_code,
            closed_on=row.closed_on,
            closure_reason=row.closure_reason,
            intake_completed_on=row.intake_completed_on,
            assistance_started_on=row.assistance_started_on,
            phase=row.phase,
            left_from_phase=row.left_from_phase,
            reflection_started_on=row.reflection_started_on,
            forms=tuple(forms_of.get(row.id, ())),
            handovers=tuple(handovers_of.get(row.id, ())),
        )
        for row in trajectories
    ]
