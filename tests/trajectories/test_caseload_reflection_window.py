"""The reflection window as a range of start dates: the same days as the rule, for any day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from carecoord.trajectories.caseload import reflection_starts_ending_within
from carecoord.trajectories.rules import reflection_period_ends_soon


@given(
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    window=st.integers(min_value=0, max_value=31),
)
def test_the_range_holds_exactly_the_starts_the_rule_warns_about(today, window):
    starts = reflection_starts_ending_within(today, window)
    for offset in range(-130, 30):
        start = today + timedelta(days=offset)
        in_range = starts is not None and starts[0] <= start <= starts[1]
        assert in_range == reflection_period_ends_soon(start, today, window), start


def test_around_the_end_of_february():
    # 30 November + 3 months is 28 February (clamped): 28, 29 and 30 November all end then.
    assert reflection_starts_ending_within(date(2027, 2, 28), 0) == (
        date(2026, 11, 28),
        date(2026, 11, 30),
    )


def test_a_day_no_period_ends_on_gives_no_range():
    # No start ends on 31 May: 28 February ends on 28 May, 1 March on 1 June.
    assert reflection_starts_ending_within(date(2027, 5, 31), 0) is None
    assert reflection_starts_ending_within(date(2027, 5, 30), 2) == (
        date(2027, 3, 1),
        date(2027, 3, 1),
    )
