"""The dashboard's live counts: read-only GROUP BY queries over coded columns.

Each function takes a region id and a Period and returns counts keyed by code. None of them
selects an encrypted column, a name or an id: only codes, dates and counts leave the database.
They define the figures: the rollups (reporting/rollups) hold the same counts ready-made and
are compared with them in the tests. Every read goes to the read replica when one is
configured (carecoord.database.reporting_bind_arguments).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, null, or_, select

from carecoord.accounts.models import Municipality
from carecoord.clients.models import Client
from carecoord.codes import HandoverStatus, Phase
from carecoord.database import reporting_bind_arguments
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.reporting.aggregates import Period, median_days
from carecoord.reporting.rollups.rules import TO_ACCEPTANCE, TO_CLOSURE, TO_INTAKE
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation
from carecoord.trajectories.rules import reflection_period_end

# The handover events counted per provider type, each by the date column it sets.
HANDOVER_EVENTS = {
    HandoverStatus.ACCEPTED: Handover.accepted_on,
    HandoverStatus.DECLINED: Handover.declined_on,
    HandoverStatus.COMPLETED: Handover.completed_on,
}


class Counts(Protocol):
    """The counts of one region and period that the dashboard's tables are made of."""

    def flow(self, key: str) -> dict[str, list[int]]: ...

    def handovers(self) -> dict[str, list[int]]: ...

    def stocks(self) -> tuple[dict[str, int], int]: ...

    def median(self, measure: str, minimum: int) -> int | None: ...


def _rows(query: Select) -> Any:
    """The query's rows, from the read replica when one is configured."""
    return db.session.execute(query, bind_arguments=reporting_bind_arguments())


def _between(column: ColumnElement, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column <= period.end)


def _open_at(region_id: int, on: date) -> ColumnElement[bool]:
    """Notified by `on` and not closed by then (a closure after `on` still counts as open)."""
    return and_(
        Trajectory.region_id == region_id,
        Trajectory.notified_on <= on,
        or_(Trajectory.closed_on.is_(None), Trajectory.closed_on > on),
    )


def quarters(period: Period) -> list[Period]:
    """The four quarters of the period's year: flows are counted per quarter of the year."""
    return [Period(period.year, quarter) for quarter in range(1, 5)]


def _quarter_of(column: ColumnElement, period: Period) -> ColumnElement[int]:
    first, second, third, _ = quarters(period)
    return case(
        (column <= first.end, 1), (column <= second.end, 2), (column <= third.end, 3), else_=4
    )


def _per_quarter(
    key: ColumnElement, date_column: ColumnElement, query: Select, period: Period
) -> dict[str, list[int]]:
    """Counts per key and quarter of the period's year, from one GROUP BY over the year."""
    quarter = _quarter_of(date_column, period)
    year = Period(period.year)
    rows = _rows(
        query.add_columns(key, quarter, func.count())
        .where(_between(date_column, year))
        .group_by(key, quarter)
    )
    counts: dict[str, list[int]] = {}
    for code, number, n in rows:
        counts.setdefault(str(code), [0, 0, 0, 0])[int(number) - 1] = int(n)
    return counts


def _trajectories(region_id: int) -> Select:
    return (
        select()
        .select_from(Trajectory)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Trajectory.region_id == region_id)
    )


def new_notifications(region_id: int, period: Period) -> dict[str, list[int]]:
    """Notifications per quarter of the period's year, under the single key "new"."""
    return _per_quarter(literal("new"), Trajectory.notified_on, _trajectories(region_id), period)


def _notified_by(column: ColumnElement, region_id: int, period: Period) -> dict[str, list[int]]:
    return _per_quarter(column, Trajectory.notified_on, _trajectories(region_id), period)


def by_gender(region_id: int, period: Period) -> dict[str, list[int]]:
    return _notified_by(Client.gender, region_id, period)


def by_age_band(region_id: int, period: Period) -> dict[str, list[int]]:
    return _notified_by(Trajectory.age_band, region_id, period)


def by_nationality_group(region_id: int, period: Period) -> dict[str, list[int]]:
    return _notified_by(Client.nationality_group, region_id, period)


def by_referrer(region_id: int, period: Period) -> dict[str, list[int]]:
    return _notified_by(Trajectory.referrer_type, region_id, period)


def by_municipality(region_id: int, period: Period) -> dict[str, list[int]]:
    """Keyed by CBS code; a client without a municipality under "unknown"."""
    query = _trajectories(region_id).outerjoin(
        Municipality, Municipality.id == Client.municipality_id
    )
    code = func.coalesce(Municipality.cbs_code, "unknown")
    return _per_quarter(code, Trajectory.notified_on, query, period)


def exploitation_forms(region_id: int, period: Period) -> dict[str, list[int]]:
    """Trajectories notified per form; one trajectory can carry several."""
    query = _trajectories(region_id).join(
        TrajectoryExploitation, TrajectoryExploitation.trajectory_id == Trajectory.id
    )
    return _per_quarter(TrajectoryExploitation.form, Trajectory.notified_on, query, period)


def closure_reasons(region_id: int, period: Period) -> dict[str, list[int]]:
    """Trajectories closed per reason and quarter of the period's year."""
    return _per_quarter(
        Trajectory.closure_reason, Trajectory.closed_on, _trajectories(region_id), period
    )


# The flow tables by key, each counted over the period's whole year.
FLOWS: dict[str, Callable[[int, Period], dict[str, list[int]]]] = {
    "notifications": new_notifications,
    "exploitation": exploitation_forms,
    "gender": by_gender,
    "age_band": by_age_band,
    "nationality_group": by_nationality_group,
    "referrer": by_referrer,
    "municipality": by_municipality,
    "closure_reasons": closure_reasons,
}


def handovers(region_id: int, period: Period) -> dict[str, list[int]]:
    """Handover events per quarter of the period's year, keyed "provider type:status".

    One pass over the region's handovers: a row carries the quarter of each of its events
    in the year (NULL when that event is not in it), so a handover accepted and completed in
    the year counts under both."""
    year = Period(period.year)
    numbers = [
        case((_between(column, year), _quarter_of(column, period)), else_=null())
        for column in HANDOVER_EVENTS.values()
    ]
    query = (
        select(CareProvider.provider_type, *numbers, func.count())
        .select_from(Handover)
        .join(CareProvider, CareProvider.id == Handover.provider_id)
        .join(HelpQuestion, HelpQuestion.id == Handover.help_question_id)
        .join(Trajectory, Trajectory.id == HelpQuestion.trajectory_id)
        .where(
            Trajectory.region_id == region_id,
            or_(*(_between(column, year) for column in HANDOVER_EVENTS.values())),
        )
        .group_by(CareProvider.provider_type, *numbers)
    )
    counts: dict[str, list[int]] = {}
    for provider_type, *quarter_numbers, n in _rows(query):
        for status, number in zip(HANDOVER_EVENTS, quarter_numbers, strict=True):
            if number is not None:
                key = f"{provider_type}:{status.value}"
                counts.setdefault(key, [0, 0, 0, 0])[int(number) - 1] += int(n)
    return counts


def earliest_running_start(on: date) -> date:
    """The earliest start of a reflection period still running on `on` (end day included)."""
    start = on - timedelta(days=95)
    while reflection_period_end(start) < on:
        start += timedelta(days=1)
    return start


def stocks(region_id: int, period: Period) -> tuple[dict[str, int], int]:
    """Open at the period's end by the phase then, and how many of those are in their
    reflection period then: one pass over the trajectories open on that day.

    Assistance counts from the intake's completion; a trajectory in (or closed from)
    assistance without a completion date (older or imported data) counts as in assistance
    from the start of assistance.
    """
    end = period.end
    in_assistance = or_(
        Trajectory.phase == Phase.ASSISTANCE.value,
        Trajectory.left_from_phase == Phase.ASSISTANCE.value,
    )
    since = func.coalesce(
        Trajectory.intake_completed_on,
        case((in_assistance, Trajectory.assistance_started_on)),
    )
    phase = case((since <= end, Phase.ASSISTANCE.value), else_=Phase.INTAKE.value)
    reflecting = and_(
        Trajectory.reflection_started_on <= end,
        Trajectory.reflection_started_on >= earliest_running_start(end),
    )
    query = (
        select(phase, func.count(Trajectory.id), func.sum(case((reflecting, 1), else_=0)))
        .where(_open_at(region_id, end))
        .group_by(phase)
    )
    by_phase: dict[str, int] = {}
    running = 0
    for key, n, reflection in _rows(query):
        by_phase[str(key)] = int(n)
        running += int(reflection or 0)
    return by_phase, running


def _day_pairs(query: Select) -> list[int]:
    """Whole days between two dates per row; only the two dates are read, never a row's id."""
    return [(later - earlier).days for earlier, later in _rows(query)]


def days_to_intake(region_id: int, period: Period) -> list[int]:
    """Notification to intake complete, for intakes completed in the period."""
    query = select(Trajectory.notified_on, Trajectory.intake_completed_on).where(
        Trajectory.region_id == region_id, _between(Trajectory.intake_completed_on, period)
    )
    return _day_pairs(query)


def days_to_closure(region_id: int, period: Period) -> list[int]:
    """Notification to closure, for trajectories closed in the period."""
    query = select(Trajectory.notified_on, Trajectory.closed_on).where(
        Trajectory.region_id == region_id, _between(Trajectory.closed_on, period)
    )
    return _day_pairs(query)


def days_to_first_acceptance(region_id: int, period: Period) -> list[int]:
    """Notification to the first accepted handover, when that first acceptance is in the period."""
    first = func.min(Handover.accepted_on)
    query = (
        select(Trajectory.notified_on, first)
        .select_from(Trajectory)
        .join(HelpQuestion, HelpQuestion.trajectory_id == Trajectory.id)
        .join(Handover, Handover.help_question_id == HelpQuestion.id)
        .where(Trajectory.region_id == region_id, Handover.accepted_on.is_not(None))
        .group_by(Trajectory.id, Trajectory.notified_on)
        .having(_between(first, period))
    )
    return _day_pairs(query)


DAYS = {
    TO_INTAKE: days_to_intake,
    TO_ACCEPTANCE: days_to_first_acceptance,
    TO_CLOSURE: days_to_closure,
}


class LiveCounts:
    """Counts straight from the live tables: what the rollups must always equal."""

    def __init__(self, region_id: int, period: Period) -> None:
        self.region_id, self.period = region_id, period

    def flow(self, key: str) -> dict[str, list[int]]:
        return FLOWS[key](self.region_id, self.period)

    def handovers(self) -> dict[str, list[int]]:
        return handovers(self.region_id, self.period)

    def stocks(self) -> tuple[dict[str, int], int]:
        return stocks(self.region_id, self.period)

    def median(self, measure: str, minimum: int) -> int | None:
        return median_days(DAYS[measure](self.region_id, self.period), minimum=minimum)
