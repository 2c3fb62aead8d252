"""Adding, changing, deactivating and reactivating providers, by a coordinator and an admin."""

from __future__ import annotations

from sqlalchemy import select

from carecoord.accounts.models import Region
from carecoord.codes import ProviderType
from carecoord.extensions import db
from tests.conftest import post
from tests.providers.helpers import (
    VALID,
    about_providers,
    form,
    only_provider,
    provider_count,
    stored,
)


def test_coordinator_adds_a_provider_to_her_region(client, login_as, audit_entries):
    user = login_as("coordinator")
    page = client.get("/providers/new")
    assert page.status_code == 200
    assert 'name="region_id"' not in page.get_data(as_text=True)

    response = post(client, "/providers/new", form())

    provider = only_provider()
    assert response.status_code == 302
    assert response.location == f"/providers/{provider.public_id}"
    assert provider.region_id == user.region_id
    assert provider.active is True
    for name, value in VALID.items():
        assert getattr(provider, name) == value
    entry = about_providers(audit_entries())[-1]
    assert (entry.action, entry.outcome, entry.user_id) == ("create", "success", user.id)
    assert (entry.object_type, entry.object_id) == ("care_providers", str(provider.id))
    detail = client.get(response.location).get_data(as_text=True)
    assert "Leger des Heils Gooi" in detail
    assert "The care provider was added." in detail


def test_a_region_field_sent_by_a_coordinator_is_ignored(client, login_as, make_region):
    user = login_as("coordinator")
    other = make_region("Rotterdam-Rijnmond")
    post(client, "/providers/new", form(region_id=str(other.id)))
    assert only_provider().region_id == user.region_id


def test_optional_fields_may_stay_empty_and_are_stored_as_nothing(client, login_as):
    login_as("coordinator")
    empty = dict.fromkeys(("contact_person", "phone", "email", "address", "website"), "  ")
    response = post(client, "/providers/new", form(name="  Tolkcentrum  ", **empty))
    assert response.status_code == 302
    provider = only_provider()
    assert provider.name == "Tolkcentrum"
    assert (provider.phone, provider.email, provider.website, provider.address) == (None,) * 4


def test_coordinator_changes_a_provider(client, login_as, make_provider, audit_entries):
    login_as("coordinator")
    provider = make_provider(phone="035 111 22 33")
    page = client.get(f"/providers/{provider.public_id}/edit").get_data(as_text=True)
    assert 'value="035 111 22 33"' in page

    response = post(
        client,
        f"/providers/{provider.public_id}/edit",
        form(name="De Opvang", provider_type="cosm_shelter", phone="035 999 88 77"),
    )

    assert response.status_code == 302
    changed = stored(provider.public_id)
    assert (changed.provider_type, changed.phone) == ("cosm_shelter", "035 999 88 77")
    entry = about_providers(audit_entries())[-1]
    assert (entry.action, entry.object_id) == ("update", str(provider.id))
    assert entry.detail == "fields:address.contact_person.email.phone.provider_type.website"


def test_saving_without_a_change_writes_no_audit_entry(
    client, login_as, make_provider, audit_entries
):
    login_as("coordinator")
    provider = make_provider(name="Zorg Plus", provider_type=ProviderType.MEDICAL)
    count = len(about_providers(audit_entries()))
    unchanged = form(name="Zorg Plus ", provider_type="medical")
    unchanged.update(dict.fromkeys(("contact_person", "phone", "email", "address", "website"), ""))

    response = post(client, f"/providers/{provider.public_id}/edit", unchanged)

    assert response.status_code == 302
    assert len(about_providers(audit_entries())) == count
    assert "The changes were saved." not in client.get(response.location).get_data(as_text=True)


def test_deactivate_and_activate_again(client, login_as, make_provider, audit_entries):
    login_as("coordinator")
    provider = make_provider()
    url = f"/providers/{provider.public_id}"

    response = post(client, f"{url}/deactivate")
    assert response.status_code == 302
    assert stored(provider.public_id).active is False
    assert about_providers(audit_entries())[-1].detail == "deactivated"
    page = client.get(url).get_data(as_text=True)
    assert "inactive: no longer offered for handovers" in page
    assert f'action="{url}/activate"' in page

    assert post(client, f"{url}/activate").status_code == 302
    assert stored(provider.public_id).active is True
    assert about_providers(audit_entries())[-1].detail == "activated"


def test_deactivating_twice_changes_and_audits_once(client, login_as, make_provider, audit_entries):
    login_as("coordinator")
    provider = make_provider()
    post(client, f"/providers/{provider.public_id}/deactivate")
    count = len(about_providers(audit_entries()))
    assert post(client, f"/providers/{provider.public_id}/deactivate").status_code == 302
    assert len(about_providers(audit_entries())) == count
    assert stored(provider.public_id).active is False


def test_deactivating_by_get_is_not_possible(client, login_as, make_provider):
    login_as("coordinator")
    provider = make_provider()
    assert client.get(f"/providers/{provider.public_id}/deactivate").status_code == 405
    assert stored(provider.public_id).active is True


def test_admin_adds_a_provider_to_any_region(client, login_as, make_region):
    login_as("admin")
    rotterdam = make_region("Rotterdam-Rijnmond")
    page = client.get("/providers/new").get_data(as_text=True)
    assert 'name="region_id"' in page
    assert "Rotterdam-Rijnmond" in page

    response = post(client, "/providers/new", form(region_id=str(rotterdam.id)))

    assert response.status_code == 302
    assert only_provider().region_id == rotterdam.id


def test_admin_moves_a_provider_to_another_region(client, login_as, make_provider, audit_entries):
    login_as("admin")
    provider = make_provider(region="Rotterdam-Rijnmond")
    gooi = db.session.scalar(select(Region).where(Region.name == "Gooi en Vechtstreek"))
    data = form(name=provider.name, region_id=str(gooi.id))

    assert post(client, f"/providers/{provider.public_id}/edit", data).status_code == 302

    assert stored(provider.public_id).region_id == gooi.id
    assert "region" in about_providers(audit_entries())[-1].detail.split(":")[1].split(".")
    assert "Gooi en Vechtstreek" in client.get(f"/providers/{provider.public_id}").get_data(
        as_text=True
    )


def test_admin_deactivates_a_provider_of_another_region(client, login_as, make_provider):
    login_as("admin", region="Gooi en Vechtstreek")
    provider = make_provider(region="Rotterdam-Rijnmond")
    assert post(client, f"/providers/{provider.public_id}/deactivate").status_code == 302
    assert stored(provider.public_id).active is False


def test_admin_must_choose_an_existing_region(client, login_as):
    login_as("admin")
    response = post(client, "/providers/new", form(region_id="999999"))
    assert response.status_code == 422
    assert 'id="region_id-error"' in response.get_data(as_text=True)
    assert provider_count() == 0
