"""What the subject-access document and the printable overview show: read-only selects whose
number does not grow with the file (every collection is loaded in one statement per kind)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from carecoord.accounts.guards import OutOfScope
from carecoord.accounts.models import User
from carecoord.audit.models import AuditEntry
from carecoord.clients.models import Client
from carecoord.codes import StepKind
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HandoverStatusChange, HelpQuestion
from carecoord.trajectories import queries
from carecoord.trajectories.models import Consent, NeedsAssessment, Step, Trajectory

# Everything a document reads from a trajectory, loaded up front: no lazy load per row.
FULL_FILE = (
    joinedload(Trajectory.client).options(
        selectinload(Client.municipality), selectinload(Client.created_by)
    ),
    selectinload(Trajectory.region),
    selectinload(Trajectory.responsible),
    selectinload(Trajectory.exploitation),
    selectinload(Trajectory.steps).selectinload(Step.author),
    selectinload(Trajectory.needs).selectinload(NeedsAssessment.updated_by),
    selectinload(Trajectory.informed),
    selectinload(Trajectory.consents).options(
        selectinload(Consent.provider), selectinload(Consent.recorded_by)
    ),
    selectinload(Trajectory.help_questions)
    .selectinload(HelpQuestion.handovers)
    .options(
        selectinload(Handover.provider),
        selectinload(Handover.changes).selectinload(HandoverStatusChange.changed_by),
    ),
)


@dataclass(frozen=True)
class Access:
    """One line of the access list: who (name and role then), did what, when, with what result."""

    at: datetime
    user_name: str | None
    role: str | None
    action: str
    outcome: str


@dataclass(frozen=True)
class SubjectAccess:
    """Everything held on one client (AVG art. 15)."""

    client: Client
    trajectories: list[Trajectory]
    people: dict[int, User]
    accesses: list[Access]


def trajectory_or_404(user: User, public_id: UUID) -> Trajectory:
    """The trajectory in `user`'s scope with everything a document shows; else an audited 404."""
    trajectory = db.session.scalar(
        queries.scoped(user).where(Trajectory.public_id == public_id).options(*FULL_FILE)
    )
    if trajectory is None:
        raise OutOfScope("trajectories", public_id)
    return trajectory


def client_trajectories(user: User, t: Trajectory) -> list[Trajectory]:
    """Every trajectory of `t`'s client in `user`'s scope, oldest notification first."""
    return list(
        db.session.scalars(
            queries.scoped(user)
            .where(Trajectory.client_id == t.client_id)
            .options(*FULL_FILE)
            .order_by(Trajectory.notified_on, Trajectory.id)
        )
    )


def people(ids: Iterable[int | None]) -> dict[int, User]:
    """The users with these ids, by id, in one select (for columns without a relationship)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def access_list(client_id: int, pending: Iterable[AuditEntry] = ()) -> list[Access]:
    """Every audited access to the client's file, oldest first, with the user's name; then
    `pending`: entries recorded in this request that the log writes only at the commit."""
    rows = list(
        db.session.execute(
            select(AuditEntry, User.name)
            .outerjoin(User, User.id == AuditEntry.user_id)
            .where(AuditEntry.client_id == client_id)
            .order_by(AuditEntry.id)
        )
    )
    stored = [entry for entry, _name in rows]
    waiting = [e for e in pending if e.client_id == client_id and e not in stored]
    names = people(e.user_id for e in waiting)
    listed = [(entry, name) for entry, name in rows]
    listed += [(e, names[e.user_id].name if e.user_id in names else None) for e in waiting]
    return [Access(e.at, name, e.role, e.action, e.outcome) for e, name in listed]


def subject_access(user: User, t: Trajectory, recorded: AuditEntry) -> SubjectAccess:
    """Everything held on `t`'s client; the access list ends with `recorded`, the entry of
    this production."""
    trajectories = client_trajectories(user, t)
    ids = [t.client.created_by_id]
    for each in trajectories:
        ids += [q.created_by_id for q in each.help_questions]
        ids += [i.recorded_by_id for i in each.informed]
    return SubjectAccess(
        client=t.client,
        trajectories=trajectories,
        people=people(ids),
        accesses=access_list(t.client_id, [recorded]),
    )


def chronological(steps: Iterable[Step]) -> list[Step]:
    """Steps oldest first: a document is read from top to bottom."""
    return sorted(steps, key=lambda s: (s.occurred_on, s.id))


def steps_of(t: Trajectory, *kinds: StepKind) -> list[Step]:
    """`t`'s steps of these kinds, oldest first."""
    return chronological(s for s in t.steps if s.kind in kinds)
