"""Logging contact moments and care meetings through the forms, and the timeline filter."""

from __future__ import annotations

import pytest

from carecoord.codes import ProviderType, StepKind
from carecoord.extensions import db
from carecoord.providers.models import CareProvider
from tests.trajectories.closure_helpers import (
    NOTIFIED,
    days_ago,
    iso,
    steps_of,
    stored,
    submit,
    text_of,
    url,
)
from tests.trajectories.stored import read_blob

KINDS = ["contact_moment", "care_meeting"]


@pytest.fixture
def coordinator(login_as, english):
    user = login_as("coordinator")
    english()
    return user


def log(client, t, kind, on=None, text="Gebeld met de cliënt", participants="Opvang; Politie"):
    data = {"occurred_on": iso(on or days_ago(1)), "text": text, "participants": participants}
    return submit(client, url(t, f"/steps/{kind}"), "step", data)


def timeline_of(client, t, query: str = "") -> str:
    page = text_of(client.get(url(t) + query))
    return page[page.index(">Timeline<") :]


def test_a_contact_moment_is_logged_encrypted(client, coordinator, make_trajectory, audit_entries):
    t = make_trajectory(notified_on=NOTIFIED)

    response = log(client, t, "contact_moment", text="Gebeld met de cliënt")

    assert response.status_code == 302
    assert response.location == url(t)
    [step] = steps_of(t, StepKind.CONTACT_MOMENT)
    assert (step.occurred_on, step.text, step.author_id) == (
        days_ago(1),
        "Gebeld met de cliënt",
        coordinator.id,
    )
    assert step.participants is None
    assert b"Gebeld" not in read_blob("steps", "text_ct", step.id)
    entry = audit_entries()[-1]
    assert (entry.action, entry.object_type, entry.detail) == ("create", "steps", "contact_moment")
    assert "Gebeld met de cliënt" in timeline_of(client, t)


def test_a_care_meeting_shows_its_participants_and_agreements(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)

    response = log(
        client, t, "care_meeting", text="Opvang zoekt woning", participants="Opvang Gooi, GGZ"
    )

    assert response.status_code == 302
    [step] = steps_of(t, StepKind.CARE_MEETING)
    assert (step.participants, step.text) == ("Opvang Gooi, GGZ", "Opvang zoekt woning")
    timeline = timeline_of(client, t)
    entry = timeline[timeline.index("care meeting") :].split("</li>", 1)[0]
    assert "Participants:" in entry and "Opvang Gooi, GGZ" in entry
    assert "Opvang zoekt woning" in entry


def test_a_care_meeting_needs_its_participants(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = log(client, t, "care_meeting", participants="")

    assert response.status_code == 422
    assert "Enter the participating organisations." in text_of(response)
    assert stored(t) == before


def test_the_care_meeting_form_offers_the_region_providers(
    client, coordinator, make_trajectory, make_region
):
    t = make_trajectory(notified_on=NOTIFIED)
    other = make_region("Rotterdam-Rijnmond")
    for region_id, name, active in (
        (t.region_id, "Opvang Gooi", True),
        (t.region_id, "Gesloten Stichting", False),
        (other.id, "Rotterdamse Opvang", True),
    ):
        db.session.add(
            CareProvider(
                region_id=region_id,
                name=name,
                provider_type=ProviderType.SHELTER.value,
                active=active,
            )
        )
    db.session.commit()

    page = text_of(client.get(url(t, "/steps/care_meeting")))

    assert "Opvang Gooi" in page
    assert "Gesloten Stichting" not in page and "Rotterdamse Opvang" not in page


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (days_ago(61), "This date cannot be before the date of notification"),
        (days_ago(-1), "This date cannot be in the future."),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_a_step_dated_outside_the_trajectory_is_422(
    client, coordinator, make_trajectory, kind, when, message
):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = log(client, t, kind, on=when, text="Getypte tekst")

    assert response.status_code == 422
    page = text_of(response)
    assert message in page and "Getypte tekst" in page
    assert stored(t) == before


@pytest.mark.parametrize("text", ["nul\x00byte", "bidi \u202e override"])
def test_control_characters_are_refused(client, coordinator, make_trajectory, text):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = log(client, t, "contact_moment", text=text)

    assert response.status_code == 422
    assert stored(t) == before


def test_hostile_text_is_stored_as_typed_and_shown_escaped(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    hostile = "<script>alert(1)</script> مرحبا 👋"

    assert log(client, t, "contact_moment", text=hostile).status_code == 302

    [step] = steps_of(t, StepKind.CONTACT_MOMENT)
    assert step.text == hostile
    raw = client.get(url(t)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in raw and "&lt;script&gt;" in raw


@pytest.mark.parametrize("kind", KINDS)
def test_no_step_on_a_closed_trajectory(client, coordinator, make_trajectory, kind):
    t = make_trajectory(notified_on=NOTIFIED)
    t.phase, t.closed_on, t.closure_reason = "closed", days_ago(5), "declined_help"
    db.session.commit()
    before = stored(t)

    response = log(client, t, kind, text="Na sluiting")

    assert response.status_code == 409
    page = text_of(response)
    assert "This trajectory is closed." in page and "Na sluiting" in page
    assert stored(t) == before


def test_the_timeline_filters_by_kind(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    t.add_step(StepKind.CONTACT_MOMENT, author=None, on=days_ago(9), text="Contact A")
    t.add_step(StepKind.CARE_MEETING, author=None, on=days_ago(8), text="Overleg B")
    t.add_step(StepKind.CARE_MEETING, author=None, on=days_ago(3), text="Overleg C")
    db.session.commit()

    meetings = timeline_of(client, t, "?kind=care_meeting")
    everything = timeline_of(client, t, "?kind=no_such_kind")

    assert meetings.count('class="timeline__step"') == 2
    assert meetings.index("Overleg C") < meetings.index("Overleg B")  # newest first
    assert "Contact A" not in meetings
    assert "Show every step" in meetings
    assert everything.count('class="timeline__step"') == 4  # with the notification
    assert "Contact A" in everything


def test_an_empty_filter_says_so(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)

    timeline = timeline_of(client, t, "?kind=care_meeting")

    assert 'class="timeline__step"' not in timeline
    assert "No steps of this kind." in timeline
