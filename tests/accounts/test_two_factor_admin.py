"""Resetting a user's two-factor sign-in (administrator) and new recovery codes (own account)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from carecoord.accounts import twofactor
from carecoord.accounts.models import RecoveryCode
from carecoord.extensions import db
from tests.accounts.conftest import asks_to_sign_in
from tests.accounts.twofactor_support import (
    ENROL_PATH,
    RECOVERY_CODES,
    code_step,
    is_signed_in,
    password_step,
)
from tests.conftest import post


@pytest.fixture
def admin(login_as):
    return login_as("admin")


@pytest.fixture
def coordinator(make_user):
    user = make_user("coordinator", email="maria.jansen@example.org")
    twofactor.new_recovery_codes(user, actor=user)
    db.session.commit()
    return user


def codes_of(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id)
    )


def reset_url(user) -> str:
    return f"/admin/users/{user.public_id}/two-factor-reset"


def test_the_user_page_shows_the_state_and_the_reset(client, admin, coordinator):
    page = client.get(f"/admin/users/{coordinator.public_id}").get_data(as_text=True)
    assert "Two-factor sign-in" in page
    assert "10 unused recovery codes." in page
    assert reset_url(coordinator) in page


def test_a_reset_clears_the_second_factor_ends_her_sessions_and_is_audited(
    app, client, admin, coordinator, browser, audit_entries
):
    hers = browser(coordinator)
    assert hers.get("/account").status_code == 200
    version = coordinator.session_version

    response = post(client, reset_url(coordinator), {"confirm": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    assert coordinator.totp_enabled_at is None
    assert coordinator._totp_secret is None
    assert coordinator.totp_last_counter is None
    assert codes_of(coordinator) == 0
    assert coordinator.session_version == version + 1
    assert asks_to_sign_in(hers.get("/account"))
    last = audit_entries()[-1]
    assert (last.action, last.outcome, last.user_id, last.object_id, last.detail) == (
        "two_factor",
        "success",
        admin.id,
        str(coordinator.id),
        "reset",
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "Two-factor sign-in was reset" in page
    assert "Not set up: the user sets it up at her next sign-in." in page
    # Her next sign-in goes to the enrolment, with a new secret.
    fresh = app.test_client()
    assert password_step(fresh, coordinator.email).location == ENROL_PATH


def test_a_reset_needs_the_confirmation(client, admin, coordinator, audit_entries):
    response = post(client, reset_url(coordinator), {})
    assert response.status_code == 422
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    db.session.expire_all()
    assert coordinator.totp_enabled_at is not None and codes_of(coordinator) == 10
    assert not [e for e in audit_entries() if e.action == "two_factor" and e.detail == "reset"]


def test_an_administrator_cannot_reset_her_own(client, admin):
    response = post(client, reset_url(admin), {"confirm": "y"})
    assert response.status_code == 422
    assert "You cannot reset your own two-factor sign-in" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.totp_enabled_at is not None
    assert is_signed_in(client)


def test_only_administrators_reset(client, login_as, make_user):
    other = make_user("coordinator")
    login_as("coordinator")
    assert post(client, reset_url(other), {"confirm": "y"}).status_code == 403
    db.session.expire_all()
    assert other.totp_enabled_at is not None


def test_a_reset_by_get_is_not_possible(client, admin, coordinator):
    assert client.get(reset_url(coordinator)).status_code == 405


def test_new_recovery_codes_replace_the_old_ones(client, sign_in, coordinator, audit_entries):
    sign_in(coordinator)
    old = set(db.session.scalars(select(RecoveryCode.code_hash)))
    page = client.get("/account").get_data(as_text=True)
    assert "You have 10 unused recovery codes." in page

    response = post(client, "/account/recovery-codes")

    assert response.status_code == 200
    codes = RECOVERY_CODES.findall(response.get_data(as_text=True))
    assert len(set(codes)) == 10
    new = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(new) == 10 and not new & old
    assert audit_entries()[-1].detail == "recovery_codes_created"
    post(client, "/sign-out")
    password_step(client, coordinator.email)
    assert code_step(client, codes[3]).status_code == 302


def test_the_command_line_resets_too(app, coordinator, audit_entries):
    result = app.test_cli_runner().invoke(
        args=["users", "reset-2fa", "--email", "Maria.Jansen@example.org"]
    )
    assert result.exit_code == 0, result.output
    assert "reset two-factor sign-in of maria.jansen@example.org" in result.output
    db.session.expire_all()
    assert coordinator.totp_enabled_at is None and codes_of(coordinator) == 0
    last = audit_entries()[-1]
    assert (last.action, last.user_id, last.detail) == ("two_factor", None, "reset")
    unknown = app.test_cli_runner().invoke(args=["users", "reset-2fa", "--email", "x@example.org"])
    assert unknown.exit_code != 0 and "no user with e-mail address" in unknown.output
