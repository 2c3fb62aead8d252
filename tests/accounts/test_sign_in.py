"""Sign-in and sign-out as an attacker sees them: one message, safe `next`, no reusable cookie."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from carecoord.audit.models import AuditEntry
from carecoord.extensions import db
from tests.accounts.conftest import COOKIE, asks_to_sign_in, session_cookie
from tests.conftest import PASSWORD, csrf_token, post, sign_in_through_the_form

MESSAGE = "The e-mail address or password is incorrect."
WRONG = "wrong horse battery staple 42"
EMAIL = "maria.jansen@example.org"
TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*')
# The sign-in form's field (the language switch has a `next` of its own, without an id).
HIDDEN_NEXT = re.compile(r'<input id="next" name="next" type="hidden" value="([^"]*)"')


def attempt(client, email: str, password: str, **extra: str):
    """The password step alone (nobody is signed in until the second factor)."""
    return post(client, "/sign-in", {"email": email, "password": password, **extra})


def complete(client, email: str, password: str, **extra: str):
    """Both steps: the password, then the code of the app."""
    return sign_in_through_the_form(client, email, password, **extra)


def failure_page(client, email: str, password: str) -> tuple[int, str]:
    """The failure page as the attacker sees it, less the (per-request) CSRF token."""
    response = attempt(client, email, password)
    return response.status_code, TOKEN.sub(r"\1", response.get_data(as_text=True))


def test_unknown_address_and_wrong_password_give_the_same_page(client, make_user):
    unknown = failure_page(client, EMAIL, WRONG)
    make_user(email=EMAIL)
    wrong = failure_page(client, EMAIL, WRONG)
    assert MESSAGE in unknown[1]
    assert wrong == unknown


def test_an_inactive_user_gets_the_same_page_even_with_her_password(client, make_user):
    unknown = failure_page(client, EMAIL, PASSWORD)
    user = make_user(email=EMAIL)
    user.active = False
    db.session.commit()
    assert failure_page(client, EMAIL, PASSWORD) == unknown
    assert asks_to_sign_in(client.get("/account"))


def test_the_address_is_matched_whatever_its_case_and_spaces(client, make_user):
    make_user(email=EMAIL)
    assert complete(client, "  Maria.Jansen@Example.ORG ", PASSWORD).status_code == 302
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("maria\x00@example.org", WRONG, "Remove the control characters from this field."),
        ("", WRONG, "Fill in this field."),
        (EMAIL, "", "Fill in this field."),
        ("m" * 255, WRONG, "Use at most 254 characters."),
    ],
)
def test_malformed_input_is_422_and_not_an_attempt(client, audit_entries, email, password, message):
    response = attempt(client, email, password)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert [e for e in audit_entries() if e.action == "sign_in"] == []


def test_a_local_next_is_followed(client, make_user):
    make_user(email=EMAIL)
    response = complete(client, EMAIL, PASSWORD, next="/providers/?page=2")
    assert response.status_code == 302
    assert response.location == "/providers/?page=2"


def test_the_page_asked_for_before_signing_in_is_shown_after(client, make_user):
    make_user(email=EMAIL)
    refused = client.get("/account")
    assert asks_to_sign_in(refused)
    page = client.get(refused.location).get_data(as_text=True)
    found = HIDDEN_NEXT.search(page)
    assert found is not None
    target = found.group(1)
    assert complete(client, EMAIL, PASSWORD, next=target).location == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "/account\r\nLocation: https://evil.example",
        "/account\nSet-Cookie: planted=1",
        "///evil.example",
        " //evil.example",
    ],
)
def test_a_foreign_next_lands_on_the_home_page(client, make_user, target):
    make_user(email=EMAIL)
    response = complete(client, EMAIL, PASSWORD, next=target)
    assert response.status_code == 302
    assert response.location == "/"
    assert "evil" not in response.headers.get("Set-Cookie", "")


def test_signing_in_starts_a_new_session(client, make_user):
    make_user(email=EMAIL)
    token = csrf_token(client)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = session_cookie(client)
    response = client.post(
        "/sign-in", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert session_cookie(client) not in (None, before)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_the_language_survives_signing_in(client, make_user):
    make_user(email=EMAIL)
    post(client, "/language", {"language": "en", "next": "/sign-in"})
    complete(client, EMAIL, PASSWORD)
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)


def test_after_signing_out_the_old_cookie_is_useless(client, make_user, sign_in):
    sign_in(make_user(email=EMAIL))
    assert client.get("/account").status_code == 200
    saved = session_cookie(client)
    response = post(client, "/sign-out")
    assert asks_to_sign_in(response)
    client.set_cookie(COOKIE, saved)
    assert asks_to_sign_in(client.get("/account"))


def test_signing_out_ends_the_other_browsers_too(client, make_user, sign_in, browser):
    user = make_user(email=EMAIL)
    other = browser(user)
    sign_in(user)
    post(client, "/sign-out")
    assert asks_to_sign_in(other.get("/account"))


def test_sign_out_is_not_possible_by_get(client, make_user, sign_in):
    sign_in(make_user(email=EMAIL))
    assert client.get("/sign-out").status_code == 405
    assert client.get("/account").status_code == 200


def test_sign_ins_are_audited_without_the_password(client, make_user, audit_entries):
    user = make_user(email=EMAIL)
    attempt(client, EMAIL, WRONG)
    attempt(client, "nobody@example.org", WRONG)
    complete(client, EMAIL, PASSWORD)
    entries = [
        (e.action, e.outcome, e.user_id, e.object_id, e.detail)
        for e in audit_entries()
        if e.action == "sign_in"
    ]
    assert entries == [
        ("sign_in", "failed", None, str(user.id), "wrong_password"),
        ("sign_in", "failed", None, None, "unknown_account"),
        # The password alone signs nobody in (no actor); the second factor completes it.
        ("sign_in", "success", None, str(user.id), "password_ok"),
        ("sign_in", "success", user.id, str(user.id), "totp"),
    ]
    stored = " ".join(
        str(value) for row in db.session.execute(select(AuditEntry.__table__)) for value in row
    )
    for secret in (PASSWORD, WRONG, PASSWORD.replace(" ", "")):
        assert secret not in stored


def test_a_successful_sign_in_is_shown_as_the_last_sign_in(client, make_user):
    user = make_user(email=EMAIL)
    assert user.last_sign_in_at is None
    attempt(client, EMAIL, PASSWORD)
    db.session.expire_all()
    assert user.last_sign_in_at is None  # the password alone is not a sign-in
    complete(client, EMAIL, PASSWORD)
    db.session.expire_all()
    assert user.last_sign_in_at is not None
