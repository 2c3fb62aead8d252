"""The pure handover state machine and the consent rule."""

from datetime import date

import pytest

from carecoord.codes import HandoverStatus as S
from carecoord.handovers.rules import (
    TRANSITIONS,
    ConsentState,
    HandoverRefused,
    check_handover_transition,
    is_open,
)

CONSENT = ConsentState(given_on=date(2026, 1, 1))
ON = date(2026, 2, 1)
ALLOWED = [
    (S.PROPOSED, S.SENT),
    (S.SENT, S.ACCEPTED),
    (S.SENT, S.DECLINED),
    (S.ACCEPTED, S.STARTED),
    (S.STARTED, S.COMPLETED),
    *[(s, S.WITHDRAWN) for s in (S.PROPOSED, S.SENT, S.ACCEPTED, S.STARTED)],
]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transitions(current, target):
    check_handover_transition(current, target, consent=CONSENT, on=ON)


@pytest.mark.parametrize(
    ("current", "target"),
    [(c, t) for c in S for t in S if (c, t) not in ALLOWED],
)
def test_every_other_transition_is_refused(current, target):
    with pytest.raises(HandoverRefused) as refused:
        check_handover_transition(current, target, consent=CONSENT, on=ON)
    assert refused.value.reason == "transition_not_allowed"


def test_status_jump_proposed_to_completed_is_refused():
    assert S.COMPLETED not in TRANSITIONS[S.PROPOSED]


@pytest.mark.parametrize(
    "consent",
    [
        ConsentState(),
        ConsentState(given_on=date(2026, 3, 1)),
        ConsentState(given_on=date(2026, 1, 1), withdrawn_on=date(2026, 1, 20)),
        ConsentState(given_on=date(2026, 1, 1), withdrawn_on=ON),
    ],
)
def test_sending_needs_valid_consent(consent):
    with pytest.raises(HandoverRefused) as refused:
        check_handover_transition(S.PROPOSED, S.SENT, consent=consent, on=ON)
    assert refused.value.reason == "no_consent"


def test_withdrawal_later_does_not_undo_a_past_sending():
    consent = ConsentState(given_on=date(2026, 1, 1), withdrawn_on=date(2026, 3, 1))
    check_handover_transition(S.PROPOSED, S.SENT, consent=consent, on=ON)


def test_open_statuses():
    assert {s for s in S if is_open(s)} == {S.PROPOSED, S.SENT, S.ACCEPTED, S.STARTED}
