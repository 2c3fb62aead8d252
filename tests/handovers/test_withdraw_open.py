"""The handover operations the closure uses: open_handovers and withdraw_open_handovers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from carecoord.audit.models import AuditEntry
from carecoord.codes import StepKind
from carecoord.extensions import db
from carecoord.handovers.operations import HandoverChangeRefused, withdraw_open_handovers
from carecoord.handovers.queries import open_handovers
from tests.handovers.forms import stored_state


@pytest.fixture
def file_with_handovers(make_trajectory, make_provider, make_question, make_handover, make_user):
    t = make_trajectory()
    provider = make_provider()
    shelter, doctor = make_question(t), make_question(t, text="Needs a doctor")
    handovers = {
        "proposed": make_handover(shelter, provider),
        "declined": make_handover(
            doctor, provider, sent=date(2026, 9, 4), declined=date(2026, 9, 5)
        ),
        "accepted": make_handover(
            doctor, provider, sent=date(2026, 9, 6), accepted=date(2026, 9, 8)
        ),
    }
    return t, handovers, make_user("coordinator")


def test_open_handovers_are_the_open_ones(file_with_handovers):
    t, handovers, _ = file_with_handovers

    assert open_handovers(t) == [handovers["proposed"], handovers["accepted"]]


def test_withdraw_open_handovers_withdraws_each_with_a_step_and_audit(file_with_handovers):
    t, handovers, actor = file_with_handovers

    assert withdraw_open_handovers(t, actor=actor, on=date(2026, 10, 1)) == 2
    db.session.commit()

    db.session.expire_all()
    assert [h.status for h in handovers.values()] == ["withdrawn", "declined", "withdrawn"]
    assert handovers["accepted"].withdrawn_on == date(2026, 10, 1)
    assert handovers["declined"].withdrawn_on is None
    assert handovers["accepted"].changes[-1].changed_by_id == actor.id
    withdrawn = [s for s in t.steps if s.kind == StepKind.HANDOVER_WITHDRAWN.value]
    assert [(s.occurred_on, s.author_id) for s in withdrawn] == [(date(2026, 10, 1), actor.id)] * 2
    audited = db.session.scalars(
        select(AuditEntry).where(AuditEntry.detail == "status:withdrawn")
    ).all()
    assert sorted(int(e.object_id) for e in audited) == sorted(
        [handovers["proposed"].id, handovers["accepted"].id]
    )
    assert open_handovers(t) == []
    assert withdraw_open_handovers(t, actor=actor, on=date(2026, 10, 2)) == 0


def test_withdrawing_before_a_later_status_date_changes_nothing(file_with_handovers):
    t, _, actor = file_with_handovers
    before = stored_state()

    with pytest.raises(HandoverChangeRefused) as refused:
        withdraw_open_handovers(t, actor=actor, on=date(2026, 9, 7))
    db.session.rollback()

    assert refused.value.reason == "withdrawal_before_previous"
    assert stored_state() == before
