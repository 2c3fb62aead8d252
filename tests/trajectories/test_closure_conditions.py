"""The knowledge conditions on the close page, and open handovers at closure."""

from __future__ import annotations

import pytest

from carecoord.codes import ClosureReason, HandoverStatus, Phase, StepKind
from carecoord.extensions import db
from carecoord.handovers.models import Handover
from tests.trajectories.closure_helpers import (
    NOTIFIED,
    confirm_knowledge,
    days_ago,
    fresh,
    iso,
    make_handover,
    steps_of,
    stored,
    submit,
    text_of,
    url,
)

CODES = ("residence_steps", "rights_to_services", "where_to_get_help")
COLUMNS = dict(
    zip(
        CODES,
        ("knows_residence_steps_on", "knows_rights_to_services_on", "knows_where_to_get_help_on"),
        strict=True,
    )
)


@pytest.fixture
def coordinator(login_as, english):
    user = login_as("coordinator")
    english()
    return user


def confirm(client, t, **dates):
    data = {code: iso(day) if day else "" for code, day in dates.items()}
    return submit(client, url(t, "/close"), "conditions", data, action=url(t, "/conditions"))


def test_confirming_the_conditions_records_each_date_and_step(
    client, coordinator, make_trajectory, audit_entries
):
    t = make_trajectory(notified_on=NOTIFIED)

    response = confirm(
        client,
        t,
        residence_steps=days_ago(3),
        rights_to_services=days_ago(2),
        where_to_get_help=None,
    )

    assert response.status_code == 302
    assert response.location == url(t, "/close")
    now = fresh(t)
    assert now.knows_residence_steps_on == days_ago(3)
    assert now.knows_rights_to_services_on == days_ago(2)
    assert now.knows_where_to_get_help_on is None
    steps = steps_of(t, StepKind.CLOSURE_CONDITION_CONFIRMED)
    assert sorted((s.occurred_on, s.text) for s in steps) == [
        (days_ago(3), "residence_steps"),
        (days_ago(2), "rights_to_services"),
    ]
    assert audit_entries()[-1].detail == "closure_conditions"
    timeline = text_of(client.get(url(t)))
    timeline = timeline[timeline.index(">Timeline<") :]
    assert "The client knows which residence-law steps they want to take" in timeline
    assert "The client knows their rights to services" in timeline


def test_an_unchanged_condition_adds_no_step(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    confirm_knowledge(t, days_ago(4))

    response = confirm(
        client,
        t,
        residence_steps=days_ago(4),
        rights_to_services=days_ago(4),
        where_to_get_help=days_ago(1),
    )

    assert response.status_code == 302
    [step] = steps_of(t, StepKind.CLOSURE_CONDITION_CONFIRMED)
    assert (step.text, step.occurred_on) == ("where_to_get_help", days_ago(1))


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (days_ago(61), "This date cannot be before the date of notification"),
        (days_ago(-1), "This date cannot be in the future."),
    ],
)
@pytest.mark.parametrize("code", CODES)
def test_a_condition_dated_outside_the_trajectory_is_422(
    client, coordinator, make_trajectory, code, when, message
):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = confirm(client, t, **{code: when})

    assert response.status_code == 422
    assert message in text_of(response)
    assert stored(t) == before
    assert getattr(fresh(t), COLUMNS[code]) is None


def test_a_confirmed_condition_cannot_be_emptied(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    confirm_knowledge(t, days_ago(4))
    before = stored(t)

    response = confirm(
        client,
        t,
        residence_steps=None,
        rights_to_services=days_ago(4),
        where_to_get_help=days_ago(4),
    )

    assert response.status_code == 422
    assert "A confirmed condition cannot be removed" in text_of(response)
    assert stored(t) == before
    assert fresh(t).knows_residence_steps_on == days_ago(4)


def test_closure_without_confirming_the_open_handovers_is_refused(
    client, coordinator, make_trajectory
):
    t = make_trajectory(notified_on=NOTIFIED, phase=Phase.ASSISTANCE)
    handover = make_handover(t, provider="Opvang Gooi")
    before = stored(t)
    page = text_of(client.get(url(t, "/close")))
    assert "Opvang Gooi" in page and "Withdraw these open handovers" in page

    response = submit(
        client,
        url(t, "/close"),
        "close",
        {"reason": ClosureReason.DECLINED_HELP.value, "closed_on": iso(days_ago(1))},
    )

    assert response.status_code == 409
    assert "This trajectory has open handovers." in text_of(response)
    assert stored(t) == before
    db.session.expire_all()
    assert db.session.get(Handover, handover.id).status == HandoverStatus.SENT


def test_a_confirmed_closure_withdraws_every_open_handover(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED, phase=Phase.ASSISTANCE)
    sent = make_handover(t, HandoverStatus.SENT, provider="Opvang Gooi")
    started = make_handover(t, HandoverStatus.STARTED, provider="GGZ Hilversum")
    done = make_handover(t, HandoverStatus.COMPLETED, provider="Juridisch Loket")

    response = submit(
        client,
        url(t, "/close"),
        "close",
        {
            "reason": ClosureReason.RETURNED_TO_ORIGIN.value,
            "closed_on": iso(days_ago(1)),
            "withdraw_handovers": "y",
        },
    )

    assert response.status_code == 302
    assert fresh(t).phase == Phase.CLOSED
    db.session.expire_all()
    for handover in (sent, started):
        now = db.session.get(Handover, handover.id)
        assert (now.status, now.withdrawn_on) == (HandoverStatus.WITHDRAWN, days_ago(1))
    assert db.session.get(Handover, done.id).status == HandoverStatus.COMPLETED
    assert len(steps_of(t, StepKind.HANDOVER_WITHDRAWN)) == 2


def test_a_regular_closure_refusal_also_names_the_open_handovers(
    client, coordinator, make_trajectory
):
    t = make_trajectory(notified_on=NOTIFIED)
    confirm_knowledge(t)
    t.knows_rights_to_services_on = None
    db.session.commit()
    make_handover(t)

    response = submit(
        client,
        url(t, "/close"),
        "close",
        {"reason": ClosureReason.COMPLETED.value, "closed_on": iso(days_ago(1))},
    )

    assert response.status_code == 409
    page = text_of(response)
    assert "knows their rights to services" in page
    assert "This trajectory has open handovers." in page


def test_withdrawing_before_a_handover_last_changed_is_refused(
    client, coordinator, make_trajectory
):
    t = make_trajectory(notified_on=NOTIFIED, phase=Phase.ASSISTANCE)
    handover = make_handover(t, provider="Opvang Gooi")  # sent 39 days ago
    before = stored(t)

    response = submit(
        client,
        url(t, "/close"),
        "close",
        {
            "reason": ClosureReason.DECLINED_HELP.value,
            "closed_on": iso(days_ago(45)),
            "withdraw_handovers": "y",
        },
    )

    assert response.status_code == 409
    assert "Opvang Gooi" in text_of(response)
    assert "cannot be withdrawn on an earlier date" in text_of(response)
    assert stored(t) == before
    db.session.expire_all()
    assert db.session.get(Handover, handover.id).status == HandoverStatus.SENT
