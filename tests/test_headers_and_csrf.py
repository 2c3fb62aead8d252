"""Security headers on every page, and no state change without a valid CSRF token."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from carecoord.accounts.models import User
from carecoord.extensions import db
from tests.conftest import PASSWORD, csrf_token, post


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_page_headers(response) -> None:
    headers = response.headers
    policy = directives(headers["Content-Security-Policy"])
    for name in ("default-src", "script-src", "style-src"):
        assert "'unsafe-inline'" not in policy.get(name, []), name
        assert "'unsafe-eval'" not in policy.get(name, []), name
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # only in production


def test_sign_in_page_headers(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert_page_headers(response)


def test_client_file_headers(client, login_as, make_trajectory):
    t = make_trajectory(name="Ana Popescu")
    login_as("coordinator")
    response = client.get(f"/trajectories/{t.public_id}")
    assert response.status_code == 200
    assert "Ana Popescu" in response.get_data(as_text=True)
    assert_page_headers(response)


@pytest.mark.parametrize("path", ["/no-such-page", "/trajectories/not-a-uuid"])
def test_error_pages_have_the_same_headers(client, login_as, path):
    login_as("coordinator")
    response = client.get(path)
    assert response.status_code == 404
    assert_page_headers(response)


def test_redirects_are_not_cached(client):
    response = client.get("/trajectories/")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(client, login_as, make_trajectory):
    t = make_trajectory()
    login_as("coordinator")
    for path in ("/sign-in", "/trajectories/", f"/trajectories/{t.public_id}"):
        page = client.get(path).get_data(as_text=True).lower()
        assert "<script>" not in page and "<style" not in page and " style=" not in page, path
        assert " onclick=" not in page and "javascript:" not in page, path


def signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and not response.location.startswith("/sign-in")


def test_sign_in_without_token_is_refused(client, make_user, audit_entries):
    user = make_user("coordinator")
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not signed_in(client)
    assert [e for e in audit_entries() if e.action == "sign_in"] == []
    db.session.expire_all()
    assert db.session.get(User, user.id).last_sign_in_at is None


def test_sign_in_with_another_sessions_token_is_refused(app, client, make_user):
    user = make_user("coordinator")
    stranger = app.test_client()
    token = csrf_token(stranger)
    client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 400
    assert not signed_in(client)


def test_language_switch_without_token_is_refused(dutch, client):
    client.get("/sign-in")
    response = client.post("/language", data={"language": "en", "next": "/sign-in"})
    assert response.status_code == 400
    assert '<html lang="nl">' in client.get("/sign-in").get_data(as_text=True)
    # The same switch with the token works, so the refusal above was the token's doing.
    assert post(client, "/language", {"language": "en", "next": "/sign-in"}).status_code == 302
    assert '<html lang="en">' in client.get("/sign-in").get_data(as_text=True)


def test_sign_out_without_token_is_refused(client, login_as, audit_entries):
    user = login_as("coordinator")
    response = client.post("/sign-out")
    assert response.status_code == 400
    assert signed_in(client)
    db.session.expire_all()
    assert db.session.scalar(select(User.session_version).where(User.id == user.id)) == 1
    assert [e for e in audit_entries() if e.action == "sign_out"] == []
    assert post(client, "/sign-out").status_code == 302
    assert not signed_in(client)
