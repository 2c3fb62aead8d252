"""Recording consent per purpose: CoMensha registration, or sharing with a named provider."""

from __future__ import annotations

from datetime import timedelta

import pytest

from carecoord.codes import Phase, StepKind
from carecoord.timeutil import today
from tests.trajectories.intake_helpers import (
    add_provider,
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

COMENSHA = {"purpose": "comensha_registration", "given_by": "client"}


def url(t):
    return f"/trajectories/{t.public_id}/consent"


def give(client, t, **data):
    data.setdefault("given_on", days_ago(5).isoformat())
    return submit(client, url(t), url(t), data)


def sharing(provider, giver="client"):
    return {
        "purpose": "share_with_provider",
        "provider": str(provider.public_id),
        "given_by": giver,
    }


def test_the_page_offers_only_active_providers_of_the_region(
    client, login_as, make_trajectory, make_region
):
    t = recent_trajectory(make_trajectory)
    add_provider(t.region, "Opvang De Haven")
    add_provider(t.region, "Gesloten Huis", active=False)
    add_provider(make_region("Rotterdam-Rijnmond"), "Havenzorg Rotterdam")
    login_as("coordinator")

    page = text_of(client.get(url(t)))

    assert "Opvang De Haven" in page
    assert "Gesloten Huis" not in page and "Havenzorg Rotterdam" not in page
    assert ("view", "consent") in audit_details(t.id)


def test_recording_consent_for_comensha(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()

    response = give(client, t, **COMENSHA, given_on=days_ago(4).isoformat())

    assert response.status_code == 302
    [consent] = fresh(t).consents
    assert (consent.purpose, consent.provider_id, consent.given_on, consent.given_by) == (
        "comensha_registration",
        None,
        days_ago(4),
        "client",
    )
    assert consent.withdrawn_on is None
    [step] = steps_of(t, StepKind.CONSENT_RECORDED)
    assert step.occurred_on == days_ago(4)
    assert step.text == "Consent for registration with CoMensha, given by the client."
    assert ("update", "consent.recorded:comensha_registration") in audit_details(t.id)
    page = text_of(client.get(response.location))
    assert "The consent was recorded." in page
    assert "registration with CoMensha" in page


def test_recording_consent_for_a_provider(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    haven = add_provider(t.region, "Opvang De Haven")
    login_as("coordinator")
    english()

    assert give(client, t, **sharing(haven)).status_code == 302

    [consent] = fresh(t).consents
    assert consent.provider_id == haven.id
    [step] = steps_of(t, StepKind.CONSENT_RECORDED)
    assert step.text == "Consent for sharing with Opvang De Haven, given by the client."


@pytest.mark.parametrize("which", ["other_region", "inactive", "made_up"])
def test_a_provider_outside_the_choices_is_a_field_error(
    client, login_as, make_trajectory, make_region, english, which
):
    t = recent_trajectory(make_trajectory)
    providers = {
        "other_region": add_provider(make_region("Rotterdam-Rijnmond"), "Havenzorg Rotterdam"),
        "inactive": add_provider(t.region, "Gesloten Huis", active=False),
    }
    login_as("coordinator")
    english()
    before = snapshot(t)
    chosen = providers.get(which)
    data = {
        "purpose": "share_with_provider",
        "provider": str(chosen.public_id) if chosen else "12345",
        "given_by": "client",
    }

    response = give(client, t, **data)

    assert response.status_code == 422
    html = text_of(response)
    assert "Choose one of the listed care providers." in html[html.index('id="provider-error"') :]
    assert snapshot(t) == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"purpose": "share_with_provider", "given_by": "client"}, "provider", "Choose the care"),
        ({"purpose": "marketing", "given_by": "client"}, "purpose", "Choose one of the options."),
        ({"purpose": "", "given_by": "client"}, "purpose", "Choose the purpose"),
        ({**COMENSHA, "given_by": "neighbour"}, "given_by", "Choose one of the options."),
        ({**COMENSHA, "given_on": "{before}"}, "given_on", "before the date of notification"),
        ({**COMENSHA, "given_on": "{future}"}, "given_on", "This date cannot be in the future."),
        ({**COMENSHA, "given_on": ""}, "given_on", "Enter the date the consent was given."),
    ],
)
def test_bad_input_is_refused_on_the_field(
    client, login_as, make_trajectory, english, data, field, message
):
    t = recent_trajectory(make_trajectory, days=60)
    login_as("coordinator")
    english()
    dates = {
        "{before}": days_ago(61).isoformat(),
        "{future}": (today() + timedelta(days=1)).isoformat(),
    }
    data = {key: dates.get(value, value) for key, value in data.items()}
    before = snapshot(t)

    response = give(client, t, **data)

    assert response.status_code == 422
    html = text_of(response)
    assert message in html[html.index(f'id="{field}-error"') :][:300]
    assert snapshot(t) == before


def test_comensha_registration_names_no_provider(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    haven = add_provider(t.region, "Opvang De Haven")
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = give(client, t, **COMENSHA, provider=str(haven.public_id))

    assert response.status_code == 422
    assert "Registration with CoMensha is not for a care provider." in text_of(response)
    assert snapshot(t) == before


def test_a_second_active_consent_for_the_same_purpose_is_refused(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    haven, anker = add_provider(t.region, "Opvang De Haven"), add_provider(t.region, "Het Anker")
    login_as("coordinator")
    english()
    give(client, t, **COMENSHA)
    give(client, t, **sharing(haven))
    before = snapshot(t)

    for data in (COMENSHA, sharing(haven)):
        response = give(client, t, **data)
        assert response.status_code == 409
        assert "There is already a consent for this purpose" in text_of(response)
    assert snapshot(t) == before

    assert give(client, t, **sharing(anker)).status_code == 302  # another provider is another
    assert len(fresh(t).consents) == 3


def test_a_closed_trajectory_records_no_new_consent(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory, phase=Phase.CLOSED)
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = give(client, t, **COMENSHA)

    assert response.status_code == 409
    assert "This trajectory is closed." in text_of(response)
    assert snapshot(t) == before


def test_a_stale_form_is_a_conflict_that_keeps_the_choices(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    haven = add_provider(t.region, "Opvang De Haven")
    login_as("coordinator")
    english()
    hidden = form_of(client, url(t))
    bump_version(t)
    before = snapshot(t)
    data = sharing(haven) | {"given_on": days_ago(3).isoformat()}

    response = client.post(url(t), data=filled(hidden, data))

    assert response.status_code == 409
    html = text_of(response)
    assert "Someone else changed this trajectory" in html
    assert f'<option selected value="{haven.public_id}">' in html
    assert snapshot(t) == before


def test_a_double_submit_records_one_consent(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    data = filled(form_of(client, url(t)), COMENSHA | {"given_on": days_ago(2).isoformat()})

    assert client.post(url(t), data=data).status_code == 302
    assert client.post(url(t), data=data).status_code == 302

    assert len(fresh(t).consents) == 1
    assert len(steps_of(t, StepKind.CONSENT_RECORDED)) == 1
