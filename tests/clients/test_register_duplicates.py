"""The duplicate check: a probable match in the region warns before a second file is made."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from carecoord.audit.models import Action
from carecoord.clients.models import Client
from carecoord.extensions import db
from tests.clients.registration import URL, count_clients, filled_form, register

FIRST = {"name": "Jóse  Díaz", "date_of_birth": "1990-02-03", "gender": "male"}


def first_file(client) -> str:
    response = register(client, **FIRST)
    assert response.status_code == 302
    return response.location


def test_same_person_differently_typed_is_warned_about(client, login_as):
    login_as("coordinator")
    first = first_file(client)
    response = register(client, name="jose diaz", date_of_birth="1990-02-03")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "may already be registered" in page
    assert f'href="{first}"' in page
    assert ">GV-2025-0001</a>" in page
    assert "Jóse  Díaz" in page
    assert "February 3, 1990" in page
    assert 'name="confirm" value="1"' in page
    assert 'value="jose diaz"' in page, "what was typed is kept"
    assert count_clients() == 1


def test_register_anyway_stores_the_second_file(client, login_as, audit_entries):
    login_as("coordinator")
    first = first_file(client)
    data = filled_form(client, name="jose diaz", date_of_birth="1990-02-03")
    assert client.post(URL, data=data).status_code == 200
    assert count_clients() == 1
    response = client.post(URL, data={**data, "confirm": "1"})
    assert response.status_code == 302
    assert response.location != first
    assert count_clients() == 2
    created = [e for e in audit_entries() if e.action == Action.CREATE.value]
    assert ("clients", "duplicate_confirmed") in {(e.object_type, e.detail) for e in created}


def test_the_check_and_the_matches_shown_are_audited(client, login_as, audit_entries):
    coordinator = login_as("coordinator")
    first_file(client)
    (existing,) = db.session.scalars(select(Client)).all()
    before = len(audit_entries())
    register(client, name="JOSE DIAZ", date_of_birth="1990-02-03")
    new = [(e.action, e.object_type, e.object_id, e.detail) for e in audit_entries()[before:]]
    assert new == [
        (Action.SEARCH.value, "clients", None, "duplicate_check"),
        (Action.VIEW.value, "clients", str(existing.id), "duplicate_warning"),
    ]
    assert {e.user_id for e in audit_entries()[before:]} == {coordinator.id}


def test_another_date_of_birth_is_someone_else(client, login_as):
    login_as("coordinator")
    first_file(client)
    assert register(client, name="Jose Diaz", date_of_birth="1990-02-04").status_code == 302
    assert register(client, name="Jose Diaz", date_of_birth="").status_code == 302
    assert count_clients() == 3


def test_same_name_without_date_of_birth_is_checked_too(client, login_as):
    login_as("coordinator")
    assert register(client, name="Amira Haddad", date_of_birth="").status_code == 302
    response = register(client, name="amira  haddad", date_of_birth="")
    assert response.status_code == 200
    assert "may already be registered" in response.get_data(as_text=True)
    assert count_clients() == 1


def test_same_person_in_another_region_is_not_flagged(client, login_as, make_trajectory):
    make_trajectory(region="Rotterdam-Rijnmond", name="Jóse Díaz", date_of_birth=date(1990, 2, 3))
    login_as("coordinator", region="Gooi en Vechtstreek")
    response = register(client, name="jose diaz", date_of_birth="1990-02-03")
    assert response.status_code == 302
    assert count_clients() == 2


def test_a_blind_index_collision_is_confirmed_by_decrypting(client, login_as, make_trajectory):
    other = make_trajectory(name="Someone Else", date_of_birth=date(1990, 2, 3)).client
    login_as("coordinator")
    first_file(client)
    # Force the other client onto the same blind index: only decryption can tell them apart.
    diaz = db.session.scalars(select(Client).where(Client.id != other.id)).one()
    other.blind_index = diaz.blind_index
    db.session.commit()
    page = register(client, name="jose diaz", date_of_birth="1990-02-03").get_data(as_text=True)
    assert "Jóse  Díaz" in page
    assert "Someone Else" not in page
