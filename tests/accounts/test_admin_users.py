"""Admin pages for users: create, edit, deactivate, set a password; sessions end at once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from carecoord.accounts.models import Region, User
from carecoord.extensions import db
from tests.accounts.conftest import asks_to_sign_in
from tests.conftest import PASSWORD, post

NEW_PASSWORD = "tulips under a violet harbour moon"
MESSAGE = "The e-mail address or password is incorrect."


def region_id(name: str) -> str:
    return str(db.session.scalar(select(Region.id).where(Region.name == name)))


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def admin(login_as, make_region):
    make_region("Rotterdam-Rijnmond")
    return login_as("admin")


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", email="coordinator@example.org", name="Anna de Vries")


def new_user_form(**changes: str) -> dict[str, str]:
    form = {
        "name": "Fatima el Amrani",
        "email": "Fatima.Amrani@Example.org",
        "role": "coordinator",
        "region": region_id("Rotterdam-Rijnmond"),
        "password": NEW_PASSWORD,
        "password_repeat": NEW_PASSWORD,
    }
    return form | changes


def edit_form(user: User, **changes: object) -> dict[str, object]:
    form = {"name": user.name, "role": user.role, "region": str(user.region_id), "active": "y"}
    return {key: value for key, value in (form | changes).items() if value is not None}


def test_the_user_list_shows_who_is_who(client, admin, coordinator):
    page = client.get("/admin/users/").get_data(as_text=True)
    for shown in ("Anna de Vries", "coordinator@example.org", "care coordinator", "never"):
        assert shown in page
    assert "$argon2" not in page


def test_an_admin_creates_a_user_who_can_then_sign_in(client, admin, browser, audit_entries):
    response = post(client, "/admin/users/new", new_user_form())
    assert response.status_code == 302
    assert response.location == "/admin/users/"
    user = db.session.scalar(select(User).where(User.email == "fatima.amrani@example.org"))
    assert (user.name, user.role, user.region.name) == (
        "Fatima el Amrani",
        "coordinator",
        "Rotterdam-Rijnmond",
    )
    assert user.password_hash.startswith("$argon2id$")
    last = audit_entries()[-1]
    assert (last.action, last.user_id, last.object_type, last.object_id) == (
        "create",
        admin.id,
        "users",
        str(user.id),
    )
    assert browser(user, NEW_PASSWORD).get("/").location == "/trajectories/"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Fill in this field."),
        ({"name": "x" * 101}, "Use at most 100 characters."),
        ({"name": "Fatima\x00"}, "Remove the control characters from this field."),
        ({"email": "fatima.example.org"}, "Enter an e-mail address like name@example.org."),
        ({"email": "a" * 250 + "@example.org"}, "Use at most 254 characters."),
        ({"email": "COORDINATOR@example.org"}, "A user with this e-mail address already exists."),
        ({"role": "superuser"}, "Choose one of the options."),
        ({"region": "999999"}, "Choose one of the options."),
        ({"region": "Rotterdam"}, "Choose one of the options."),
        ({"password": "too short", "password_repeat": "too short"}, "Use at least 15"),
        ({"password": "passwordpassword", "password_repeat": "passwordpassword"}, "too common"),
        ({"password_repeat": NEW_PASSWORD + "!"}, "The two passwords are not the same."),
        (
            {"password": "fatima.amrani rides far", "password_repeat": "fatima.amrani rides far"},
            "Do not use your name or e-mail address",
        ),
    ],
)
def test_bad_input_for_a_new_user_stores_nothing(client, admin, coordinator, changes, message):
    before = user_count()
    response = post(client, "/admin/users/new", new_user_form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count() == before


def test_missing_fields_store_nothing(client, admin):
    response = post(client, "/admin/users/new", {})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Fill in this field.") >= 4
    assert user_count() == 1


def test_a_name_change_keeps_her_session(client, admin, coordinator, browser, audit_entries):
    other = browser(coordinator)
    url = f"/admin/users/{coordinator.public_id}"
    assert post(client, url, edit_form(coordinator, name="Anna Jansen")).status_code == 302
    db.session.expire_all()
    assert coordinator.name == "Anna Jansen"
    assert other.get("/account").status_code == 200
    last = audit_entries()[-1]
    assert (last.action, last.detail, last.object_id) == (
        "update",
        "fields:name",
        str(coordinator.id),
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"role": "chain_director"}, "fields:role"),
        ({"region": "Rotterdam-Rijnmond"}, "fields:region"),
        ({"active": None}, "fields:active"),
    ],
)
def test_her_session_ends_at_once_when_role_region_or_active_changes(
    client, admin, coordinator, browser, audit_entries, changes, fields
):
    other = browser(coordinator)
    assert other.get("/account").status_code == 200
    if "region" in changes:
        changes = {"region": region_id(changes["region"])}
    url = f"/admin/users/{coordinator.public_id}"
    assert post(client, url, edit_form(coordinator, **changes)).status_code == 302
    assert asks_to_sign_in(other.get("/account"))
    assert audit_entries()[-1].detail == fields


def test_a_deactivated_user_cannot_sign_in_again(client, admin, coordinator):
    url = f"/admin/users/{coordinator.public_id}"
    post(client, url, edit_form(coordinator, active=None))
    db.session.expire_all()
    assert coordinator.active is False
    assert "inactive" in client.get("/admin/users/").get_data(as_text=True)
    post(client, "/sign-out")
    refused = post(client, "/sign-in", {"email": coordinator.email, "password": PASSWORD})
    assert MESSAGE in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Fill in this field."),
        ({"name": "y" * 101}, "Use at most 100 characters."),
        ({"role": "root"}, "Choose one of the options."),
        ({"region": "0"}, "Choose one of the options."),
        ({"region": None}, "Choose one of the options."),
    ],
)
def test_bad_input_on_the_edit_form_changes_nothing(client, admin, coordinator, changes, message):
    url = f"/admin/users/{coordinator.public_id}"
    response = post(client, url, edit_form(coordinator, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (coordinator.name, coordinator.role, coordinator.session_version) == (
        "Anna de Vries",
        "coordinator",
        1,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "coordinator"}, "You cannot change your own role"),
        ({"active": None}, "You cannot deactivate your own account"),
    ],
)
def test_an_admin_cannot_demote_or_deactivate_herself(client, admin, changes, message):
    url = f"/admin/users/{admin.public_id}"
    response = post(client, url, edit_form(admin, name="Someone Else", **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (admin.name, admin.role, admin.active) == ("Test Gebruiker", "admin", True)
    assert client.get("/admin/").status_code == 200


def test_an_admin_moving_herself_to_another_region_stays_signed_in(client, admin):
    url = f"/admin/users/{admin.public_id}"
    response = post(client, url, edit_form(admin, region=region_id("Rotterdam-Rijnmond")))
    assert response.status_code == 302
    page = client.get("/admin/users/")
    assert page.status_code == 200
    assert "The changes were saved." in page.get_data(as_text=True)
    db.session.expire_all()
    assert admin.region.name == "Rotterdam-Rijnmond"


def test_a_new_password_ends_her_sessions(client, admin, coordinator, browser, audit_entries):
    other = browser(coordinator)
    url = f"/admin/users/{coordinator.public_id}/password"
    data = {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}
    assert post(client, url, data).status_code == 302
    assert audit_entries()[-1].detail == "password_reset"
    assert asks_to_sign_in(other.get("/account"))
    db.session.expire_all()
    assert coordinator.password_hash.startswith("$argon2id$")
    assert browser(coordinator, NEW_PASSWORD).get("/account").status_code == 200


@pytest.mark.parametrize(
    ("password", "repeat", "message"),
    [
        ("too short", "too short", "Use at least 15 characters."),
        ("123456789012345", "123456789012345", "too common"),
        (NEW_PASSWORD, NEW_PASSWORD + ".", "The two passwords are not the same."),
        ("", "", "Fill in this field."),
    ],
)
def test_a_refused_new_password_changes_nothing(
    client, admin, coordinator, browser, password, repeat, message
):
    other = browser(coordinator)
    url = f"/admin/users/{coordinator.public_id}/password"
    response = post(client, url, {"password": password, "password_repeat": repeat})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert other.get("/account").status_code == 200


def test_an_admin_sets_her_own_password_only_on_her_account_page(client, admin):
    url = f"/admin/users/{admin.public_id}/password"
    response = post(client, url, {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert response.status_code == 422
    assert "Change your own password on your account page" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200


def test_an_unknown_user_is_404(client, admin):
    missing = "/admin/users/00000000-0000-4000-8000-000000000000"
    assert client.get(missing).status_code == 404
    assert client.get(missing + "/password").status_code == 404
