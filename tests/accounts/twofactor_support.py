"""Helpers of the two-factor and throttling tests: the two sign-in steps one by one, a pinned
clock for the 30-second steps, and the session cookie as anyone holding it can read it."""

from __future__ import annotations

import base64
import re
import zlib

import pyotp
from flask.testing import FlaskClient

from carecoord.accounts import twofactor
from carecoord.accounts.models import User
from tests.accounts.conftest import COOKIE, asks_to_sign_in
from tests.conftest import PASSWORD, post

CODE_PATH = "/sign-in/code"
ENROL_PATH = "/sign-in/enrol"
WRONG_PASSWORD = "wrong horse battery staple 42"
WRONG_CODE_MESSAGE = "The code is incorrect or was used before. Enter a new code."
LOCKED_MESSAGE = "Signing in to this account is temporarily blocked after too many failed attempts."
# A moment in the middle of a 30-second step, so that no step boundary falls inside a test.
PINNED = 1_800_000_015.0
SECRET_ON_PAGE = re.compile(r'id="secret-key">([A-Z2-7 ]+)<')
RECOVERY_CODES = re.compile(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>")
TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*')


def password_step(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs):
    return post(client, "/sign-in", {"email": email, "password": password}, **kwargs)


def code_step(client: FlaskClient, code: str, path: str = CODE_PATH, **kwargs):
    return post(client, path, {"code": code}, **kwargs)


def pin_clock(monkeypatch) -> int:
    """Pin the server's TOTP clock; returns the current 30-second step (counter)."""
    monkeypatch.setattr(twofactor, "clock", lambda: PINNED)
    return pyotp.TOTP(pyotp.random_base32()).timecode(PINNED)


def code_at(secret: str, counter: int) -> str:
    return pyotp.TOTP(secret).generate_otp(counter)


def wrong_code(secret: str, counter: int) -> str:
    """A 6-digit code valid in none of the accepted steps around `counter`."""
    valid = {code_at(secret, c) for c in range(counter - 2, counter + 3)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def is_signed_out(client: FlaskClient) -> bool:
    return asks_to_sign_in(client.get("/account"))


def readable_session(client: FlaskClient) -> str:
    """The session cookie's content decoded without any key: it is signed, not encrypted."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    value = cookie.value
    payload = value.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if value.startswith(".") else data).decode()


def enrolment_secret(client: FlaskClient) -> str:
    page = client.get(ENROL_PATH).get_data(as_text=True)
    found = SECRET_ON_PAGE.search(page)
    assert found, page[:500]
    return found.group(1).replace(" ", "")


def enrol(client: FlaskClient, user: User, monkeypatch) -> list[str]:
    """Sign in as a user without two-factor sign-in and set it up; returns the recovery codes."""
    counter = pin_clock(monkeypatch)
    assert password_step(client, user.email).location == ENROL_PATH
    secret = enrolment_secret(client)
    response = code_step(client, code_at(secret, counter), ENROL_PATH)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return RECOVERY_CODES.findall(response.get_data(as_text=True))


def without_token(response) -> str:
    return TOKEN.sub(r"\1", response.get_data(as_text=True))
