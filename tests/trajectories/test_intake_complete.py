"""Completing the intake: intake → assistance, only with all topics informed and a domain."""

from __future__ import annotations

from datetime import timedelta

import pytest

from carecoord.codes import InformationTopic, Phase, StepKind
from carecoord.extensions import db
from carecoord.timeutil import today
from carecoord.trajectories.models import ClientInformed, NeedsAssessment
from tests.trajectories.intake_helpers import (
    audit_details,
    bump_version,
    days_ago,
    filled,
    form_of,
    fresh,
    recent_trajectory,
    snapshot,
    steps_of,
    submit,
    text_of,
)

ALL_TOLD = (
    "The client has not yet been informed about residence law.",
    "The client has not yet been informed about criminal law.",
    "The client has not yet been informed about care.",
)
NO_DOMAIN = "No life domain has been assessed yet."
NOT_IN_INTAKE = "The intake can only be completed while the trajectory is in the intake phase."


def urls(t):
    page = f"/trajectories/{t.public_id}/intake"
    return page, page + "/complete"


def complete(client, t, on=None):
    page, action = urls(t)
    data = {"completed_on": (on or days_ago(1)).isoformat()}
    return submit(client, page, action, data, prefix="complete")


def prepare(t, *, topics=tuple(InformationTopic), assessed=True):
    """Record the intake straight in the models: which topics, and one domain (assessed?)."""
    t = fresh(t)
    for topic in topics:
        t.informed.append(ClientInformed(topic=topic.value, informed_on=days_ago(30)))
    t.needs.append(NeedsAssessment(domain="safety", assessed=assessed, has_need=False))
    db.session.commit()
    return t


def test_completing_moves_to_assistance(client, login_as, make_trajectory, english):
    t = prepare(recent_trajectory(make_trajectory))
    login_as("coordinator")
    english()
    assert NOT_IN_INTAKE not in text_of(client.get(urls(t)[0]))

    response = complete(client, t, on=days_ago(2))

    assert response.status_code == 302
    stored = fresh(t)
    assert stored.phase == Phase.ASSISTANCE
    assert stored.intake_completed_on == stored.assistance_started_on == days_ago(2)
    [step] = steps_of(t, StepKind.PHASE_CHANGE)
    assert step.occurred_on == days_ago(2)
    assert step.text == "Intake completed; the trajectory is now in the assistance phase."
    assert ("update", "intake.completed") in audit_details(t.id)
    page = text_of(client.get(response.location))
    assert "The intake is complete" in page
    assert f"The intake was completed on {stored.intake_completed_on:%B} " in page


def test_an_earlier_start_of_assistance_is_kept(client, login_as, make_trajectory):
    t = prepare(recent_trajectory(make_trajectory))
    t.assistance_started_on = days_ago(40)  # a handover was made during the intake
    db.session.commit()
    login_as("coordinator")

    assert complete(client, t, on=days_ago(2)).status_code == 302

    stored = fresh(t)
    assert stored.assistance_started_on == days_ago(40)
    assert stored.intake_completed_on == days_ago(2)


def test_the_page_says_what_is_missing_before_trying(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()

    page = text_of(client.get(urls(t)[0]))

    assert "The intake cannot be completed yet:" in page
    for message in (*ALL_TOLD, NO_DOMAIN):
        assert message in page


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"topics": ()}, ALL_TOLD),
        ({"topics": (InformationTopic.CARE,)}, ALL_TOLD[:2]),
        ({"assessed": False}, (NO_DOMAIN,)),
        ({"topics": (), "assessed": False}, (*ALL_TOLD, NO_DOMAIN)),
    ],
)
def test_a_refusal_names_what_is_missing(
    client, login_as, make_trajectory, english, setup, expected
):
    t = prepare(recent_trajectory(make_trajectory), **setup)
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = complete(client, t)

    assert response.status_code == 409
    html = text_of(response)
    assert "This cannot be saved:" in html
    for message in expected:
        assert f"<li>{message}</li>" in html
    assert html.count("<li>The client has not yet") == sum(m in ALL_TOLD for m in expected)
    assert snapshot(t) == before
    assert "intake.completed" not in {detail for _action, detail in audit_details(t.id)}


@pytest.mark.parametrize("phase", [Phase.ASSISTANCE, Phase.CLOSED])
def test_only_a_trajectory_in_intake_can_complete_it(
    client, login_as, make_trajectory, english, phase
):
    t = prepare(recent_trajectory(make_trajectory, phase=phase))
    login_as("coordinator")
    english()
    page, action = urls(t)
    assert NOT_IN_INTAKE in text_of(client.get(page))  # no button offered
    assert 'name="complete-version"' not in text_of(client.get(page))
    # Posted anyway (an old page, a crafted request): the guard fields of another form.
    needs = form_of(client, page, prefix="needs")
    hidden = {key.replace("needs-", "complete-"): value for key, value in needs.items()}
    before = snapshot(t)

    response = client.post(
        action, data=filled(hidden, {"completed_on": days_ago(1).isoformat()}, "complete")
    )

    assert response.status_code == 409
    assert f"<li>{NOT_IN_INTAKE}</li>" in text_of(response)
    assert snapshot(t) == before


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("before", "This date cannot be before the date of notification"),
        ("future", "This date cannot be in the future."),
        ("", "Enter the date the intake was completed."),
    ],
)
def test_the_completion_date_is_checked(client, login_as, make_trajectory, english, on, message):
    t = prepare(recent_trajectory(make_trajectory, days=60))
    login_as("coordinator")
    english()
    value = {
        "before": days_ago(61).isoformat(),
        "future": (today() + timedelta(days=1)).isoformat(),
    }.get(on, on)
    before = snapshot(t)

    page, action = urls(t)
    response = submit(client, page, action, {"completed_on": value}, prefix="complete")

    assert response.status_code == 422
    assert message in text_of(response)
    assert snapshot(t) == before


def test_a_stale_completion_is_a_conflict(client, login_as, make_trajectory, english):
    t = prepare(recent_trajectory(make_trajectory))
    login_as("coordinator")
    english()
    page, action = urls(t)
    hidden = form_of(client, page, prefix="complete")
    bump_version(t)
    before = snapshot(t)

    response = client.post(
        action, data=filled(hidden, {"completed_on": days_ago(3).isoformat()}, "complete")
    )

    assert response.status_code == 409
    assert "Someone else changed this trajectory" in text_of(response)
    assert snapshot(t) == before


def test_a_double_submit_completes_once(client, login_as, make_trajectory):
    t = prepare(recent_trajectory(make_trajectory))
    login_as("coordinator")
    page, action = urls(t)
    data = filled(
        form_of(client, page, prefix="complete"),
        {"completed_on": days_ago(1).isoformat()},
        "complete",
    )

    assert client.post(action, data=data).status_code == 302
    assert client.post(action, data=data).status_code == 302

    assert len(steps_of(t, StepKind.PHASE_CHANGE)) == 1
