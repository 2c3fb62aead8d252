"""Informing the client on the intake page: residence law, criminal law and care."""

from __future__ import annotations

from datetime import timedelta

import pytest

from carecoord.codes import InformationTopic, Phase, StepKind
from carecoord.timeutil import today
from carecoord.trajectories.models.intake import LANGUAGE_MAX
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


def urls(t):
    page = f"/trajectories/{t.public_id}/intake"
    return page, page + "/informed"


def inform(client, t, **data):
    page, action = urls(t)
    return submit(client, page, action, data, prefix="informed")


def test_informing_records_each_topic_with_a_step(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()

    response = inform(
        client,
        t,
        informed=["residence_law", "care"],
        on_residence_law=days_ago(20).isoformat(),
        language_residence_law="Roemeens",
        interpreter_residence_law="y",
        on_care=days_ago(19).isoformat(),
    )

    assert response.status_code == 302
    rows = {row.topic: row for row in fresh(t).informed}
    assert set(rows) == {"residence_law", "care"}
    residence = rows["residence_law"]
    assert (residence.informed_on, residence.language, residence.interpreter_used) == (
        days_ago(20),
        "Roemeens",
        True,
    )
    assert (rows["care"].language, rows["care"].interpreter_used) == (None, False)
    steps = steps_of(t, StepKind.CLIENT_INFORMED)
    assert [s.occurred_on for s in steps] == [days_ago(20), days_ago(19)]
    assert steps[0].text == (
        "Informed about residence law (incl. reflection period). Language: Roemeens. "
        "With an interpreter."
    )
    assert steps[1].text == "Informed about care. No interpreter."
    assert ("update", "intake.informed") in audit_details(t.id)
    page = text_of(client.get(response.location))
    assert "What the client was informed about was saved." in page
    assert "language: Roemeens" in page


def test_only_newly_informed_topics_are_recorded(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    inform(client, t, informed=["care"], on_care=days_ago(20).isoformat())

    # A page opened before: the care box is still ticked, with another date.
    inform(
        client,
        t,
        informed=["care", "criminal_law"],
        on_care=days_ago(2).isoformat(),
        on_criminal_law=days_ago(2).isoformat(),
    )

    rows = {row.topic: row for row in fresh(t).informed}
    assert rows["care"].informed_on == days_ago(20)  # a recorded topic stays as recorded
    assert rows["criminal_law"].informed_on == days_ago(2)
    assert len(steps_of(t, StepKind.CLIENT_INFORMED)) == 2


def test_a_recorded_topic_is_shown_not_offered_again(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    inform(client, t, informed=["care"], on_care=days_ago(20).isoformat())

    page = text_of(client.get(urls(t)[0]))

    assert 'value="care"' not in page
    assert 'value="residence_law"' in page and 'value="criminal_law"' in page
    assert "without an interpreter" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"informed": ["residence_law", "tax_law"]}, "Choose one of the options."),
        ({"informed": ["care"]}, "Enter the date the client was informed."),
        ({"on_care": "{past}"}, "Tick “informed” for this topic, or clear the date."),
        ({"informed": ["care"], "on_care": "gisteren"}, "Not a valid date value."),
        (
            {"informed": ["care"], "on_care": "{past}", "language_care": "x" * (LANGUAGE_MAX + 1)},
            "Use at most 40 characters.",
        ),
        (
            {"informed": ["care"], "on_care": "{past}", "language_care": "Arabisch\u202e"},
            "Remove the invisible control characters",
        ),
        (
            {"informed": ["care"], "on_care": "{before}"},
            "cannot be before the date of notification",
        ),
        ({"informed": ["care"], "on_care": "{future}"}, "This date cannot be in the future."),
    ],
)
def test_bad_input_is_refused_on_the_field(
    client, login_as, make_trajectory, english, data, message
):
    t = recent_trajectory(make_trajectory, days=60)
    login_as("coordinator")
    english()
    dates = {
        "{past}": days_ago(5).isoformat(),
        "{before}": days_ago(61).isoformat(),
        "{future}": (today() + timedelta(days=1)).isoformat(),
    }
    data = {k: dates.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
    before = snapshot(t)

    response = inform(client, t, **data)

    assert response.status_code == 422
    assert message in text_of(response)
    assert snapshot(t) == before


def test_a_closed_trajectory_refuses_informing(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory, phase=Phase.CLOSED)
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = inform(client, t, informed=["care"], on_care=days_ago(5).isoformat())

    assert response.status_code == 409
    assert "This trajectory is closed." in text_of(response)
    assert snapshot(t) == before


def test_a_stale_form_is_a_conflict_and_keeps_the_language_typed(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    page, action = urls(t)
    hidden = form_of(client, page, prefix="informed")
    bump_version(t)
    before = snapshot(t)
    typed = {"informed": ["care"], "on_care": days_ago(4).isoformat(), "language_care": "Tigrinya"}

    response = client.post(action, data=filled(hidden, typed, prefix="informed"))

    assert response.status_code == 409
    assert "Someone else changed this trajectory" in text_of(response)
    assert 'value="Tigrinya"' in text_of(response)
    assert snapshot(t) == before


def test_a_double_submit_informs_once(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    page, action = urls(t)
    data = filled(
        form_of(client, page, prefix="informed"),
        {"informed": list(InformationTopic), "on_care": days_ago(1).isoformat()}
        | {f"on_{topic.value}": days_ago(1).isoformat() for topic in InformationTopic},
        prefix="informed",
    )

    assert client.post(action, data=data).status_code == 302
    assert client.post(action, data=data).status_code == 302

    assert len(fresh(t).informed) == 3
    assert len(steps_of(t, StepKind.CLIENT_INFORMED)) == 3
