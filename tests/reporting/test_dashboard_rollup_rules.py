"""What one trajectory adds to the rollups (pure), and medians from day counts."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from carecoord.reporting.aggregates import median_days, median_of_counts
from carecoord.reporting.rollups.rules import (
    ASSISTANCE,
    INTAKE,
    REFLECTION,
    HandoverFacts,
    TrajectoryFacts,
    days,
    flows,
    stock_events,
)


def facts(**changes) -> TrajectoryFacts:
    values = {
        "region_id": 1,
        "notified_on": date(2026, 3, 31),
        "age_band": "30-39",
        "referrer_type": "police",
        "gender": "female",
        "nationality_group": "eea",
        "municipality": None,
        "closed_on": None,
        "closure_reason": None,
        "intake_completed_on": None,
        "assistance_started_on": None,
        "phase": "intake",
        "left_from_phase": None,
        "reflection_started_on": None,
    }
    return TrajectoryFacts(**{**values, **changes})


def running(events: Counter, on: date) -> dict[str, int]:
    """The stocks on `on`: the sum of the events up to that day, as the dashboard reads them."""
    totals: Counter = Counter()
    for (day, series), n in events.items():
        if day <= on:
            totals[series] += n
    return {series: n for series, n in totals.items() if n}


def test_a_notification_counts_once_per_dimension_in_its_quarter():
    keys = flows(facts(forms=("sexual", "labour")))
    assert (2026, 1, "notifications", "new") in keys
    assert (2026, 1, "municipality", "unknown") in keys
    assert [k for k in keys if k[2] == "exploitation"] == [
        (2026, 1, "exploitation", "sexual"),
        (2026, 1, "exploitation", "labour"),
    ]


def test_a_closure_without_a_reason_is_counted_as_the_live_query_keys_it():
    keys = flows(facts(closed_on=date(2026, 4, 1)))
    assert (2026, 2, "closure_reasons", "None") in keys


def test_each_handover_event_counts_in_its_own_quarter():
    handover = HandoverFacts("shelter", date(2026, 4, 2), None, date(2027, 1, 5))
    keys = flows(facts(handovers=(handover,)))
    assert (2026, 2, "handovers", "shelter:accepted") in keys
    assert (2027, 1, "handovers", "shelter:completed") in keys
    assert days(facts(handovers=(handover,))) == [(2026, 2, "to_acceptance", 2)]


def test_open_until_the_day_of_closure_and_in_assistance_from_the_intake():
    events = stock_events(facts(intake_completed_on=date(2026, 4, 10), closed_on=date(2026, 6, 1)))
    assert running(events, date(2026, 3, 30)) == {}
    assert running(events, date(2026, 3, 31)) == {INTAKE: 1}
    assert running(events, date(2026, 4, 10)) == {ASSISTANCE: 1}
    assert running(events, date(2026, 5, 31)) == {ASSISTANCE: 1}
    assert running(events, date(2026, 6, 1)) == {}


def test_closed_on_the_day_of_notification_is_never_open():
    assert stock_events(facts(closed_on=date(2026, 3, 31))) == Counter()


def test_reflection_runs_through_its_last_day_and_never_ends_past_the_calendar():
    events = stock_events(facts(reflection_started_on=date(2026, 4, 1)))
    assert running(events, date(2026, 7, 1))[REFLECTION] == 1
    assert REFLECTION not in running(events, date(2026, 7, 2))
    late = stock_events(facts(reflection_started_on=date(9999, 11, 1)))
    assert running(late, date(9999, 12, 31))[REFLECTION] == 1


def test_the_median_of_day_counts_is_that_of_the_days_listed():
    rng = random.Random(3)
    for _ in range(2000):
        counts = {rng.randint(-3, 60): rng.randint(0, 4) for _ in range(rng.randint(0, 9))}
        listed = [d for d, n in counts.items() for _ in range(n)]
        minimum = rng.randint(1, 6)
        assert median_of_counts(counts, minimum=minimum) == median_days(listed, minimum=minimum)


@pytest.mark.parametrize("counts", [{True: 1}, {1.5: 2}, {3: -1}])
def test_day_counts_are_whole_numbers_never_negative(counts):
    with pytest.raises(ValueError):
        median_of_counts(counts)
