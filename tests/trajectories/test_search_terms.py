"""The header's single search box: what a typed term is read as, and how a search is audited."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.trajectories.search import Criteria, criteria_from_term


@pytest.mark.parametrize(
    ("term", "criteria"),
    [
        ("Maria Kowalska", Criteria(name="Maria Kowalska")),
        ("  josé  ", Criteria(name="josé")),
        ("17-05-1994", Criteria(date_of_birth=date(1994, 5, 17))),
        ("17/05/1994", Criteria(date_of_birth=date(1994, 5, 17))),
        ("17.5.1994", Criteria(date_of_birth=date(1994, 5, 17))),
        ("1994-05-17", Criteria(date_of_birth=date(1994, 5, 17))),
        ("GV-2026-0007", Criteria(case_number="GV-2026-0007")),
        ("gv-2026", Criteria(case_number="gv-2026")),
        ("31-02-1994", Criteria(case_number="31-02-1994")),  # not a date: read as a case number
        ("", Criteria(name="")),
    ],
)
def test_a_term_is_a_date_a_case_number_or_a_name(term, criteria):
    assert criteria_from_term(term) == criteria


@pytest.mark.parametrize(
    ("criteria", "code"),
    [
        (Criteria(name="x"), "by_name"),
        (Criteria(date_of_birth=date(2000, 1, 1)), "by_date_of_birth"),
        (Criteria(case_number="GV"), "by_case_number"),
        (Criteria(name="x", date_of_birth=date(2000, 1, 1)), "by_name_and_date_of_birth"),
        (
            Criteria(name="x", case_number="GV"),
            "by_name_and_case_number",
        ),
    ],
)
def test_the_audit_code_says_how_never_what(criteria, code):
    assert criteria.audit_code == code
