"""Fixed periods, medians and counts over fixed dimensions for the anonymised figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from carecoord.codes import AgeBand, ExploitationForm, Gender, Phase
from carecoord.reporting.aggregates import (
    UNKNOWN,
    Period,
    categories,
    count_by,
    median_days,
)


def test_a_quarter_runs_from_its_first_to_its_last_day():
    period = Period.parse("2026-Q3")
    assert period == Period(2026, 3)
    assert (period.start, period.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert str(period) == "2026-Q3"


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2028, 1, 1), date(2028, 3, 31)),
        (2, date(2028, 4, 1), date(2028, 6, 30)),
        (4, date(2028, 10, 1), date(2028, 12, 31)),
    ],
)
def test_every_quarter_has_its_own_months(quarter, start, end):
    assert (Period(2028, quarter).start, Period(2028, quarter).end) == (start, end)


def test_a_year_runs_from_the_first_of_january_to_the_thirty_first_of_december():
    period = Period.parse("2026")
    assert period == Period(2026)
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert str(period) == "2026"


@pytest.mark.parametrize(
    "text",
    [
        *("2026-Q5", "2026-Q0", "26-Q1", "2026Q1", "2026-q3", "2026-Q3 ", " 2026", "2026-"),
        *("2026-H1", "2026-07", "0999", "0026", "20260", "", "Q3-2026", "２０２６", "2026-Q３"),
        "2026\n",
    ],
)
def test_anything_but_a_year_or_quarter_is_refused(text):
    with pytest.raises(ValueError, match="YYYY"):
        Period.parse(text)


@pytest.mark.parametrize("value", [None, 2026, b"2026"])
def test_a_period_that_is_not_text_is_refused(value):
    with pytest.raises(ValueError):
        Period.parse(value)


@pytest.mark.parametrize(("year", "quarter"), [(2026, 5), (2026, 0), (26, 1), (True, None)])
def test_a_period_cannot_be_built_around_the_parser(year, quarter):
    with pytest.raises(ValueError):
        Period(year, quarter)


def test_a_period_contains_its_first_and_last_day_and_nothing_outside():
    quarter = Period.parse("2026-Q3")
    assert quarter.contains(date(2026, 7, 1)) and quarter.contains(date(2026, 9, 30))
    assert not quarter.contains(date(2026, 6, 30)) and not quarter.contains(date(2026, 10, 1))
    year = Period.parse("2026")
    assert year.contains(date(2026, 1, 1)) and year.contains(date(2026, 12, 31))
    assert not year.contains(date(2025, 12, 31)) and not year.contains(date(2027, 1, 1))


def test_a_period_contains_dates_not_moments():
    with pytest.raises(TypeError):
        Period(2026).contains(datetime(2026, 7, 1, tzinfo=UTC))


def test_periods_sort_in_time():
    assert sorted([Period(2026, 2), Period(2025, 4), Period(2026, 1)]) == [
        Period(2025, 4),
        Period(2026, 1),
        Period(2026, 2),
    ]


def test_the_median_of_an_odd_number_of_values_is_the_middle_one():
    assert median_days([40, 3, 12]) == 12
    assert median_days([7]) == 7


def test_the_median_of_an_even_number_of_values_is_rounded_half_up_to_a_whole_day():
    assert median_days([10, 3, 12, 2]) == 7  # (3 + 10) / 2 = 6.5
    assert median_days([1, 2]) == 2
    assert median_days([2, 3]) == 3  # 2.5 rounds up, where round() would give 2
    assert median_days([4, 8]) == 6


def test_there_is_no_median_of_nothing_or_of_fewer_than_the_minimum():
    assert median_days([]) is None
    assert median_days(iter([])) is None
    assert median_days([1, 2, 3, 4], minimum=5) is None
    assert median_days([1, 2, 3, 4, 5], minimum=5) == 3


@pytest.mark.parametrize("value", [1.5, "3", None, True])
def test_a_median_of_values_that_are_not_whole_days_is_refused(value):
    with pytest.raises(ValueError, match="whole"):
        median_days([1, value, 3])


def test_counts_cover_every_code_of_the_dimension_with_zeros_for_absent_ones():
    people = [SimpleNamespace(gender=g) for g in ["female", "female", "male", Gender.FEMALE]]
    counts = count_by(people, lambda p: p.gender, Gender)
    assert counts == {"female": 3, "male": 1, "transgender": 0, "non_binary": 0, "unknown": 0}
    assert list(counts) == [g.value for g in Gender]


def test_missing_and_foreign_codes_are_counted_as_unknown():
    bands = ["18-22", None, "17", "unknown", "", "18-22 "]
    counts = count_by(bands, lambda band: band, AgeBand)
    assert counts["18-22"] == 1 and counts[UNKNOWN] == 5
    assert sum(counts.values()) == len(bands)
    assert set(counts) == {band.value for band in AgeBand}


def test_a_key_that_gives_no_code_at_all_is_a_programming_error():
    with pytest.raises(TypeError):
        count_by([23], lambda age: age, AgeBand)


def test_a_dimension_without_an_unknown_code_gets_one_at_the_end():
    assert categories(Phase) == [*(phase.value for phase in Phase), UNKNOWN]
    counts = count_by([None, "no_such_phase"], lambda phase: phase, Phase)
    assert list(counts)[-1] == UNKNOWN and counts[UNKNOWN] == 2
    assert sum(counts.values()) == 2


def test_an_item_with_several_codes_is_counted_once_under_each():
    forms = [{"sexual", "labour"}, ["sexual", "sexual"], [], ("criminal", "stolen_goods")]
    counts = count_by(forms, lambda f: f, ExploitationForm)
    assert counts == {
        "sexual": 2,
        "labour": 1,
        "criminal": 1,
        "organ_removal": 0,
        "unknown": 2,  # the empty list and the foreign code
    }


def test_a_dimension_can_be_a_fixed_list_of_codes():
    assert count_by([], lambda x: x, ["a", "b"]) == {"a": 0, "b": 0, UNKNOWN: 0}
    with pytest.raises(ValueError, match="once"):
        count_by([], lambda x: x, ["a", "a"])
