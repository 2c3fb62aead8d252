"""Helpers for registration tests: fill in the form as a browser would, count what is stored."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select

from carecoord.accounts.models import Municipality
from carecoord.clients.models import Client
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory
from tests.conftest import CSRF_PATTERN

URL = "/clients/new"
TOKEN_PATTERN = re.compile(r'<input[^>]*name="registration_token"[^>]*value="([^"]+)"')


def municipality_id(name: str) -> str:
    return str(db.session.scalar(select(Municipality.id).where(Municipality.name == name)))


def blank_form(client: FlaskClient) -> dict[str, object]:
    """The hidden fields of a freshly opened registration page."""
    page = client.get(URL).get_data(as_text=True)
    token, csrf = TOKEN_PATTERN.search(page), CSRF_PATTERN.search(page)
    assert token and csrf, "the form lacks its hidden fields"
    return {"registration_token": token.group(1), "csrf_token": csrf.group(1)}


def filled_form(client: FlaskClient, **overrides: object) -> dict[str, object]:
    """A complete, valid registration of Maria Kowalska in Hilversum; `overrides` replace fields."""
    data: dict[str, object] = {
        **blank_form(client),
        "notified_on": "2025-03-10",
        "referrer_type": "labour_inspectorate",
        "forms_of_exploitation": ["labour", "sexual"],
        "name": "Maria Kowalska",
        "date_of_birth": "2008-05-17",
        "nationality": "PL",
        "phone": "+31 6 1234 5678",
        "email": "maria@example.org",
        "address": "Kerkstraat 1, Hilversum",
        "bsn": "111222333",
        "v_number": "1234567890",
        "document_number": "EK1234567",
        "gender": "female",
        "municipality": municipality_id("Hilversum"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def register(client: FlaskClient, **overrides: object):
    return client.post(URL, data=filled_form(client, **overrides))


def count_clients() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Client))


def count_trajectories() -> int:
    return db.session.scalar(select(func.count()).select_from(Trajectory))


def only_client() -> Client:
    db.session.expire_all()
    (client,) = db.session.scalars(select(Client)).all()
    return client
