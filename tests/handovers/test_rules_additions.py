"""The pure rules added for handovers: status dates, one open handover, next statuses."""

from datetime import date

import pytest

from carecoord.codes import HandoverStatus as S
from carecoord.handovers.rules import (
    HandoverRefused,
    check_new_handover,
    check_status_date,
    next_statuses,
)

TODAY = date(2026, 11, 1)


@pytest.mark.parametrize("on", [date(2026, 9, 10), date(2026, 10, 1), TODAY])
def test_a_date_from_the_previous_status_up_to_today_is_allowed(on):
    check_status_date(on, previous=date(2026, 9, 10), today=TODAY)


@pytest.mark.parametrize(
    ("on", "reason"),
    [(date(2026, 9, 9), "date_before_previous"), (date(2026, 11, 2), "date_in_future")],
)
def test_a_date_before_the_previous_status_or_after_today_is_refused(on, reason):
    with pytest.raises(HandoverRefused) as refused:
        check_status_date(on, previous=date(2026, 9, 10), today=TODAY)
    assert refused.value.reason == reason


def test_without_a_previous_date_only_the_future_is_refused():
    check_status_date(date(2000, 1, 1), previous=None, today=TODAY)
    with pytest.raises(HandoverRefused):
        check_status_date(date(2026, 11, 2), previous=None, today=TODAY)


@pytest.mark.parametrize("open_status", [S.PROPOSED, S.SENT, S.ACCEPTED, S.STARTED])
def test_a_new_handover_is_refused_while_one_is_open(open_status):
    with pytest.raises(HandoverRefused) as refused:
        check_new_handover([S.DECLINED, open_status])
    assert refused.value.reason == "open_handover_exists"


def test_a_new_handover_is_allowed_when_none_is_open():
    check_new_handover([])
    check_new_handover([S.DECLINED, S.WITHDRAWN, S.COMPLETED])


def test_next_statuses_follow_the_process_with_withdrawal_last():
    assert next_statuses(S.PROPOSED) == [S.SENT, S.WITHDRAWN]
    assert next_statuses(S.SENT) == [S.ACCEPTED, S.DECLINED, S.WITHDRAWN]
    assert next_statuses(S.ACCEPTED) == [S.STARTED, S.WITHDRAWN]
    assert next_statuses(S.STARTED) == [S.COMPLETED, S.WITHDRAWN]
    assert next_statuses(S.COMPLETED) == next_statuses(S.DECLINED) == []
