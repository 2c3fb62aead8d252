"""Sign-in throttling: five failures lock one account (not others, not by address), the
second factor counts too, a per-address limit answers 429, and the log holds no secrets."""

from __future__ import annotations

import base64
import logging
import os
import time

import pytest

from carecoord.accounts import throttle
from config import ConfigurationError, load_config
from tests.accounts.twofactor_support import (
    CODE_PATH,
    LOCKED_MESSAGE,
    WRONG_PASSWORD,
    code_at,
    code_step,
    is_signed_in,
    is_signed_out,
    password_step,
    pin_clock,
    without_token,
    wrong_code,
)
from tests.conftest import PASSWORD, post, sign_in_through_the_form

EMAIL = "maria.jansen@example.org"
INCORRECT = "The e-mail address or password is incorrect."


def fail(client, email: str, times: int) -> list:
    return [password_step(client, email, WRONG_PASSWORD) for _ in range(times)]


def test_five_failures_lock_the_account_but_not_another(app, client, make_user, audit_entries):
    maria = make_user(email=EMAIL)
    other = make_user()
    failures = fail(client, EMAIL, 5)

    assert [r.status_code for r in failures] == [200, 200, 200, 200, 429]
    assert INCORRECT in failures[3].get_data(as_text=True)
    assert LOCKED_MESSAGE in failures[4].get_data(as_text=True)
    # During the lock even the right password is refused, and nothing is signed in.
    locked = password_step(client, maria.email)
    assert locked.status_code == 429
    assert LOCKED_MESSAGE in locked.get_data(as_text=True)
    assert is_signed_out(client)
    assert audit_entries()[-1].detail == "locked"
    # Another account, from the same address, signs in as usual.
    sign_in_through_the_form(client, other.email)
    assert is_signed_in(client)


def test_failures_of_other_accounts_do_not_add_up(client, make_user):
    maria = make_user(email=EMAIL)
    for index in range(6):
        password_step(client, f"someone.{index}@example.org", WRONG_PASSWORD)
    fail(client, EMAIL, 4)
    sign_in_through_the_form(client, maria.email)
    assert is_signed_in(client)


def test_an_unknown_address_behaves_the_same(client, make_user):
    make_user(email=EMAIL)
    nobody = "nobody@example.org"

    def seen(responses, email):
        """Status and page, less the CSRF token and the address the form shows back."""
        return [(r.status_code, without_token(r).replace(email, "ADDRESS")) for r in responses]

    known = seen(fail(client, EMAIL, 6), EMAIL)
    unknown = seen(fail(client, nobody, 6), nobody)
    assert known == unknown
    assert [LOCKED_MESSAGE in page for _, page in unknown] == [False] * 4 + [True] * 2
    assert seen([password_step(client, nobody, PASSWORD)], nobody) == known[-1:]


def test_the_address_is_locked_whatever_its_case_and_spaces(client, make_user):
    make_user(email=EMAIL)
    fail(client, "  Maria.Jansen@Example.ORG ", 5)
    assert password_step(client, EMAIL).status_code == 429


def test_the_lock_ends_after_its_time(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_LOCK_SECONDS", 1)
    maria = make_user(email=EMAIL)
    fail(client, EMAIL, 5)
    assert password_step(client, EMAIL).status_code == 429
    time.sleep(1.2)
    sign_in_through_the_form(client, maria.email)
    assert is_signed_in(client)


def test_a_completed_sign_in_forgets_earlier_failures(client, make_user):
    maria = make_user(email=EMAIL)
    fail(client, EMAIL, 4)
    sign_in_through_the_form(client, maria.email)
    post(client, "/sign-out")
    statuses = [r.status_code for r in fail(client, EMAIL, 4)]
    assert statuses == [200] * 4


def test_second_factor_failures_count_too(client, make_user, monkeypatch):
    maria = make_user(email=EMAIL)
    counter = pin_clock(monkeypatch)
    wrong = wrong_code(maria.totp_secret, counter)
    fail(client, EMAIL, 2)
    assert password_step(client, EMAIL).location == CODE_PATH
    assert code_step(client, wrong).status_code == 422
    assert code_step(client, wrong).status_code == 422
    # The fifth failure locks: the half-finished sign-in is dropped.
    locked = code_step(client, wrong)
    assert locked.status_code == 302 and locked.location == "/sign-in"
    assert LOCKED_MESSAGE in client.get("/sign-in").get_data(as_text=True)
    assert code_step(client, code_at(maria.totp_secret, counter)).location == "/sign-in"
    assert password_step(client, EMAIL).status_code == 429
    assert is_signed_out(client)


def test_a_right_code_is_refused_during_a_lock(client, make_user, monkeypatch):
    maria = make_user(email=EMAIL)
    counter = pin_clock(monkeypatch)
    assert password_step(client, EMAIL).location == CODE_PATH
    # Meanwhile an attacker elsewhere fails five times on her address.
    attacker = client.application.test_client()
    fail(attacker, EMAIL, 5)
    response = code_step(client, code_at(maria.totp_secret, counter))
    assert response.location == "/sign-in"
    assert is_signed_out(client)


def test_the_per_address_limit_answers_429(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_ADDRESS_LIMIT", "3 per minute")
    for index in range(3):
        assert password_step(client, f"n{index}@example.org", WRONG_PASSWORD).status_code == 200
    refused = password_step(client, "n9@example.org", WRONG_PASSWORD)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many attempts" in page and "Wait a moment and try again." in page
    # The sign-in page itself (GET) still shows; another address may still post.
    assert client.get("/sign-in").status_code == 200
    elsewhere = password_step(
        client, "n9@example.org", WRONG_PASSWORD, environ_base={"REMOTE_ADDR": "192.0.2.7"}
    )
    assert elsewhere.status_code == 200


def test_the_second_step_has_a_per_address_limit_too(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_ADDRESS_LIMIT", "2 per minute")
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURES_ALLOWED", 50)
    maria = make_user(email=EMAIL)
    counter = pin_clock(monkeypatch)
    password_step(client, EMAIL)
    wrong = wrong_code(maria.totp_secret, counter)
    assert [code_step(client, wrong).status_code for _ in range(3)] == [422, 422, 429]


def test_the_lock_is_kept_under_a_hash_not_the_address(app, client, make_user):
    make_user(email=EMAIL)
    fail(client, EMAIL, 5)
    keys = " ".join(app.extensions[throttle.EXTENSION].storage.storage)
    account = throttle.account_key(EMAIL)
    assert account in keys
    assert "maria" not in keys.lower()


def test_sign_ins_are_logged_without_password_or_address(client, make_user, caplog):
    maria = make_user(email=EMAIL)
    caplog.set_level(logging.INFO, logger="carecoord.accounts")
    password_step(client, EMAIL, WRONG_PASSWORD)
    sign_in_through_the_form(client, maria.email)

    account = throttle.account_key(EMAIL)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("carecoord.accounts")]
    assert f"sign-in failed at the password: account={account}" in messages
    assert f"sign-in completed: user={maria.public_id} method=totp" in messages
    for secret in (PASSWORD, WRONG_PASSWORD, EMAIL, "maria.jansen", maria.totp_secret):
        assert secret not in caplog.text
        assert not [r for r in caplog.records if secret in str(r.args)]


@pytest.fixture
def production(monkeypatch):
    """A complete production environment, nothing else of ours set."""
    for name in list(os.environ):
        if name.startswith("CARECOORD_"):
            monkeypatch.delenv(name)
    key = base64.urlsafe_b64encode(b"\x07" * 32).decode().rstrip("=")
    for name, value in {
        "CARECOORD_DATABASE_URL": "postgresql://carecoord@db.internal/carecoord",
        "CARECOORD_SECRET_KEY": "s" * 48,
        "CARECOORD_DATA_KEYS": f"k2026-a:{key}",
        "CARECOORD_BLIND_INDEX_KEY": key,
        "CARECOORD_PSEUDONYM_KEY": key,
    }.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_the_storage_defaults_to_memory(production):
    assert load_config("production")["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize("url", ["redis://cache.internal:6379/2", "rediss://h:6380", "memory://"])
def test_the_storage_setting_is_read(production, url):
    production.setenv("CARECOORD_RATELIMIT_STORAGE_URL", url)
    assert load_config("production")["RATELIMIT_STORAGE_URI"] == url


@pytest.mark.parametrize("url", ["http://cache:6379", "cache.internal:6379", "memcached://x"])
def test_a_malformed_storage_setting_is_named(production, url):
    production.setenv("CARECOORD_RATELIMIT_STORAGE_URL", url)
    with pytest.raises(ConfigurationError, match=r"^CARECOORD_RATELIMIT_STORAGE_URL is malformed"):
        load_config("production")
