"""Who may open the coordinator's pages: her own region only; other roles and strangers not."""

from __future__ import annotations

import re
import uuid

import pytest


def test_other_region_file_is_404_and_audited(client, login_as, make_trajectory, audit_entries):
    t = make_trajectory(region="Rotterdam-Rijnmond", name="Rotterdamse Cliënt")
    coordinator = login_as("coordinator", region="Gooi en Vechtstreek")

    response = client.get(f"/trajectories/{t.public_id}")

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Rotterdamse Cliënt" not in page and t.case_number not in page
    entry = audit_entries()[-1]
    assert (entry.action, entry.outcome, entry.detail) == ("view", "denied", "not_found_in_scope")
    assert (entry.object_type, entry.object_id) == ("trajectories", str(t.public_id))
    assert entry.user_id == coordinator.id
    assert not any(
        e.outcome == "success" and e.object_type == "trajectories" and e.object_id == str(t.id)
        for e in audit_entries()
    )


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def test_unknown_id_is_the_same_404_and_audited(client, login_as, make_trajectory, audit_entries):
    other = make_trajectory(region="Rotterdam-Rijnmond")
    login_as("coordinator", region="Gooi en Vechtstreek")
    unknown = uuid.uuid4()

    missing = client.get(f"/trajectories/{unknown}")
    foreign = client.get(f"/trajectories/{other.public_id}")

    assert missing.status_code == foreign.status_code == 404
    # Nothing tells "exists elsewhere" from "does not exist".
    # (CSRF tokens carry the second they were made in, so they are left out of the comparison.)
    assert without_tokens(missing.get_data(as_text=True).replace(str(unknown), "")) == (
        without_tokens(foreign.get_data(as_text=True).replace(str(other.public_id), ""))
    )
    denied = [e for e in audit_entries() if e.outcome == "denied"]
    assert [e.object_id for e in denied] == [str(unknown), str(other.public_id)]


def test_a_malformed_id_is_404(client, login_as):
    login_as("coordinator")
    assert client.get("/trajectories/not-a-uuid").status_code == 404
    assert client.get("/trajectories/1").status_code == 404


@pytest.mark.parametrize("role", ["chain_director", "admin"])
@pytest.mark.parametrize("page", ["file", "home"])
def test_other_roles_are_refused_and_audited(
    client, login_as, make_trajectory, audit_entries, role, page
):
    t = make_trajectory(name="Geheime Naam")
    user = login_as(role, region="Gooi en Vechtstreek")
    url = f"/trajectories/{t.public_id}" if page == "file" else "/trajectories/"

    response = client.get(url)

    assert response.status_code == 403
    assert "Geheime Naam" not in response.get_data(as_text=True)
    entry = audit_entries()[-1]
    assert (entry.action, entry.outcome, entry.detail) == ("view", "denied", "role_not_allowed")
    assert (entry.user_id, entry.role) == (user.id, role)


@pytest.mark.parametrize("page", ["file", "home"])
def test_anonymous_is_sent_to_sign_in(client, make_trajectory, audit_entries, page):
    t = make_trajectory(name="Geheime Naam")
    url = f"/trajectories/{t.public_id}" if page == "file" else "/trajectories/"

    response = client.get(url)

    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
    assert "Geheime Naam" not in response.get_data(as_text=True)
    assert not any(e.outcome == "success" for e in audit_entries())


def test_the_file_is_never_cached(client, login_as, make_trajectory):
    t = make_trajectory()
    login_as("coordinator")
    response = client.get(f"/trajectories/{t.public_id}")
    assert response.headers["Cache-Control"] == "no-store"
