"""The pure trajectory rules: transitions, closure conditions, reflection period."""

from datetime import date

import pytest

from carecoord.codes import ClosureReason, CriminalCase, Phase
from carecoord.trajectories.rules import (
    ClosureFacts,
    TransitionRefused,
    Unmet,
    add_months,
    check_transition,
    closure_blockers,
    criminal_track_over,
    next_review_on,
    reflection_period_end,
    reflection_period_ends_soon,
    reopen_phase,
)

ALL_KNOWN = ClosureFacts(
    knows_residence_steps=True, knows_rights_to_services=True, knows_where_to_get_help=True
)
DROPOUTS = [r for r in ClosureReason if r is not ClosureReason.COMPLETED]


@pytest.mark.parametrize("reason", DROPOUTS)
def test_dropout_reasons_close_from_any_phase(reason):
    assert closure_blockers(reason, ClosureFacts(criminal_case_open=True)) == []


def test_regular_closure_with_everything_settled_is_allowed():
    assert closure_blockers(ClosureReason.COMPLETED, ALL_KNOWN) == []


def test_regular_closure_names_every_unmet_condition():
    assert closure_blockers(ClosureReason.COMPLETED, ClosureFacts(criminal_case_open=True)) == [
        Unmet.CRIMINAL_CASE_OPEN,
        Unmet.RESIDENCE_STEPS_UNKNOWN,
        Unmet.RIGHTS_TO_SERVICES_UNKNOWN,
        Unmet.HELP_AGENCY_UNKNOWN,
    ]


@pytest.mark.parametrize(
    ("field", "unmet"),
    [
        ("knows_residence_steps", Unmet.RESIDENCE_STEPS_UNKNOWN),
        ("knows_rights_to_services", Unmet.RIGHTS_TO_SERVICES_UNKNOWN),
        ("knows_where_to_get_help", Unmet.HELP_AGENCY_UNKNOWN),
    ],
)
def test_each_missing_knowledge_condition_blocks_alone(field, unmet):
    facts = ClosureFacts(**{**ALL_KNOWN.__dict__, field: False})
    assert closure_blockers(ClosureReason.COMPLETED, facts) == [unmet]


def test_open_criminal_case_blocks_alone():
    facts = ClosureFacts(**{**ALL_KNOWN.__dict__, "criminal_case_open": True})
    assert closure_blockers(ClosureReason.COMPLETED, facts) == [Unmet.CRIMINAL_CASE_OPEN]


def test_every_unmet_condition_has_a_message():
    assert all(u.message for u in Unmet)


@pytest.mark.parametrize(
    ("case", "appeal", "over"),
    [
        (None, False, True),
        (CriminalCase.NONE, False, True),
        (CriminalCase.DISMISSED, False, True),
        (CriminalCase.CONVICTION, False, True),
        (CriminalCase.ACQUITTAL, False, True),
        (CriminalCase.CONVICTION, True, False),
        (CriminalCase.ACQUITTAL, True, False),
        (CriminalCase.UNDER_INVESTIGATION, False, False),
        (CriminalCase.PROSECUTION, False, False),
    ],
)
def test_criminal_track_over(case, appeal, over):
    assert criminal_track_over(case, appeal_pending=appeal) is over


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Phase.INTAKE, Phase.ASSISTANCE),
        (Phase.INTAKE, Phase.CLOSED),
        (Phase.ASSISTANCE, Phase.CLOSED),
    ],
)
def test_allowed_transitions(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Phase.ASSISTANCE, Phase.INTAKE),
        (Phase.CLOSED, Phase.INTAKE),
        (Phase.CLOSED, Phase.ASSISTANCE),
        (Phase.INTAKE, Phase.INTAKE),
        (Phase.CLOSED, Phase.CLOSED),
    ],
)
def test_refused_transitions(current, target):
    with pytest.raises(TransitionRefused):
        check_transition(current, target)


def test_reopen_returns_to_the_phase_it_left():
    assert reopen_phase(Phase.CLOSED, Phase.INTAKE) is Phase.INTAKE
    assert reopen_phase(Phase.CLOSED, Phase.ASSISTANCE) is Phase.ASSISTANCE


@pytest.mark.parametrize("phase", [Phase.INTAKE, Phase.ASSISTANCE])
def test_only_a_closed_trajectory_reopens(phase):
    with pytest.raises(TransitionRefused):
        reopen_phase(phase, Phase.INTAKE)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2026, 11, 30), date(2027, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2026, 10, 31), date(2027, 1, 31)),
    ],
)
def test_reflection_period_lasts_three_months(start, end):
    assert reflection_period_end(start) == end


def test_reflection_warning_window():
    start = date(2026, 1, 15)  # ends 15 April
    assert not reflection_period_ends_soon(start, date(2026, 3, 31))
    assert reflection_period_ends_soon(start, date(2026, 4, 1))
    assert reflection_period_ends_soon(start, date(2026, 4, 15))
    assert not reflection_period_ends_soon(start, date(2026, 4, 16))
    assert not reflection_period_ends_soon(None, date(2026, 4, 1))


def test_add_months_across_years():
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)


def test_next_review_interval_is_bounded():
    assert next_review_on(date(2026, 1, 1), 28) == date(2026, 1, 29)
    for bad in (0, 6, 183):
        with pytest.raises(ValueError):
            next_review_on(date(2026, 1, 1), bad)
