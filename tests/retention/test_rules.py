"""The retention rule, without an app: who is due, and from which day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carecoord.retention.rules import (
    DEFAULT_YEARS,
    MAX_YEARS,
    MIN_YEARS,
    TrajectoryState,
    anniversary,
    due_from,
    is_due,
    last_closure,
    latest_due_closure,
)
from config import RETENTION_YEARS_RANGE, Config


def closed(on: date) -> TrajectoryState:
    return TrajectoryState(closed=True, closed_on=on)


OPEN = TrajectoryState(closed=False, closed_on=None)


def test_closed_on_1_march_2019_with_5_years_is_kept_through_the_anniversary():
    states = [closed(date(2019, 3, 1))]
    assert due_from(date(2019, 3, 1), 5) == date(2024, 3, 2)
    assert not is_due(states, date(2024, 3, 1), 5)
    assert is_due(states, date(2024, 3, 2), 5)


def test_a_closure_on_29_february_is_kept_through_1_march_of_a_common_year():
    assert anniversary(date(2020, 2, 29), 5) == date(2025, 3, 1)
    assert due_from(date(2020, 2, 29), 5) == date(2025, 3, 2)
    assert due_from(date(2020, 2, 29), 4) == date(2024, 3, 1)  # 2024 has a 29 February
    assert not is_due([closed(date(2020, 2, 29))], date(2025, 3, 1), 5)


def test_the_last_closure_counts_not_the_first():
    states = [closed(date(2010, 1, 1)), closed(date(2020, 6, 30))]
    assert last_closure(states) == date(2020, 6, 30)
    assert not is_due(states, date(2027, 6, 30), 7)
    assert is_due(states, date(2027, 7, 1), 7)


@pytest.mark.parametrize(
    "states",
    [
        [closed(date(2001, 1, 1)), OPEN],  # a new trajectory was started
        [OPEN],  # reopened: a reopening clears the closure date
        [TrajectoryState(closed=False, closed_on=date(2001, 1, 1))],
        [TrajectoryState(closed=True, closed_on=None)],  # closed without a date: never guess
        [],  # no trajectory: nothing says when the file ended
    ],
)
def test_an_open_reopened_undated_or_empty_file_is_never_due(states):
    assert last_closure(states) is None
    assert not is_due(states, date(2099, 1, 1), MIN_YEARS)


@pytest.mark.parametrize("years", [1, 5, 7, 20])
@pytest.mark.parametrize(
    "today", [date(2026, 11, 29), date(2024, 2, 29), date(2025, 3, 1), date(2025, 2, 28)]
)
def test_latest_due_closure_is_the_exact_boundary(today, years):
    latest = latest_due_closure(today, years)
    assert is_due([closed(latest)], today, years)
    assert not is_due([closed(latest + timedelta(days=1))], today, years)


def test_the_default_with_today_29_november_2026():
    assert DEFAULT_YEARS == 7
    assert latest_due_closure(date(2026, 11, 29), DEFAULT_YEARS) == date(2019, 11, 28)


@pytest.mark.parametrize("years", [0, -1, MAX_YEARS + 1])
def test_a_period_out_of_bounds_is_refused(years):
    with pytest.raises(ValueError):
        is_due([closed(date(2000, 1, 1))], date(2026, 1, 1), years)


@pytest.mark.parametrize("years", [7.0, "7", True])
def test_a_period_that_is_no_whole_number_is_refused(years):
    with pytest.raises(TypeError):
        latest_due_closure(date(2026, 1, 1), years)


def test_the_configuration_agrees_with_the_rule():
    assert RETENTION_YEARS_RANGE == (MIN_YEARS, MAX_YEARS)
    assert Config.RETENTION_YEARS == DEFAULT_YEARS
