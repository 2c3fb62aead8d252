"""What one trajectory adds to the dashboard's rollups, from its coded facts. Pure.

Each trajectory contributes counts keyed exactly as the dashboard's live queries key theirs
(reporting/dashboard.py): flows per (year, quarter, dimension, code), day counts per (year,
quarter, measure, days) for the medians, and stock events per (day, series) whose running sum
up to a day is the number of trajectories open (by phase) or in reflection on that day. A
write replaces a trajectory's old contribution by its new one, so the sums stay those of the
live queries (tests/reporting/test_dashboard_rollups.py compares them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from carecoord.codes import HandoverStatus, Phase
from carecoord.trajectories.rules import reflection_period_end

UNKNOWN = "unknown"
NOTIFICATIONS = "notifications"
HANDOVERS = "handovers"
CLOSURES = "closure_reasons"
EXPLOITATION = "exploitation"
# Dimensions of a notification: the dashboard's table key and the fact's attribute.
NOTIFIED_BY = {
    "gender": "gender",
    "age_band": "age_band",
    "nationality_group": "nationality_group",
    "referrer": "referrer_type",
    "municipality": "municipality",
}
TO_INTAKE, TO_ACCEPTANCE, TO_CLOSURE = "to_intake", "to_acceptance", "to_closure"
INTAKE, ASSISTANCE, REFLECTION = Phase.INTAKE.value, Phase.ASSISTANCE.value, "reflection"

FlowKey = tuple[int, int, str, str]  # year, quarter, dimension, code
DayKey = tuple[int, int, str, int]  # year, quarter, measure, days
StockKey = tuple[date, str]  # day, series


@dataclass(frozen=True)
class HandoverFacts:
    provider_type: str
    accepted_on: date | None
    declined_on: date | None
    completed_on: date | None


@dataclass(frozen=True)
class TrajectoryFacts:
    """The coded facts of one trajectory (and its client) that the dashboard counts."""

    region_id: int
    notified_on: date
    age_band: str
    referrer_type: str
    gender: str
    nationality_group: str
    municipality: str | None  # CBS code; None without a municipality
    closed_on: date | None
    closure_reason: str | None
    intake_completed_on: date | None
    assistance_started_on: date | None
    phase: str
    left_from_phase: str | None
    reflection_started_on: date | None
    forms: tuple[str, ...] = ()
    handovers: tuple[HandoverFacts, ...] = ()


@dataclass
class Contribution:
    """Counts keyed by region first: what a set of trajectories adds to each rollup table."""

    flows: Counter[tuple[int, FlowKey]] = field(default_factory=Counter)
    days: Counter[tuple[int, DayKey]] = field(default_factory=Counter)
    stock: Counter[tuple[int, StockKey]] = field(default_factory=Counter)

    def add(self, facts: TrajectoryFacts) -> None:
        region = facts.region_id
        self.flows.update((region, key) for key in flows(facts))
        self.days.update((region, key) for key in days(facts))
        for key, n in stock_events(facts).items():
            self.stock[(region, key)] += n

    def minus(self, other: Contribution) -> Contribution:
        """Self less `other`, keeping only the keys whose count changes."""
        return Contribution(
            _difference(self.flows, other.flows),
            _difference(self.days, other.days),
            _difference(self.stock, other.stock),
        )


def _difference(new: Counter, old: Counter) -> Counter:
    keys = new.keys() | old.keys()
    return Counter({k: new[k] - old[k] for k in keys if new[k] != old[k]})


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def flows(f: TrajectoryFacts) -> list[FlowKey]:
    """One key per count the trajectory adds to a flow table."""
    year, quarter = quarter_of(f.notified_on)
    keys = [(year, quarter, NOTIFICATIONS, "new")]
    for dimension, attribute in NOTIFIED_BY.items():
        value = getattr(f, attribute)
        keys.append((year, quarter, dimension, UNKNOWN if value is None else str(value)))
    keys.extend((year, quarter, EXPLOITATION, str(form)) for form in f.forms)
    if f.closed_on is not None:
        # str(None) as the live query's key: a closure without a reason counts as "None".
        keys.append((*quarter_of(f.closed_on), CLOSURES, str(f.closure_reason)))
    for h in f.handovers:
        for status, on in (
            (HandoverStatus.ACCEPTED, h.accepted_on),
            (HandoverStatus.DECLINED, h.declined_on),
            (HandoverStatus.COMPLETED, h.completed_on),
        ):
            if on is not None:
                keys.append((*quarter_of(on), HANDOVERS, f"{h.provider_type}:{status.value}"))
    return keys


def days(f: TrajectoryFacts) -> list[DayKey]:
    """Whole days from notification to intake, to first acceptance and to closure."""
    accepted = [h.accepted_on for h in f.handovers if h.accepted_on is not None]
    ends = {TO_INTAKE: f.intake_completed_on, TO_ACCEPTANCE: min(accepted, default=None)}
    ends[TO_CLOSURE] = f.closed_on
    return [
        (*quarter_of(end), measure, (end - f.notified_on).days)
        for measure, end in ends.items()
        if end is not None
    ]


def assistance_since(f: TrajectoryFacts) -> date | None:
    """In assistance from the intake's completion; without it, from the start of assistance
    when the trajectory is (or was closed) in assistance (dashboard.open_by_phase)."""
    if f.intake_completed_on is not None:
        return f.intake_completed_on
    if ASSISTANCE in (f.phase, f.left_from_phase):
        return f.assistance_started_on
    return None


def stock_events(f: TrajectoryFacts) -> Counter[StockKey]:
    """+1 on the first day a trajectory counts in a series, -1 on the first day it no longer
    does: open from notification until (not on) the day of closure, in intake until the day
    assistance starts, in reflection from its start through the period's last day."""
    events: Counter[StockKey] = Counter()
    opened, closed = f.notified_on, f.closed_on
    if closed is not None and closed <= opened:
        return events
    since = assistance_since(f)
    if since is not None and since <= opened:
        _interval(events, ASSISTANCE, opened, closed)
    elif since is not None and (closed is None or since < closed):
        _interval(events, INTAKE, opened, since)
        _interval(events, ASSISTANCE, since, closed)
    else:
        _interval(events, INTAKE, opened, closed)
    if f.reflection_started_on is not None:
        start = max(opened, f.reflection_started_on)
        stop = _reflection_stop(f.reflection_started_on)
        if closed is not None:
            stop = closed if stop is None else min(stop, closed)
        if stop is None or start < stop:
            _interval(events, REFLECTION, start, stop)
    return events


def _interval(events: Counter[StockKey], series: str, start: date, stop: date | None) -> None:
    events[(start, series)] += 1
    if stop is not None:
        events[(stop, series)] -= 1


def _reflection_stop(start: date) -> date | None:
    """The day after the reflection period's last; None past the calendar's end (never)."""
    try:
        return reflection_period_end(start) + timedelta(days=1)
    except (ValueError, OverflowError):
        return None
