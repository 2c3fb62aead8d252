"""Fixtures of the account tests: a second browser, signed in as someone else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from carecoord.accounts.models import User
from tests.conftest import PASSWORD, RequestIsolatedClient, sign_in_through_the_form

COOKIE = "carecoord_session"


@pytest.fixture
def browser(app: Flask) -> Callable[..., FlaskClient]:
    """Another browser, signed in as `user` through both steps of the sign-in form."""

    def open_as(user: User, password: str = PASSWORD) -> FlaskClient:
        other = RequestIsolatedClient(app, app.response_class, use_cookies=True)
        sign_in_through_the_form(other, user.email, password)
        return other

    return open_as


def session_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def asks_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/sign-in")
