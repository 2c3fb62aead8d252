"""Logging steps, monitoring and the responsible coordinator: change, audit, flush; never commit."""

from __future__ import annotations

from datetime import date

from carecoord.accounts.models import User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import N_, Role, StepKind
from carecoord.extensions import db
from carecoord.trajectories import rules
from carecoord.trajectories.models import Step, Trajectory
from carecoord.trajectories.operations.refusals import Refused, refuse_if_closed

# The steps a coordinator logs by hand; every other kind is written by its own operation.
LOGGED_KINDS = frozenset({StepKind.CONTACT_MOMENT, StepKind.CARE_MEETING, StepKind.MONITORING_NOTE})
NOT_A_COORDINATOR_HERE = N_("Choose an active coordinator of this trajectory's region.")
ALREADY_RESPONSIBLE = N_("This coordinator is already responsible for the trajectory.")


class StepRefused(Refused):
    """A step that cannot be logged on this trajectory now."""


class MonitoringRefused(Refused):
    """The monitoring of this trajectory cannot be changed now."""


class TransferRefused(Refused):
    """The trajectory cannot be transferred to this coordinator."""


def log_step(
    t: Trajectory,
    kind: StepKind,
    *,
    actor: User,
    on: date,
    text: str | None = None,
    participants: str | None = None,
) -> Step:
    """Log a contact moment, care meeting or monitoring note on an open trajectory.

    A monitoring note moves the next review to one interval after the latest note.
    """
    if kind not in LOGGED_KINDS:
        raise ValueError(f"{kind} is not logged by hand")
    refuse_if_closed(t, StepRefused)
    step = t.add_step(
        kind,
        author=actor,
        on=on,
        text=text or None,
        participants=participants if kind is StepKind.CARE_MEETING else None,
    )
    if kind is StepKind.MONITORING_NOTE:
        t.next_review_on = rules.next_review_on(
            last_monitoring_on(t) or on, t.monitoring_interval_days
        )
    record(actor, Action.CREATE, step, detail=kind.value)
    db.session.flush()
    return step


def last_monitoring_on(t: Trajectory) -> date | None:
    """The date of the latest monitoring note (a note logged late does not move it back)."""
    dates = [s.occurred_on for s in t.steps if s.kind == StepKind.MONITORING_NOTE]
    return max(dates, default=None)


def set_monitoring(
    t: Trajectory,
    *,
    actor: User,
    interval_days: int,
    next_review: date | None,
    today: date,
) -> None:
    """Set the monitoring interval and the next review of an open trajectory.

    Without an explicit date the next review is one interval after the latest monitoring
    note, or after `today` when there is none yet.
    """
    refuse_if_closed(t, MonitoringRefused)
    t.monitoring_interval_days = interval_days
    t.next_review_on = next_review or rules.next_review_on(
        last_monitoring_on(t) or today, interval_days
    )
    record(actor, Action.UPDATE, t, detail="monitoring")
    db.session.flush()


def transfer_responsible(t: Trajectory, to: User, *, actor: User, on: date) -> None:
    """Make `to`, an active coordinator of the trajectory's region, responsible for `t`."""
    refuse_if_closed(t, TransferRefused)
    if to.role != Role.COORDINATOR or not to.active or to.region_id != t.region_id:
        raise TransferRefused(NOT_A_COORDINATOR_HERE)
    if t.responsible_id == to.id:
        raise TransferRefused(ALREADY_RESPONSIBLE)
    t.responsible = to
    # The step names who took over; a colleague's name is not client data, but the text
    # column is where a step's words live.
    t.add_step(StepKind.RESPONSIBLE_CHANGED, author=actor, on=on, text=to.name)
    record(actor, Action.UPDATE, t, detail="responsible")
    db.session.flush()
