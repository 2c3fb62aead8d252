"""The coordinator's caseload: her region's trajectories, filtered and sorted in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from carecoord.accounts.models import User
from carecoord.codes import ExploitationForm, HandoverStatus, Phase
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.handovers.rules import OPEN
from carecoord.trajectories import queries
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation
from carecoord.trajectories.rules import (
    REFLECTION_WARNING_DAYS,
    reflection_period_end,
    reflection_period_ends_soon,
)

# A handover sent longer ago than this without an answer needs a reminder.
HANDOVER_WAITING_DAYS = 7
# Reflection periods last about three months: a start older than this has ended.
_LONGEST_REFLECTION_DAYS = 93


@dataclass(frozen=True)
class CaseloadFilter:
    """What the coordinator narrowed her caseload to; the default is every open trajectory."""

    phase: Phase | None = None
    exploitation: ExploitationForm | None = None
    review_overdue: bool = False
    reflection_ending: bool = False
    handover_waiting: bool = False
    mine: bool = False
    include_closed: bool = False


@dataclass(frozen=True)
class CaseloadRow:
    """One trajectory on the caseload page with what needs attention on it."""

    trajectory: Trajectory
    open_handovers: int
    waiting_handovers: int
    review_overdue: bool
    reflection_ending: bool
    days_since_notification: int


def reflection_starts_ending_within(today: date, days: int) -> tuple[date, date] | None:
    """The first and last reflection start whose period ends between `today` and `days` later.

    The end date is monotonic in the start, so the starts form one range; the database then
    compares plain dates, the same on SQLite and PostgreSQL, and `rules` stays the only place
    that knows how long the period lasts. None when no start ends in the window.
    """
    last = today + timedelta(days=days)
    starts = (today - timedelta(days=n) for n in range(_LONGEST_REFLECTION_DAYS + 1))
    ending = [s for s in starts if today <= reflection_period_end(s) <= last]
    return (min(ending), max(ending)) if ending else None


@dataclass(frozen=True)
class _Attention:
    """The conditions that need the coordinator's attention, as SQL, for one day."""

    review_overdue: ColumnElement[bool]
    reflection_ending: ColumnElement[bool]
    handover_waiting: ColumnElement[bool]

    @classmethod
    def on(cls, today: date) -> _Attention:
        is_open = Trajectory.phase != Phase.CLOSED.value
        starts = reflection_starts_ending_within(today, REFLECTION_WARNING_DAYS)
        reflection = (
            Trajectory.reflection_started_on.between(*starts) if starts is not None else false()
        )
        waiting = exists(
            select(Handover.id)
            .join(HelpQuestion, Handover.help_question_id == HelpQuestion.id)
            .where(HelpQuestion.trajectory_id == Trajectory.id, _waiting_since(today))
        )
        return cls(
            review_overdue=and_(is_open, Trajectory.next_review_on < today),
            reflection_ending=and_(is_open, reflection),
            handover_waiting=and_(is_open, waiting),
        )


def _waiting_since(today: date) -> ColumnElement[bool]:
    """Sent, and no answer for more than HANDOVER_WAITING_DAYS."""
    return and_(
        Handover.status == HandoverStatus.SENT.value,
        Handover.sent_on < today - timedelta(days=HANDOVER_WAITING_DAYS),
    )


def _first_when(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 0), else_=1)


def caseload(user: User, filters: CaseloadFilter, today: date) -> Select[tuple[Trajectory]]:
    """`user`'s trajectories narrowed by `filters`, what needs attention first.

    Order: open before closed, review overdue, reflection period ending within 14 days, a
    handover waiting for an answer, then the next review date (earliest first, none last),
    then the newest notification. All in SQL, so every page of the pagination is right.
    """
    attention = _Attention.on(today)
    query = queries.scoped(user)
    if not filters.include_closed and filters.phase is not Phase.CLOSED:
        query = query.where(Trajectory.phase != Phase.CLOSED.value)
    if filters.phase is Phase.ASSISTANCE:
        # Assistance may run alongside the intake: the trajectory then counts as both.
        query = query.where(
            or_(
                Trajectory.phase == Phase.ASSISTANCE.value,
                and_(
                    Trajectory.phase == Phase.INTAKE.value,
                    Trajectory.assistance_started_on.is_not(None),
                ),
            )
        )
    elif filters.phase is not None:
        query = query.where(Trajectory.phase == filters.phase.value)
    if filters.exploitation is not None:
        query = query.where(
            Trajectory.exploitation.any(TrajectoryExploitation.form == filters.exploitation.value)
        )
    if filters.review_overdue:
        query = query.where(attention.review_overdue)
    if filters.reflection_ending:
        query = query.where(attention.reflection_ending)
    if filters.handover_waiting:
        query = query.where(attention.handover_waiting)
    if filters.mine:
        query = query.where(Trajectory.responsible_id == user.id)
    return query.options(
        selectinload(Trajectory.client),
        selectinload(Trajectory.exploitation),
        selectinload(Trajectory.responsible),
    ).order_by(
        _first_when(Trajectory.phase != Phase.CLOSED.value),
        _first_when(attention.review_overdue),
        _first_when(attention.reflection_ending),
        _first_when(attention.handover_waiting),
        _first_when(Trajectory.next_review_on.is_not(None)),
        Trajectory.next_review_on.asc(),
        Trajectory.notified_on.desc(),
        Trajectory.id.desc(),
    )


def handover_counts(
    user: User, trajectories: Sequence[Trajectory], today: date
) -> dict[int, tuple[int, int]]:
    """Per trajectory id: (open handovers, handovers waiting for an answer), in one query."""
    if not trajectories:
        return {}
    waiting = func.sum(case((_waiting_since(today), 1), else_=0))
    rows = db.session.execute(
        queries.scoped(user)
        .with_only_columns(Trajectory.id, func.count(Handover.id), waiting)
        .join(HelpQuestion, HelpQuestion.trajectory_id == Trajectory.id)
        .join(Handover, Handover.help_question_id == HelpQuestion.id)
        .where(
            Trajectory.id.in_([t.id for t in trajectories]),
            Handover.status.in_([status.value for status in OPEN]),
        )
        .group_by(Trajectory.id)
    )
    return {trajectory_id: (int(n), int(w or 0)) for trajectory_id, n, w in rows}


def rows(user: User, trajectories: Sequence[Trajectory], today: date) -> list[CaseloadRow]:
    """The page's trajectories with their attention marks, the same conditions as the SQL."""
    counts = handover_counts(user, trajectories, today)
    return [
        CaseloadRow(
            trajectory=t,
            open_handovers=counts.get(t.id, (0, 0))[0],
            waiting_handovers=counts.get(t.id, (0, 0))[1],
            review_overdue=t.is_open and t.next_review_on is not None and t.next_review_on < today,
            reflection_ending=t.is_open
            and reflection_period_ends_soon(t.reflection_started_on, today),
            days_since_notification=(today - t.notified_on).days,
        )
        for t in trajectories
    ]
