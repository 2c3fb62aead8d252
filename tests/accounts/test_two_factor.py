"""Two-factor sign-in as a user and an attacker see it: enrolment, codes accepted once,
recovery codes, nothing signed in after the password alone, nothing secret stored in clear."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from carecoord.accounts.guards import PUBLIC_ENDPOINTS
from carecoord.accounts.models import RecoveryCode
from carecoord.extensions import db
from tests.accounts.conftest import asks_to_sign_in
from tests.accounts.twofactor_support import (
    CODE_PATH,
    ENROL_PATH,
    WRONG_CODE_MESSAGE,
    code_at,
    code_step,
    enrol,
    enrolment_secret,
    is_signed_in,
    is_signed_out,
    password_step,
    pin_clock,
    readable_session,
    wrong_code,
)
from tests.conftest import post

BASE32_SECRET = re.compile(r"^[A-Z2-7]{32}$")


def stored_text(*tables) -> str:
    """Every value of every row of `tables`, as a leaked database dump would show them."""
    values = []
    for table in tables:
        for row in db.session.execute(select(table)):
            for value in row:
                values.append(value.decode("latin-1") if isinstance(value, bytes) else str(value))
    return "\n".join(values)


def all_tables():
    return list(db.metadata.sorted_tables)


def test_enrolment_shows_a_qr_code_and_the_secret_and_refuses_a_wrong_code(
    app, client, make_user, audit_entries, monkeypatch
):
    user = make_user(two_factor=False)
    counter = pin_clock(monkeypatch)
    assert password_step(client, user.email).location == ENROL_PATH
    page = client.get(ENROL_PATH).get_data(as_text=True)
    assert re.search(r'<svg viewBox="[0-9 ]+" class="qr-code"><path [^>]*d="M', page)
    assert "<script" not in page.lower() and " style=" not in page.lower()
    secret = enrolment_secret(client)
    assert BASE32_SECRET.match(secret)
    assert re.search(r'id="secret-key">[A-Z2-7]{4}( [A-Z2-7]{4}){7}<', page)  # grouped by 4
    # The session cookie is signed, not encrypted: the secret being set up is not readable in it.
    assert secret not in readable_session(client)

    refused = code_step(client, wrong_code(secret, counter), ENROL_PATH)

    assert refused.status_code == 422
    assert WRONG_CODE_MESSAGE in refused.get_data(as_text=True)
    db.session.expire_all()
    assert user.totp_enabled_at is None and user._totp_secret is None
    assert is_signed_out(client)
    last = audit_entries()[-1]
    assert (last.action, last.outcome, last.detail) == (
        "two_factor",
        "failed",
        "enrolment_wrong_code",
    )


def test_enrolment_with_a_right_code_stores_the_secret_and_shows_ten_recovery_codes_once(
    client, make_user, audit_entries, monkeypatch
):
    user = make_user(two_factor=False)
    codes = enrol(client, user, monkeypatch)

    assert len(codes) == len(set(codes)) == 10
    assert is_signed_in(client)
    db.session.expire_all()
    assert user.totp_enabled_at is not None
    assert BASE32_SECRET.match(user.totp_secret)
    assert db.session.scalar(select(db.func.count()).select_from(RecoveryCode)) == 10
    details = [(e.action, e.detail) for e in audit_entries()]
    assert ("two_factor", "enrolled") in details
    assert ("two_factor", "recovery_codes_created") in details
    assert details[-1] == ("sign_in", "enrolled")
    # Shown once: no page shows them again.
    for path in ("/account", ENROL_PATH, "/"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert not any(code in page for code in codes)


def test_the_enrolment_secret_is_the_one_the_code_proved(client, make_user, monkeypatch):
    user = make_user(two_factor=False)
    counter = pin_clock(monkeypatch)
    password_step(client, user.email)
    secret = enrolment_secret(client)
    assert enrolment_secret(client) == secret  # a reload keeps the QR code the phone scanned
    code_step(client, code_at(secret, counter), ENROL_PATH)
    db.session.expire_all()
    assert user.totp_secret == secret


def test_the_totp_secret_is_stored_encrypted(client, make_user, monkeypatch):
    user = make_user(two_factor=False)
    enrol(client, user, monkeypatch)
    db.session.expire_all()
    secret = user.totp_secret
    assert BASE32_SECRET.match(secret)
    dump = stored_text(*all_tables())
    assert secret not in dump and secret.lower() not in dump


def test_the_password_alone_signs_nobody_in(app, client, make_user):
    user = make_user("admin")
    assert password_step(client, user.email).location == CODE_PATH
    pages = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in PUBLIC_ENDPOINTS
    ]
    assert "/account" in pages and "/admin/" in pages
    for path in pages:
        assert asks_to_sign_in(client.get(path)), path
    assert "_user_id" not in readable_session(client)


@pytest.mark.parametrize("path", [CODE_PATH, ENROL_PATH])
def test_the_second_step_cannot_be_reached_without_the_password(
    client, make_user, monkeypatch, path
):
    user = make_user(two_factor=path == CODE_PATH)
    counter = pin_clock(monkeypatch)
    assert asks_to_sign_in(client.get(path))
    code = code_at(user.totp_secret, counter) if user.totp_secret else "123456"
    response = code_step(client, code, path)
    assert asks_to_sign_in(response)
    assert is_signed_out(client)


def test_the_pending_step_expires(client, make_user, monkeypatch):
    user = make_user()
    counter = pin_clock(monkeypatch)
    password_step(client, user.email)
    with client.session_transaction() as session:
        session["pending_sign_in"] = {**session["pending_sign_in"]}
        session["pending_sign_in"]["at"] -= 301

    response = code_step(client, code_at(user.totp_secret, counter))

    assert asks_to_sign_in(response)
    page = client.get(response.location).get_data(as_text=True)
    assert "Sign in again: the sign-in was not started or took too long." in page
    assert is_signed_out(client)
    # The code was not used up: it still works after the password again.
    password_step(client, user.email)
    assert code_step(client, code_at(user.totp_secret, counter)).status_code == 302
    assert is_signed_in(client)


def test_a_session_version_bump_voids_the_pending_step(client, make_user, monkeypatch):
    user = make_user()
    counter = pin_clock(monkeypatch)
    password_step(client, user.email)
    user.session_version += 1  # e.g. an administrator reset her password in between
    db.session.commit()
    assert asks_to_sign_in(code_step(client, code_at(user.totp_secret, counter)))
    assert is_signed_out(client)


def test_a_code_is_accepted_once_and_no_older_one_after_it(
    client, make_user, audit_entries, monkeypatch
):
    user = make_user()
    counter = pin_clock(monkeypatch)
    secret = user.totp_secret
    password_step(client, user.email)
    assert code_step(client, code_at(secret, counter)).status_code == 302
    post(client, "/sign-out")

    password_step(client, user.email)
    replay = code_step(client, code_at(secret, counter))
    older = code_step(client, code_at(secret, counter - 1))  # within the drift, but older

    for refused in (replay, older):
        assert refused.status_code == 422
        assert WRONG_CODE_MESSAGE in refused.get_data(as_text=True)
    assert is_signed_out(client)
    failures = [e.detail for e in audit_entries() if e.action == "two_factor"]
    assert failures == ["replayed_code", "replayed_code"]
    # The next step (a phone clock 30 s ahead) is still accepted, once.
    assert code_step(client, code_at(secret, counter + 1)).status_code == 302
    db.session.expire_all()
    assert user.totp_last_counter == counter + 1


def test_codes_outside_the_drift_are_refused(client, make_user, monkeypatch):
    user = make_user()
    counter = pin_clock(monkeypatch)
    password_step(client, user.email)
    for step in (counter - 2, counter + 2):
        assert code_step(client, code_at(user.totp_secret, step)).status_code == 422
    assert code_step(client, code_at(user.totp_secret, counter)).status_code == 302


def test_recovery_codes_work_once_each_and_are_stored_hashed(
    client, make_user, audit_entries, monkeypatch
):
    user = make_user(two_factor=False)
    codes = enrol(client, user, monkeypatch)
    dump = stored_text(*all_tables())
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
        assert code.upper() not in dump
    for code in codes:
        post(client, "/sign-out")
        password_step(client, user.email)
        # As typed from paper: upper case, spaces instead of hyphens.
        assert code_step(client, code.upper().replace("-", " ")).status_code == 302, code
        assert is_signed_in(client)
        post(client, "/sign-out")
        password_step(client, user.email)
        reused = code_step(client, code)
        assert reused.status_code == 422
        assert WRONG_CODE_MESSAGE in reused.get_data(as_text=True)
    db.session.expire_all()
    assert all(row.used_at is not None for row in db.session.scalars(select(RecoveryCode)))
    details = [e.detail for e in audit_entries() if e.action == "two_factor"]
    assert details.count("recovery_code_used") == 10
    assert details.count("wrong_recovery_code") == 10


def test_another_users_recovery_code_does_not_work(client, make_user, monkeypatch):
    maria = make_user(two_factor=False)
    codes = enrol(client, maria, monkeypatch)
    post(client, "/sign-out")
    other = make_user()
    password_step(client, other.email)
    assert code_step(client, codes[0]).status_code == 422
    assert is_signed_out(client)


def test_sign_in_pages_have_no_inline_script_or_style(client, make_user, monkeypatch):
    user = make_user(two_factor=False)
    counter = pin_clock(monkeypatch)
    password_step(client, user.email)
    pages = [client.get(ENROL_PATH)]
    secret = enrolment_secret(client)
    pages.append(code_step(client, code_at(secret, counter), ENROL_PATH))
    post(client, "/sign-out")
    password_step(client, user.email)
    pages.append(client.get(CODE_PATH))
    for response in pages:
        page = response.get_data(as_text=True).lower()
        assert response.status_code == 200
        assert "<script" not in page and "<style" not in page and " style=" not in page
        assert " onclick=" not in page and "javascript:" not in page


def test_a_signed_in_user_is_sent_home_from_the_second_step(client, login_as):
    login_as("coordinator")
    for path in (CODE_PATH, ENROL_PATH):
        response = client.get(path)
        assert response.status_code == 302 and response.location == "/"
