"""Who may see and change which provider: region scope (audited 404) and roles (403)."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import post
from tests.providers.helpers import form, provider_count, stored

CHANGING = [
    ("get", "/providers/new"),
    ("post", "/providers/new"),
    ("get", "/providers/{id}/edit"),
    ("post", "/providers/{id}/edit"),
    ("post", "/providers/{id}/deactivate"),
    ("post", "/providers/{id}/activate"),
]
IN_SCOPE = [
    ("get", "/providers/{id}"),
    *[(method, url) for method, url in CHANGING if "{id}" in url],
]


def send(client, method: str, url: str, data: dict | None = None):
    return post(client, url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize(("method", "url"), IN_SCOPE)
def test_coordinator_gets_404_for_another_regions_provider_and_it_is_audited(
    client, login_as, make_provider, audit_entries, method, url
):
    user = login_as("coordinator", region="Gooi en Vechtstreek")
    provider = make_provider("Havenopvang", region="Rotterdam-Rijnmond", phone="010 000 00 00")

    response = send(client, method, url.format(id=provider.public_id), form(phone="1"))

    assert response.status_code == 404
    assert "Havenopvang" not in response.get_data(as_text=True)
    unchanged = stored(provider.public_id)
    assert (unchanged.name, unchanged.phone, unchanged.active) == (
        "Havenopvang",
        "010 000 00 00",
        True,
    )
    entry = audit_entries()[-1]
    assert (entry.outcome, entry.user_id, entry.detail) == ("denied", user.id, "not_found_in_scope")
    assert (entry.object_type, entry.object_id) == ("care_providers", str(provider.public_id))


def test_another_regions_provider_is_not_listed_for_a_coordinator(client, login_as, make_provider):
    login_as("coordinator", region="Rotterdam-Rijnmond")
    make_provider("Opvang Gooi", region="Gooi en Vechtstreek")
    page = client.get("/providers/?inactive=y").get_data(as_text=True)
    assert "Opvang Gooi" not in page


def test_an_unknown_id_is_404(client, login_as):
    login_as("coordinator")
    assert client.get(f"/providers/{uuid.uuid4()}").status_code == 404
    assert client.get("/providers/not-a-uuid").status_code == 404


@pytest.mark.parametrize(("method", "url"), CHANGING)
def test_chain_director_is_refused_every_change(client, login_as, make_provider, method, url):
    login_as("chain_director")
    provider = make_provider("Opvang Gooi", phone="035 000 00 00")

    response = send(client, method, url.format(id=provider.public_id), form(name="Overgenomen"))

    assert response.status_code == 403
    assert provider_count() == 1
    unchanged = stored(provider.public_id)
    assert (unchanged.name, unchanged.phone, unchanged.active) == (
        "Opvang Gooi",
        "035 000 00 00",
        True,
    )


def test_chain_director_cannot_reactivate_either(client, login_as, make_provider):
    login_as("chain_director")
    provider = make_provider("Gestopt", active=False)
    assert post(client, f"/providers/{provider.public_id}/activate").status_code == 403
    assert stored(provider.public_id).active is False


def test_admin_sees_and_changes_any_region(client, login_as, make_provider):
    login_as("admin", region="Gooi en Vechtstreek")
    provider = make_provider("Havenopvang", region="Rotterdam-Rijnmond")
    assert client.get(f"/providers/{provider.public_id}").status_code == 200
    data = form(name="Havenopvang", region_id=str(provider.region_id), phone="010 999 99 99")
    assert post(client, f"/providers/{provider.public_id}/edit", data).status_code == 302
    assert stored(provider.public_id).phone == "010 999 99 99"
