"""Any script, emoji or combining mark round-trips exactly; markup and SQL stay text."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from carecoord.clients.models import Client
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory
from tests.clients.registration import count_clients, only_client, register

NAMES = [
    "فاطمة الزهراء",
    "Nguyễn Thị Hương",
    "Мария Иванова",
    "Ana 🌸 Silva",
    "Zoe\u0308 Zoë",  # a decomposed and a precomposed ë: both kept as typed
    "O'Brien-Ferreira",
    "Lê\u200fعلي",  # a right-to-left mark is not an override: kept
]
SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE clients; --"


@pytest.mark.parametrize("name", NAMES)
def test_names_round_trip_exactly(client, login_as, name):
    login_as("coordinator")
    response = register(client, name=name, address=f"{name}\r\nTweede regel")
    assert response.status_code == 302
    stored = only_client()
    assert stored.name == name
    assert stored.address == f"{name}\r\nTweede regel"
    page = client.get(response.location).get_data(as_text=True)
    assert name.replace("'", "&#39;") in page


def test_decomposed_and_precomposed_are_not_normalised(client, login_as):
    login_as("coordinator")
    register(client, name="Zoe\u0308")
    assert only_client().name == "Zoe\u0308" != "Zoë"


def test_markup_and_sql_are_stored_as_text_and_shown_escaped(client, login_as):
    login_as("coordinator")
    response = register(
        client, name=SCRIPT, address=SQL, phone=SQL[:40], document_number=SCRIPT[:40]
    )
    assert response.status_code == 302
    stored = only_client()
    assert (stored.name, stored.address, stored.phone) == (SCRIPT, SQL, SQL)
    assert stored.document_number == SCRIPT
    page = client.get(response.location).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert SCRIPT not in page
    # The tables are intact and still take the next registration.
    assert db.session.scalar(select(func.count()).select_from(Trajectory)) == 1
    assert register(client, name=SQL).status_code == 302
    assert count_clients() == 2


def test_markup_in_a_refused_form_is_shown_escaped(client, login_as):
    login_as("coordinator")
    response = register(client, name=SCRIPT, address=SCRIPT, bsn="123456789")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert SCRIPT not in page


def test_markup_in_a_duplicate_warning_is_shown_escaped(client, login_as):
    login_as("coordinator")
    register(client, name=SCRIPT)
    page = register(client, name=SCRIPT).get_data(as_text=True)
    assert "may already be registered" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert SCRIPT not in page
    assert db.session.scalar(select(func.count()).select_from(Client)) == 1
