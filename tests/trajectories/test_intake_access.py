"""Who may open and post the intake, legal-track and consent pages: the region's coordinator."""

from __future__ import annotations

import uuid

import pytest

from carecoord.codes import ConsentGiver, ConsentPurpose
from carecoord.extensions import db
from carecoord.trajectories.models import Consent
from tests.conftest import post
from tests.trajectories.intake_helpers import add_provider, days_ago, recent_trajectory, snapshot

PAGES = ["intake", "legal", "consent", "consent/{consent}/withdraw"]
POSTS = {
    "intake/needs": {"needs-conversation_on": "{day}", "needs-assessed": "safety"},
    "intake/informed": {"informed-informed": "care", "informed-on_care": "{day}"},
    "intake/complete": {"complete-completed_on": "{day}"},
    "legal": {"police_report": "filed", "police_report_on": "{day}"},
    "consent": {"purpose": "comensha_registration", "given_by": "client", "given_on": "{day}"},
    "consent/{consent}/withdraw": {"withdrawn_on": "{day}"},
}


def with_consent(make_trajectory, region="Gooi en Vechtstreek"):
    t = recent_trajectory(make_trajectory, region=region)
    consent = Consent(
        purpose=ConsentPurpose.SHARE_WITH_PROVIDER.value,
        provider=add_provider(t.region, "Opvang De Haven"),
        given_on=days_ago(30),
        given_by=ConsentGiver.CLIENT.value,
    )
    t.consents.append(consent)
    db.session.commit()
    return t, consent


def url(t, consent, path):
    return f"/trajectories/{t.public_id}/" + path.format(consent=consent.public_id)


def guarded(t, data):
    """The typed values plus guard fields that would pass: the current version, a new token."""
    values = {k: v.replace("{day}", days_ago(3).isoformat()) for k, v in data.items()}
    for prefix in ("", "needs-", "informed-", "complete-"):
        values[f"{prefix}version"] = str(t.version)
        values[f"{prefix}submission"] = str(uuid.uuid4())
    return values


@pytest.mark.parametrize("path", PAGES)
def test_another_regions_page_does_not_exist(
    client, login_as, make_trajectory, audit_entries, path
):
    t, consent = with_consent(make_trajectory, region="Rotterdam-Rijnmond")
    login_as("coordinator", region="Gooi en Vechtstreek")

    assert client.get(url(t, consent, path)).status_code == 404
    entry = audit_entries()[-1]
    assert (entry.outcome, entry.object_type) == ("denied", "trajectories")


@pytest.mark.parametrize(("path", "data"), POSTS.items())
def test_another_regions_trajectory_cannot_be_changed(
    client, login_as, make_trajectory, audit_entries, path, data
):
    t, consent = with_consent(make_trajectory, region="Rotterdam-Rijnmond")
    login_as("coordinator", region="Gooi en Vechtstreek")
    before = snapshot(t)

    response = post(client, url(t, consent, path), guarded(t, data))

    assert response.status_code == 404
    assert audit_entries()[-1].outcome == "denied"
    assert snapshot(t) == before


@pytest.mark.parametrize("role", ["chain_director", "admin"])
@pytest.mark.parametrize("path", PAGES)
def test_other_roles_are_refused(client, login_as, make_trajectory, audit_entries, role, path):
    t, consent = with_consent(make_trajectory)
    login_as(role)

    response = client.get(url(t, consent, path))

    assert response.status_code == 403
    assert "Maria Kowalska" not in response.get_data(as_text=True)
    assert audit_entries()[-1].outcome == "denied"


@pytest.mark.parametrize(("path", "data"), POSTS.items())
def test_a_chain_director_cannot_post(client, login_as, make_trajectory, path, data):
    t, consent = with_consent(make_trajectory)
    login_as("chain_director")
    before = snapshot(t)

    response = post(client, url(t, consent, path), guarded(t, data))

    assert response.status_code == 403
    assert snapshot(t) == before


@pytest.mark.parametrize(("path", "data"), POSTS.items())
def test_a_post_without_csrf_token_changes_nothing(client, login_as, make_trajectory, path, data):
    t, consent = with_consent(make_trajectory)
    login_as("coordinator")
    before = snapshot(t)

    response = client.post(url(t, consent, path), data=guarded(t, data))

    assert response.status_code == 400
    assert snapshot(t) == before


def test_signed_out_visitors_are_sent_to_sign_in(client, make_trajectory):
    t, consent = with_consent(make_trajectory)

    for path in PAGES:
        response = client.get(url(t, consent, path))
        assert response.status_code == 302
        assert "/sign-in" in response.location


@pytest.mark.parametrize(("path", "data"), POSTS.items())
def test_the_region_coordinator_passes_the_same_guard(
    client, login_as, make_trajectory, path, data
):
    """The refusals above are the guard's, not a broken request: the same post succeeds here."""
    t, consent = with_consent(make_trajectory)
    login_as("coordinator")

    response = post(client, url(t, consent, path), guarded(t, data))

    # Completing an unfinished intake reaches the rule, which refuses it.
    expected = 409 if path == "intake/complete" else 302
    assert response.status_code == expected, response.get_data(as_text=True)[:2000]
