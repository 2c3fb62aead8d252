"""Closing, reopening and starting a new trajectory: change, audit, flush; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from carecoord.accounts.models import User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.clients.rules import age_band
from carecoord.codes import N_, ClosureReason, ExploitationForm, Phase, ReferrerType, StepKind
from carecoord.extensions import db
from carecoord.handovers.operations import withdraw_open_handovers
from carecoord.handovers.queries import open_handovers
from carecoord.security.encrypted import UNREADABLE
from carecoord.trajectories import rules
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation
from carecoord.trajectories.operations.common import next_case_number
from carecoord.trajectories.operations.refusals import Refused, refuse_if_closed

# The three knowledge conditions of a regular closure: code → the column holding its date.
# The code is what a CLOSURE_CONDITION_CONFIRMED step carries as its text.
KNOWLEDGE_CONDITIONS: dict[str, str] = {
    "residence_steps": "knows_residence_steps_on",
    "rights_to_services": "knows_rights_to_services_on",
    "where_to_get_help": "knows_where_to_get_help_on",
}
ALREADY_CLOSED = N_("This trajectory is already closed.")
OPEN_HANDOVERS = N_(
    "This trajectory has open handovers. Confirm that they are withdrawn, or settle them first."
)
NOT_CLOSED = N_("Only a closed trajectory can be reopened.")
ANOTHER_OPEN = N_(
    "This client already has an open trajectory. A client never has two open trajectories."
)
PURGED = N_(
    "The identifying data of this client were removed after the retention period. "
    "Register the person again as a new client."
)
CONDITION_KEPT = N_("A confirmed condition cannot be removed; correct its date if needed.")
# New trajectories get a public id derived from the form's one-time token, so a double submit
# redirects to the trajectory the first submission created.
NEW_TRAJECTORY_NAMESPACE = uuid.UUID("3c1f7a52-8d0e-4b6e-9a55-2f0c6d1e7b44")
# How PostgreSQL and SQLite name a violation of the one-open-trajectory-per-client index.
ONE_OPEN_INDEX_MARKS = ("uq_trajectories_one_open_per_client", "trajectories.client_id")


class ClosureRefused(Refused):
    """The trajectory cannot be closed for this reason now."""


class ReopenRefused(Refused):
    """The trajectory cannot be reopened."""


class NewTrajectoryRefused(Refused):
    """No new trajectory can start for this client now."""


class ConditionsRefused(Refused):
    """The knowledge conditions cannot be changed."""


def confirm_closure_conditions(
    t: Trajectory, confirmed: Mapping[str, date | None], *, actor: User
) -> list[str]:
    """Record the date each knowledge condition was confirmed; returns the codes changed.

    A new or corrected date adds a CLOSURE_CONDITION_CONFIRMED step on that date. A confirmed
    condition is never silently removed (the form refuses an emptied date).
    """
    refuse_if_closed(t, ConditionsRefused)
    changed = []
    for code, column in KNOWLEDGE_CONDITIONS.items():
        new, old = confirmed.get(code), getattr(t, column)
        if new is None:
            if old is not None:
                raise ConditionsRefused(CONDITION_KEPT)
            continue
        if new != old:
            setattr(t, column, new)
            t.add_step(StepKind.CLOSURE_CONDITION_CONFIRMED, author=actor, on=new, text=code)
            changed.append(code)
    record(actor, Action.UPDATE, t, detail="closure_conditions")
    db.session.flush()
    return changed


def close_trajectory(
    t: Trajectory,
    reason: ClosureReason,
    *,
    actor: User,
    on: date,
    note: str | None = None,
    withdraw_handovers: bool = False,
) -> None:
    """Close `t` for `reason` on `on`. Raises ClosureRefused naming every unmet condition.

    Open handovers are withdrawn with the closure, but only when the coordinator confirmed it
    (`withdraw_handovers`): otherwise the closure is refused and nothing changes.
    """
    if not t.is_open:
        raise ClosureRefused(ALREADY_CLOSED)
    blockers = rules.closure_blockers(reason, t.closure_facts())
    messages = [blocker.message for blocker in blockers]
    pending = open_handovers(t)
    if pending and not withdraw_handovers:
        messages.append(OPEN_HANDOVERS)
    if messages:
        raise ClosureRefused(*messages)
    rules.check_transition(t.phase_code, Phase.CLOSED)
    if pending:
        withdraw_open_handovers(t, actor=actor, on=on)
    t.left_from_phase = t.phase
    t.phase = Phase.CLOSED.value
    t.closed_on = on
    t.closure_reason = reason.value
    t.next_review_on = None
    t.add_step(StepKind.CLOSURE, author=actor, on=on, text=note or None)
    record(actor, Action.UPDATE, t, detail=f"close:{reason.value}")
    db.session.flush()


def has_other_open_trajectory(t: Trajectory) -> bool:
    """Whether the client of `t` has an open trajectory other than `t`."""
    other = db.session.scalar(
        select(Trajectory.id).where(
            Trajectory.client_id == t.client_id,
            Trajectory.id != t.id,
            Trajectory.phase != Phase.CLOSED.value,
        )
    )
    return other is not None


def reopen_trajectory(t: Trajectory, *, actor: User, on: date, reason: str) -> None:
    """Reopen a closed `t` in the phase it was closed from, with a reason. Never commits.

    Refused when `t` is open or the client has another open trajectory; the partial unique
    index refuses the same when two reopenings race.
    """
    if t.is_open:
        raise ReopenRefused(NOT_CLOSED)
    if t.client.purged_at is not None:
        raise ReopenRefused(PURGED)
    if has_other_open_trajectory(t):
        raise ReopenRefused(ANOTHER_OPEN)
    left_from = Phase(t.left_from_phase) if t.left_from_phase else None
    t.phase = rules.reopen_phase(t.phase_code, left_from).value
    t.closed_on = None
    t.closure_reason = None
    t.left_from_phase = None
    # Back under monitoring: the first review is one interval after the reopening.
    t.next_review_on = rules.next_review_on(on, t.monitoring_interval_days)
    t.add_step(StepKind.REOPENING, author=actor, on=on, text=reason)
    _flush_or_refuse(ReopenRefused(ANOTHER_OPEN))
    record(actor, Action.UPDATE, t, detail="reopen")
    db.session.flush()


def new_trajectory_id(token: uuid.UUID) -> uuid.UUID:
    """The public id of the trajectory a new-trajectory form with this token creates."""
    return uuid.uuid5(NEW_TRAJECTORY_NAMESPACE, str(token))


def start_new_trajectory(
    previous: Trajectory,
    *,
    actor: User,
    notified_on: date,
    referrer_type: ReferrerType,
    forms_of_exploitation: Sequence[ExploitationForm],
    public_id: uuid.UUID | None = None,
) -> Trajectory:
    """A new trajectory in intake for the known client of `previous`. Never commits.

    Refused while the client has an open trajectory (the partial unique index also refuses
    a racing second one). The age band is the one at the new notification date.
    """
    if previous.is_open or has_other_open_trajectory(previous):
        raise NewTrajectoryRefused(ANOTHER_OPEN)
    if previous.client.purged_at is not None:
        raise NewTrajectoryRefused(PURGED)
    client = previous.client
    born = client.date_of_birth
    region = previous.region
    trajectory = Trajectory(
        public_id=public_id or uuid.uuid4(),
        client=client,
        region=region,
        case_number=next_case_number(region, notified_on.year),
        phase=Phase.INTAKE.value,
        notified_on=notified_on,
        referrer_type=referrer_type.value,
        age_band=age_band(None if born is UNREADABLE else born, notified_on).value,
        responsible=actor,
    )
    for form in dict.fromkeys(forms_of_exploitation):
        trajectory.exploitation.append(TrajectoryExploitation(form=form.value))
    db.session.add(trajectory)
    trajectory.add_step(StepKind.NOTIFICATION, author=actor, on=notified_on)
    _flush_or_refuse(NewTrajectoryRefused(ANOTHER_OPEN))
    record(actor, Action.CREATE, trajectory, detail="known_client")
    db.session.flush()
    return trajectory


def _flush_or_refuse(refusal: Refused) -> None:
    """Flush; a violation of the one-open-trajectory index (a race) becomes `refusal`.

    The caller's transaction is then unusable: the view rolls it back.
    """
    try:
        db.session.flush()
    except IntegrityError as error:
        if not any(mark in str(error.orig) for mark in ONE_OPEN_INDEX_MARKS):
            raise
        raise refusal from error
