"""Idle and absolute session timeouts, the session cookie's flags, and a new session at sign-in."""

from __future__ import annotations

import base64
import os
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from carecoord import create_app
from carecoord.accounts.models import User
from carecoord.extensions import db
from config import ConfigurationError, load_config
from tests.accounts.session_helpers import COOKIE, START, install_clock, timeout_entries
from tests.conftest import PASSWORD, RequestIsolatedClient, post
from tests.trajectories.closure_helpers import url


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch)


@pytest.fixture
def coordinator(clock, login_as) -> User:
    return login_as("coordinator")


def sends_to_sign_in(response, then: str | None = None) -> bool:
    if response.status_code != 302 or not response.location.startswith("/sign-in"):
        return False
    query = parse_qs(urlsplit(response.location).query)
    return query.get("next") == ([then] if then else None)


def test_an_idle_session_ends_and_the_page_is_not_served(
    client, coordinator, clock, make_trajectory, audit_entries
):
    t = make_trajectory(name="Anna Idle")
    assert client.get(url(t)).status_code == 200
    views_before = [e for e in audit_entries() if e.action == "view"]

    clock.advance(minutes=15, seconds=1)
    response = client.get(url(t))

    assert sends_to_sign_in(response, then=url(t))
    assert "Anna Idle" not in response.get_data(as_text=True)
    assert [e for e in audit_entries() if e.action == "view"] == views_before
    [entry] = timeout_entries()
    assert (entry.detail, entry.user_id, entry.outcome) == (
        "idle_timeout",
        coordinator.id,
        "success",
    )
    sign_in_page = client.get(response.location).get_data(as_text=True)
    assert "Your session has expired: you were inactive for more than 15 minutes." in sign_in_page
    # The session is gone, not just this one page: the next request is anonymous too.
    assert sends_to_sign_in(client.get(url(t)), then=url(t))
    assert len(timeout_entries()) == 1


def test_the_query_of_the_page_survives_the_detour_through_sign_in(client, coordinator, clock):
    clock.advance(minutes=20)
    assert sends_to_sign_in(client.get("/providers/?region=GV"), then="/providers/?region=GV")


def test_activity_within_the_idle_time_keeps_the_session(client, coordinator, clock):
    for _ in range(6):
        clock.advance(minutes=14)
        assert client.get("/account").status_code == 200
    clock.advance(minutes=15)  # exactly the idle time is still allowed
    assert client.get("/account").status_code == 200
    assert timeout_entries() == []


def test_the_absolute_timeout_ends_even_an_active_session(client, coordinator, clock):
    for _ in range(47):
        clock.advance(minutes=10)
        assert client.get("/account").status_code == 200
    clock.advance(minutes=10)  # 8 h 0 min since sign-in: still allowed
    assert client.get("/account").status_code == 200

    clock.advance(seconds=1)
    response = client.get("/account")

    assert sends_to_sign_in(response, then="/account")
    assert [e.detail for e in timeout_entries()] == ["absolute_timeout"]
    page = client.get(response.location).get_data(as_text=True)
    assert "you were signed in for more than 8 hours" in page


def test_the_timeouts_follow_the_configuration(app, client, coordinator, clock):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_ABSOLUTE_HOURS=1)
    try:
        clock.advance(minutes=4)
        assert client.get("/account").status_code == 200
        clock.advance(minutes=6)
        assert sends_to_sign_in(client.get("/account"), then="/account")
        assert [e.detail for e in timeout_entries()] == ["idle_timeout"]
    finally:
        app.config.update(SESSION_IDLE_MINUTES=15, SESSION_ABSOLUTE_HOURS=8)


def test_a_signed_in_cookie_without_a_start_counts_as_expired(client, coordinator, clock):
    with client.session_transaction() as session:
        del session["started_at"]

    assert sends_to_sign_in(client.get("/account"), then="/account")
    assert [e.detail for e in timeout_entries()] == ["absolute_timeout"]


def test_static_files_neither_expire_nor_refresh_the_session(client, coordinator, clock):
    clock.advance(minutes=30)
    with client.get("/static/carecoord.css") as response:
        assert response.status_code == 200
    assert timeout_entries() == []
    assert sends_to_sign_in(client.get("/account"), then="/account")
    assert len(timeout_entries()) == 1


def test_an_idle_timeout_here_leaves_the_users_other_session_alone(
    app, client, coordinator, clock, sign_in
):
    laptop = RequestIsolatedClient(app, app.response_class, use_cookies=True)
    laptop.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    client.delete_cookie(COOKIE)
    sign_in(coordinator)  # a second, separate sign-in in this browser
    version = coordinator.session_version

    clock.advance(minutes=10)
    assert laptop.get("/account").status_code == 200
    clock.advance(minutes=10)

    assert sends_to_sign_in(client.get("/account"), then="/account")
    assert laptop.get("/account").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).session_version == version


def test_signing_out_after_expiry_just_goes_to_the_sign_in_page(client, coordinator, clock):
    token = _csrf_token_of(client)
    clock.advance(minutes=16)

    response = client.post("/sign-out", data={"csrf_token": token})

    assert sends_to_sign_in(response)
    assert [e.detail for e in timeout_entries()] == ["idle_timeout"]


def _csrf_token_of(client: FlaskClient) -> str:
    page = client.get("/account").get_data(as_text=True)
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


# The session cookie and a new session at sign-in


def cookie_attributes(response) -> list[str]:
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "=")]
    return [part.strip() for part in header.split(";")]


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    attributes = cookie_attributes(client.get("/sign-in"))
    assert "HttpOnly" in attributes
    assert "SameSite=Lax" in attributes
    assert "Secure" not in attributes  # tests run over plain http, like development


KEY = base64.urlsafe_b64encode(b"\x07" * 32).decode().rstrip("=")
PRODUCTION = {
    "CARECOORD_DATABASE_URL": "sqlite://",
    "CARECOORD_SECRET_KEY": "s" * 48,
    "CARECOORD_DATA_KEYS": f"k2026-a:{KEY}",
    "CARECOORD_BLIND_INDEX_KEY": KEY,
    "CARECOORD_PSEUDONYM_KEY": KEY,
}


@pytest.fixture
def production_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("CARECOORD_"):
            monkeypatch.delenv(name)
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_in_production_the_session_cookie_is_also_secure(production_environment):
    app = create_app(env="production")
    with app.test_client() as browser:
        attributes = cookie_attributes(browser.get("/sign-in", base_url="https://localhost"))
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= set(attributes)


def test_signing_in_starts_a_new_session(client, make_user, sign_in, clock):
    user = make_user("coordinator")
    with client.session_transaction() as session:
        session["planted"] = "fixation"
        session["language"] = "en"
    before = client.get_cookie(COOKIE).value

    clock.advance(minutes=3)
    sign_in(user)

    assert client.get_cookie(COOKIE).value != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["language"] == "en"
        assert session["started_at"] == START + 180
        assert session["last_seen"] >= START + 180


# Configuration


@pytest.fixture
def environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("CARECOORD_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_the_default_timeouts_are_15_minutes_and_8_hours(environment):
    cfg = load_config("test")
    assert (cfg["SESSION_IDLE_MINUTES"], cfg["SESSION_ABSOLUTE_HOURS"]) == (15, 8)
    assert cfg["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=8)


def test_the_timeouts_come_from_the_environment(environment):
    environment.setenv("CARECOORD_SESSION_IDLE_MINUTES", "30")
    environment.setenv("CARECOORD_SESSION_ABSOLUTE_HOURS", "10")
    cfg = load_config("test")
    assert (cfg["SESSION_IDLE_MINUTES"], cfg["SESSION_ABSOLUTE_HOURS"]) == (30, 10)
    assert cfg["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=10)


MALFORMED = ["0", "-5", "abc", "1.5", "²", " ", "9" * 40]


@pytest.mark.parametrize(
    ("setting", "value"),
    [("CARECOORD_SESSION_IDLE_MINUTES", v) for v in MALFORMED]
    + [("CARECOORD_SESSION_ABSOLUTE_HOURS", v) for v in [*MALFORMED, "25"]],
)
def test_a_malformed_timeout_is_refused_naming_the_setting(environment, setting, value):
    environment.setenv(setting, value)
    with pytest.raises(ConfigurationError, match=f"^{setting} is malformed"):
        load_config("test")


def test_the_idle_timeout_cannot_exceed_the_absolute_one(environment):
    environment.setenv("CARECOORD_SESSION_IDLE_MINUTES", "121")
    environment.setenv("CARECOORD_SESSION_ABSOLUTE_HOURS", "2")
    with pytest.raises(
        ConfigurationError,
        match=r"^CARECOORD_SESSION_IDLE_MINUTES is malformed: the idle timeout cannot",
    ):
        load_config("test")
    environment.setenv("CARECOORD_SESSION_IDLE_MINUTES", "120")
    assert load_config("test")["SESSION_IDLE_MINUTES"] == 120


def test_changing_the_password_does_not_push_the_absolute_timeout_back(client, coordinator, clock):
    with client.session_transaction() as session:
        session["started_at"] -= 7 * 3600
        started = session["started_at"]
    new = "een geheel nieuwe wachtzin voor de test"
    response = post(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "new_password_repeat": new},
    )
    assert response.status_code == 302

    with client.session_transaction() as session:
        assert session["started_at"] == started
    clock.advance(hours=1, seconds=1)
    assert sends_to_sign_in(client.get("/account"), then="/account")
    assert [e.detail for e in timeout_entries()] == ["absolute_timeout"]
