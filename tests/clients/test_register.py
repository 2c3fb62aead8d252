"""A coordinator registers a presumed victim through the form; other roles cannot."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from carecoord.audit.models import Action
from carecoord.clients import operations, views
from carecoord.codes import StepKind
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory
from tests.clients.registration import (
    URL,
    blank_form,
    count_clients,
    filled_form,
    only_client,
    register,
)
from tests.conftest import post


def test_form_page_has_the_three_fieldsets(client, login_as):
    login_as("coordinator")
    response = client.get(URL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for legend in ("Notification", "Identity", "Coded facts"):
        assert f"<legend>{legend}</legend>" in page
    assert 'type="checkbox"' in page and 'value="organ_removal"' in page
    assert ">Hilversum</option>" in page and "Rotterdam" not in page
    assert 'value="PL"' in page and 'value="EU"' not in page and 'value="001"' not in page


def test_nationality_labels_follow_the_language_sorted_by_label(dutch, client, login_as):
    login_as("coordinator")
    dutch = client.get(URL).get_data(as_text=True)
    assert '<option value="DE">Duitsland</option>' in dutch
    # Sorted by the label without its accents: Réunion before Roemenië.
    assert dutch.index(">Nederland<") < dutch.index(">Réunion<") < dutch.index(">Roemenië<")
    with client.session_transaction() as session:
        session["language"] = "en"
    english = client.get(URL).get_data(as_text=True)
    assert '<option value="DE">Germany</option>' in english
    assert english.index(">Åland Islands<") < english.index(">Albania<")


def test_registration_stores_client_trajectory_and_shows_the_file(client, login_as):
    coordinator = login_as("coordinator")
    response = register(client)
    assert response.status_code == 302
    assert response.location.startswith("/trajectories/")

    stored = only_client()
    (trajectory,) = stored.trajectories
    assert stored.name == "Maria Kowalska"
    assert stored.date_of_birth == date(2008, 5, 17)
    assert stored.nationality == "PL"
    assert (stored.bsn, stored.v_number, stored.document_number) == (
        "111222333",
        "1234567890",
        "EK1234567",
    )
    assert stored.region_id == coordinator.region_id
    assert stored.municipality.name == "Hilversum"
    assert (stored.gender, stored.nationality_group) == ("female", "eea")
    assert stored.created_by_id == coordinator.id
    assert trajectory.phase == "intake"
    assert trajectory.notified_on == date(2025, 3, 10)
    assert trajectory.age_band == "12-17"  # 16 at notification, an adult now
    assert trajectory.referrer_type == "labour_inspectorate"
    assert [f.value for f in trajectory.forms_of_exploitation] == ["labour", "sexual"]
    assert trajectory.responsible_id == coordinator.id
    assert trajectory.case_number == "GV-2025-0001"
    assert [s.kind for s in trajectory.steps] == [StepKind.NOTIFICATION.value]
    assert response.location == f"/trajectories/{trajectory.public_id}"

    file_page = client.get(response.location)
    assert file_page.status_code == 200
    assert "Maria Kowalska" in file_page.get_data(as_text=True)


def test_registration_is_audited(client, login_as, audit_entries):
    coordinator = login_as("coordinator")
    register(client)
    stored = only_client()
    trail = [(e.action, e.object_type, e.detail, e.user_id) for e in audit_entries()]
    assert (Action.SEARCH.value, "clients", "duplicate_check", coordinator.id) in trail
    assert (Action.CREATE.value, "clients", None, coordinator.id) in trail
    assert (Action.CREATE.value, "trajectories", None, coordinator.id) in trail
    created = [e for e in audit_entries() if e.action == Action.CREATE.value]
    assert {e.client_id for e in created} == {stored.id}


def test_optional_identity_may_stay_empty(client, login_as):
    login_as("coordinator")
    blanks = dict.fromkeys(
        ["date_of_birth", "nationality", "phone", "email", "address", "bsn", "v_number"], ""
    )
    response = register(client, document_number="", municipality="", **blanks)
    assert response.status_code == 302
    stored = only_client()
    assert stored.date_of_birth is None and stored.bsn is None and stored.municipality is None
    assert stored.nationality_group == "unknown"
    assert stored.trajectories[0].age_band == "unknown"


def test_case_numbers_count_up_per_region_and_year(client, login_as):
    login_as("coordinator")
    register(client, name="Eerste Persoon")
    register(client, name="Tweede Persoon")
    numbers = db.session.scalars(select(Trajectory.case_number).order_by(Trajectory.id)).all()
    assert numbers == ["GV-2025-0001", "GV-2025-0002"]


def test_the_same_form_sent_twice_registers_once(client, login_as):
    login_as("coordinator")
    data = filled_form(client)
    first = client.post(URL, data=data)
    second = client.post(URL, data=data)
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert count_clients() == 1


def test_two_simultaneous_submissions_register_once(client, login_as, monkeypatch):
    login_as("coordinator")
    data = filled_form(client)
    first = client.post(URL, data=data)
    # The second request ran its checks before the first one committed: only the unique
    # registration token stops it.
    real, calls = views._registered_with, []

    def late(token):
        calls.append(token)
        return real(token) if len(calls) > 1 else None

    monkeypatch.setattr(views, "_registered_with", late)
    monkeypatch.setattr(operations, "probable_duplicates", lambda *args: [])
    second = client.post(URL, data=data)
    assert second.status_code == 302
    assert second.location == first.location
    assert len(calls) == 2, "the second request went through the unique-token path"
    assert count_clients() == 1


def test_each_opened_form_has_its_own_token(client, login_as):
    login_as("coordinator")
    assert blank_form(client)["registration_token"] != blank_form(client)["registration_token"]
    register(client, name="Eerste Persoon")
    register(client, name="Tweede Persoon")
    assert count_clients() == 2


def test_a_mangled_token_is_refused_with_a_fresh_one(client, login_as):
    login_as("coordinator")
    response = register(client, registration_token="not-a-token")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This form has expired" in page
    assert "not-a-token" not in page
    assert count_clients() == 0


@pytest.mark.parametrize("role", ["chain_director", "admin"])
def test_other_roles_cannot_register(client, login_as, make_trajectory, audit_entries, role):
    make_trajectory()
    login_as(role)
    assert client.get(URL).status_code == 403
    assert (audit_entries()[-1].outcome, audit_entries()[-1].role) == ("denied", role)
    data = {"name": "Maria Kowalska", "registration_token": "c5f0e1d0-0000-4000-8000-000000000000"}
    assert post(client, URL, data).status_code == 403
    assert count_clients() == 1
