"""Both client documents (overview and subject access), page and PDF: only the region's
coordinators; another region gets an audited 404, other roles an audited 403, and nothing prints."""

from __future__ import annotations

import pytest

from carecoord.audit.models import Action

DOCUMENTS = ["print", "subject-access"]
SUFFIXES = ["", ".pdf"]


def url(t, document: str, suffix: str) -> str:
    return f"/trajectories/{t.public_id}/{document}{suffix}"


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_another_region_is_404_and_audited(
    client, login_as, make_trajectory, audit_entries, document, suffix
):
    t = make_trajectory(region="Rotterdam-Rijnmond", name="Rotterdamse Cliënt")
    coordinator = login_as("coordinator", region="Gooi en Vechtstreek")

    response = client.get(url(t, document, suffix))

    assert response.status_code == 404
    assert "Rotterdamse Cliënt" not in response.get_data(as_text=True)
    entry = audit_entries()[-1]
    assert (entry.user_id, entry.outcome, entry.detail, entry.object_id) == (
        coordinator.id,
        "denied",
        "not_found_in_scope",
        str(t.public_id),
    )
    assert not [e for e in audit_entries() if e.action == Action.PRINT.value]


@pytest.mark.parametrize("role", ["chain_director", "admin"])
@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_other_roles_are_refused(
    client, login_as, make_trajectory, audit_entries, role, document, suffix
):
    t = make_trajectory(name="Geheime Naam")
    user = login_as(role)

    response = client.get(url(t, document, suffix))

    assert response.status_code == 403
    assert "Geheime Naam" not in response.get_data(as_text=True)
    entry = audit_entries()[-1]
    assert (entry.user_id, entry.outcome, entry.detail) == (user.id, "denied", "role_not_allowed")
    assert not [e for e in audit_entries() if e.action == Action.PRINT.value]
