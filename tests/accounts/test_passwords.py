"""Password policy (ASVS 5.0 §6.2) and the own account page where a user changes hers."""

from __future__ import annotations

import pytest

from carecoord.accounts.passwords import password_problem
from carecoord.extensions import db
from tests.accounts.conftest import COOKIE, asks_to_sign_in, session_cookie
from tests.conftest import PASSWORD, post, sign_in_through_the_form

EMAIL = "maria.jansen@example.org"
PASSPHRASE = "tulips under a violet harbour moon"
# Exactly the maximum: 128 characters.
LONGEST = ("lantern river quietly folds " * 5)[:128]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("a" * 3 + "bcdefghijk1", "Use at least 15 characters."),
        ("correct horse1", "Use at least 15 characters."),
        (LONGEST + "q", "Use at most 128 characters."),
        ("passwordpassword", "This password is too common; choose another."),
        ("123456789012345", "This password is too common; choose another."),
        ("qwertyuiopasdfgh", "This password is too common; choose another."),
        ("aaaaaaaaaaaaaaaaaaaa", "This password is too easy to guess."),
        (
            "maria.jansen walks far today",
            "Do not use your name or e-mail address in your password.",
        ),
        ("MARIA.JANSEN@example.org!", "Do not use your name or e-mail address in your password."),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, message):
    assert password_problem(password, email=EMAIL, name="Maria Jansen") == message


@pytest.mark.parametrize(
    "password",
    [PASSPHRASE, LONGEST, "Zeventien ongelijke woorden", "🐙 octopus ink on wet paper"],
)
def test_long_passphrases_are_accepted(password):
    assert len(LONGEST) == 128
    assert password_problem(password, email=EMAIL, name="Maria Jansen") is None


def change(client, current: str, new: str, repeat: str | None = None):
    data = {
        "current_password": current,
        "new_password": new,
        "new_password_repeat": new if repeat is None else repeat,
    }
    return post(client, "/account/password", data)


@pytest.fixture
def maria(make_user, sign_in):
    user = make_user(email=EMAIL, name="Maria Jansen")
    sign_in(user)
    return user


def test_the_account_page_shows_name_role_and_region(client, login_as):
    login_as("chain_director", region="Rotterdam-Rijnmond")
    page = client.get("/account").get_data(as_text=True)
    for shown in ("Test Gebruiker", "chain director", "Rotterdam-Rijnmond"):
        assert shown in page
    assert "password_hash" not in page and "$argon2" not in page


def test_changing_the_password_ends_old_sessions_and_keeps_this_one(client, maria, browser):
    other = browser(maria)
    saved = session_cookie(client)
    old_hash = maria.password_hash
    response = change(client, PASSWORD, PASSPHRASE)
    assert response.status_code == 302
    assert response.location == "/account"
    page = client.get("/account").get_data(as_text=True)
    assert "Your password was changed." in page
    db.session.expire_all()
    assert maria.password_hash != old_hash
    assert maria.password_hash.startswith("$argon2id$")
    assert asks_to_sign_in(other.get("/account"))
    assert session_cookie(client) != saved
    client.set_cookie(COOKIE, saved)
    assert asks_to_sign_in(client.get("/account"))


def test_the_new_password_signs_in_and_the_old_one_does_not(client, maria):
    change(client, PASSWORD, PASSPHRASE)
    post(client, "/sign-out")
    old = post(client, "/sign-in", {"email": EMAIL, "password": PASSWORD})
    assert "The e-mail address or password is incorrect." in old.get_data(as_text=True)
    assert sign_in_through_the_form(client, EMAIL, PASSPHRASE).status_code == 302
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        (PASSWORD, "short and weak", None, "Use at least 15 characters."),
        (PASSWORD, LONGEST + "q", None, "Use at most 128 characters."),
        (PASSWORD, "passwordpassword", None, "This password is too common; choose another."),
        (PASSWORD, "123456789012345", None, "This password is too common; choose another."),
        (PASSWORD, "qwertyuiopasdfgh", None, "This password is too common; choose another."),
        (
            PASSWORD,
            "maria.jansen walks far today",
            None,
            "Do not use your name or e-mail address in your password.",
        ),
        (PASSWORD, PASSPHRASE, PASSPHRASE + "!", "The two passwords are not the same."),
        (PASSWORD, PASSWORD, None, "Choose a password that differs from the current one."),
        ("not my password at all", PASSPHRASE, None, "The current password is incorrect."),
        ("", PASSPHRASE, None, "Fill in this field."),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(
    client, maria, current, new, repeat, message
):
    old_hash, old_version = maria.password_hash, maria.session_version
    response = change(client, current, new, repeat)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (maria.password_hash, maria.session_version) == (old_hash, old_version)
    assert client.get("/account").status_code == 200


def test_a_wrong_current_password_is_audited(client, maria, audit_entries):
    change(client, "not my password at all", PASSPHRASE)
    last = audit_entries()[-1]
    assert (last.action, last.outcome, last.detail) == (
        "update",
        "failed",
        "password_change_refused",
    )
    assert last.user_id == maria.id


def test_a_change_is_audited_without_the_password(client, maria, audit_entries):
    change(client, PASSWORD, PASSPHRASE)
    last = audit_entries()[-1]
    assert (last.action, last.outcome, last.detail) == ("update", "success", "password_changed")
    assert (last.object_type, last.object_id) == ("users", str(maria.id))
    assert all(PASSPHRASE not in str(e.detail) for e in audit_entries())


def test_the_password_form_is_post_only_with_a_token(client, maria):
    assert client.get("/account/password").status_code == 405
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": PASSPHRASE,
            "new_password_repeat": PASSPHRASE,
        },
    )
    assert response.status_code == 400
    old = maria.password_hash
    db.session.expire_all()
    assert maria.password_hash == old
