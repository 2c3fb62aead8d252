"""Withdrawing a consent, and what the recorded consents allow (trajectories.consents)."""

from __future__ import annotations

from datetime import timedelta

from carecoord.codes import Phase, StepKind
from carecoord.extensions import db
from carecoord.handovers.rules import ConsentState
from carecoord.timeutil import today
from carecoord.trajectories.consents import (
    consent_for,
    consent_state,
    has_comensha_consent,
    withdrawn_with_open_handovers,
)
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


def consent_url(t):
    return f"/trajectories/{t.public_id}/consent"


def withdraw_url(t, consent):
    return f"/trajectories/{t.public_id}/consent/{consent.public_id}/withdraw"


def give(client, t, given_on, provider=None):
    data = {"purpose": "comensha_registration", "given_by": "client"}
    if provider is not None:
        data |= {"purpose": "share_with_provider", "provider": str(provider.public_id)}
    response = submit(client, consent_url(t), consent_url(t), data | {"given_on": given_on})
    assert response.status_code == 302
    return fresh(t).consents[-1]


def withdraw(client, t, consent, on):
    url = withdraw_url(t, consent)
    return submit(client, url, url, {"withdrawn_on": on.isoformat()})


def test_withdrawing_records_the_date_and_a_step(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    haven = add_provider(t.region, "Opvang De Haven")
    login_as("coordinator")
    english()
    consent = give(client, t, days_ago(10).isoformat(), haven)
    assert consent_state(fresh(t), haven).valid_on(days_ago(1))

    response = withdraw(client, t, consent, days_ago(3))

    assert response.status_code == 302
    assert response.location.endswith(consent_url(t))
    stored = fresh(t).consents[0]
    assert stored.withdrawn_on == days_ago(3)
    [step] = steps_of(t, StepKind.CONSENT_WITHDRAWN)
    assert (step.occurred_on, step.text) == (
        days_ago(3),
        "Consent for sharing with Opvang De Haven withdrawn.",
    )
    assert ("update", "consent.withdrawn:share_with_provider") in audit_details(t.id)
    state = consent_state(fresh(t), haven)
    assert state == ConsentState(given_on=days_ago(10), withdrawn_on=days_ago(3))
    assert state.valid_on(days_ago(4)) and not state.valid_on(days_ago(3))
    page = text_of(client.get(response.location))
    assert "The withdrawal of the consent was recorded." in page
    assert "withdrawn" in page and "Record withdrawal" not in page


def test_a_withdrawal_before_the_consent_was_given_is_refused(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    consent = give(client, t, days_ago(10).isoformat())
    before = snapshot(t)

    response = withdraw(client, t, consent, days_ago(11))

    assert response.status_code == 409
    assert "A consent cannot be withdrawn before the date it was given" in text_of(response)
    assert snapshot(t) == before


def test_a_withdrawal_in_the_future_is_a_field_error(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    consent = give(client, t, days_ago(10).isoformat())
    before = snapshot(t)

    response = withdraw(client, t, consent, today() + timedelta(days=1))

    assert response.status_code == 422
    assert "This date cannot be in the future." in text_of(response)
    assert snapshot(t) == before


def test_a_consent_is_withdrawn_once(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    consent = give(client, t, days_ago(10).isoformat())
    url = withdraw_url(t, consent)
    hidden = form_of(client, url)
    withdraw(client, t, consent, days_ago(5))
    before = snapshot(t)

    response = client.post(url, data=filled(hidden, {"withdrawn_on": days_ago(2).isoformat()}))

    assert response.status_code == 409  # someone withdrew it after this page was opened
    assert snapshot(t) == before
    # Posted with a current version (the guard fields of the consent page): still refused.
    current = form_of(client, consent_url(t))
    again = client.post(url, data=filled(current, {"withdrawn_on": days_ago(2).isoformat()}))
    assert again.status_code == 409
    assert "This consent has already been withdrawn." in text_of(again)
    assert fresh(t).consents[0].withdrawn_on == days_ago(5)


def test_a_closed_trajectory_still_records_a_withdrawal(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    consent = give(client, t, days_ago(10).isoformat())
    stored = fresh(t)
    stored.phase = Phase.CLOSED.value
    db.session.commit()

    assert withdraw(client, t, consent, days_ago(1)).status_code == 302

    assert fresh(t).consents[0].withdrawn_on == days_ago(1)
    assert not has_comensha_consent(fresh(t))


def test_another_trajectorys_consent_is_not_found_here(
    client, login_as, make_trajectory, audit_entries
):
    t = recent_trajectory(make_trajectory)
    other = recent_trajectory(make_trajectory, name="Ana Popescu")
    login_as("coordinator")
    consent = give(client, other, days_ago(10).isoformat())

    assert client.get(withdraw_url(t, consent)).status_code == 404
    assert audit_entries()[-1].outcome == "denied"
    assert fresh(other).consents[0].withdrawn_on is None


def test_a_stale_withdrawal_is_a_conflict_that_keeps_the_date(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    consent = give(client, t, days_ago(10).isoformat())
    url = withdraw_url(t, consent)
    hidden = form_of(client, url)
    bump_version(t)
    before = snapshot(t)

    response = client.post(url, data=filled(hidden, {"withdrawn_on": days_ago(4).isoformat()}))

    assert response.status_code == 409
    assert "Someone else changed this trajectory" in text_of(response)
    assert f'value="{days_ago(4).isoformat()}"' in text_of(response)
    assert snapshot(t) == before


def test_a_double_submit_withdraws_once(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    consent = give(client, t, days_ago(10).isoformat())
    url = withdraw_url(t, consent)
    data = filled(form_of(client, url), {"withdrawn_on": days_ago(1).isoformat()})

    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302

    assert len(steps_of(t, StepKind.CONSENT_WITHDRAWN)) == 1


def test_consent_can_be_given_again_after_a_withdrawal(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    haven = add_provider(t.region, "Opvang De Haven")
    login_as("coordinator")
    first = give(client, t, days_ago(20).isoformat(), haven)
    withdraw(client, t, first, days_ago(15))
    assert not consent_for(fresh(t), haven.id, days_ago(1)).valid_on(days_ago(1))

    give(client, t, days_ago(5).isoformat(), haven)

    stored = fresh(t)
    assert consent_for(stored, haven.id, days_ago(1)).valid_on(days_ago(1))
    assert consent_state(stored, haven, on=days_ago(17)).valid_on(days_ago(17))
    assert not consent_state(stored, haven, on=days_ago(10)).valid_on(days_ago(10))
    assert withdrawn_with_open_handovers(stored) == []


def test_comensha_consent_holds_from_its_date_until_withdrawn(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    assert not has_comensha_consent(fresh(t))

    consent = give(client, t, days_ago(10).isoformat())
    assert has_comensha_consent(fresh(t))
    assert not has_comensha_consent(fresh(t), on=days_ago(11))

    withdraw(client, t, consent, days_ago(2))
    assert has_comensha_consent(fresh(t), on=days_ago(3))
    assert not has_comensha_consent(fresh(t))
    assert consent_state(fresh(t), 999_999) == ConsentState()
