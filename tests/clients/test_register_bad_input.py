"""Bad input gets the form again (422) with a message on the field, and nothing is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from carecoord.accounts.models import Municipality
from carecoord.audit.models import Action
from carecoord.clients.models import (
    ADDRESS_MAX,
    DOCUMENT_NUMBER_MAX,
    EMAIL_MAX,
    NAME_MAX,
    PHONE_MAX,
)
from carecoord.extensions import db
from carecoord.timeutil import today
from tests.clients.registration import (
    count_clients,
    count_trajectories,
    municipality_id,
    register,
)

TOMORROW = (today() + timedelta(days=1)).isoformat()

BAD_INPUT = [
    ("name", "N" * (NAME_MAX + 1)),
    ("phone", "6" * (PHONE_MAX + 1)),
    ("email", "e" * (EMAIL_MAX - 11) + "@example.org"),
    ("address", "A" * (ADDRESS_MAX + 1)),
    ("document_number", "D" * (DOCUMENT_NUMBER_MAX + 1)),
    ("date_of_birth", TOMORROW),
    ("date_of_birth", "1899-12-31"),
    ("date_of_birth", "2025-03-11"),  # the day after the notification
    ("date_of_birth", "17-05-1994"),
    ("notified_on", TOMORROW),
    ("notified_on", "1999-12-31", {"date_of_birth": "1990-01-01"}),
    ("notified_on", ""),
    ("notified_on", "yesterday"),
    ("referrer_type", "ministry"),
    ("referrer_type", ""),
    ("gender", "robot"),
    ("gender", ""),
    ("forms_of_exploitation", ["labour", "slavery"]),
    ("forms_of_exploitation", None),
    ("nationality", "XX"),
    ("nationality", "EU"),
    ("nationality", "pl"),
    ("municipality", "999999"),
    ("municipality", "Hilversum"),
    ("name", None),
    ("name", ""),
    ("name", "   "),
    ("bsn", "123456789"),
    ("bsn", "12345678"),
    ("bsn", "000000000"),
    ("bsn", "１１１２２２３３３"),  # full-width digits
    ("v_number", "123456789"),
    ("v_number", "12345678901"),
    ("v_number", "12345abcde"),
    ("email", "maria-at-example.org"),
    ("name", "Ana\x00Silva"),
    ("address", "Kerkstraat \u202e1 Hilversum"),
    ("phone", "\u2066+31 6 1234 5678\u2069"),
    ("document_number", "\u202aEK1234567"),
    ("email", "maria\u202d@example.org"),
    ("v_number", "\x001234567890"),
]


@pytest.mark.parametrize(("field", "value", "others"), [(*case, {})[:3] for case in BAD_INPUT])
def test_bad_input_is_refused_on_its_field(client, login_as, audit_entries, field, value, others):
    login_as("coordinator")
    response = register(client, **{**others, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page
    assert page.count('class="form-error"') == 1, "only the bad field carries a message"
    assert count_clients() == 0 and count_trajectories() == 0
    assert not [e for e in audit_entries() if e.action == Action.CREATE.value]


def test_another_regions_municipality_is_refused(client, login_as, make_region):
    make_region("Rotterdam-Rijnmond")
    login_as("coordinator", region="Gooi en Vechtstreek")
    response = register(client, municipality=municipality_id("Rotterdam"))
    assert response.status_code == 422
    assert 'id="municipality-error"' in response.get_data(as_text=True)
    assert count_clients() == 0


def test_an_inactive_municipality_is_not_offered(client, login_as):
    login_as("coordinator")
    huizen = municipality_id("Huizen")
    from_page = client.get("/clients/new").get_data(as_text=True)
    assert f'value="{huizen}"' in from_page
    _deactivate("Huizen")
    assert f'value="{huizen}"' not in client.get("/clients/new").get_data(as_text=True)
    assert register(client, municipality=huizen).status_code == 422
    assert count_clients() == 0


def test_the_refused_form_keeps_what_was_typed(client, login_as):
    login_as("coordinator")
    response = register(client, bsn="123456789", name="Nguyễn Thị Hương", address="Dorpsweg 3")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Nguyễn Thị Hương"' in page
    assert "Dorpsweg 3</textarea>" in page
    assert 'value="labour" checked' in page or 'checked id="forms_of_exploitation-0"' in page
    assert 'value="123456789"' in page


def _deactivate(name: str) -> None:
    db.session.execute(update(Municipality).where(Municipality.name == name).values(active=False))
    db.session.commit()
