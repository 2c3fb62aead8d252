"""Only an admin reaches the admin pages; every state change needs the CSRF token."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Flask
from sqlalchemy import select

from carecoord.accounts.models import Municipality, Region, User
from carecoord.extensions import db
from tests.accounts.conftest import asks_to_sign_in
from tests.conftest import PASSWORD, post

# `<uuid:public_id>`, `<int:region_id>`: the converter names which placeholder fits.
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
PLACEHOLDERS = {"uuid": lambda: uuid.uuid4(), "int": lambda: 1}


def admin_urls(app: Flask) -> list[tuple[str, str]]:
    """(method, URL) of every admin endpoint, with placeholder values in the path."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        values = {name: PLACEHOLDERS[kind]() for kind, name in ARGUMENT.findall(rule.rule)}
        url = adapter.build(rule.endpoint, values)
        found += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    return found


STORED = (
    (User.email, User.name, User.role, User.region_id, User.active, User.password_hash),
    (User.email, User.session_version),
    (Region.name, Region.code),
    (Municipality.cbs_code, Municipality.name, Municipality.region_id, Municipality.active),
)


def snapshot() -> tuple:
    """Everything an admin form can change, in a stable order."""
    db.session.expire_all()
    return tuple(sorted(tuple(row) for row in db.session.execute(select(*c))) for c in STORED)


def test_the_sweep_covers_every_admin_page(app):
    urls = admin_urls(app)
    assert ("GET", "/admin/") in urls
    assert ("POST", "/admin/users/new") in urls
    assert len({url for _, url in urls}) >= 10
    assert all("<" not in url for _, url in urls)


@pytest.mark.parametrize("role", ["coordinator", "chain_director"])
def test_every_admin_page_is_403_for_other_roles(app, client, login_as, role):
    login_as(role)
    before = snapshot()
    for method, url in admin_urls(app):
        if method == "GET":
            response = client.get(url)
        else:
            response = post(client, url, {"name": "Mallory", "code": "XX", "active": "y"})
        assert response.status_code == 403, (method, url)
    assert snapshot() == before


def test_every_admin_page_asks_a_stranger_to_sign_in(app, client):
    for method, url in admin_urls(app):
        response = client.get(url) if method == "GET" else post(client, url, {"name": "x"})
        assert asks_to_sign_in(response), (method, url)


def test_an_admin_index_links_to_each_admin_list(client, login_as):
    login_as("admin")
    page = client.get("/admin/").get_data(as_text=True)
    for url in ("/admin/users/", "/admin/regions/", "/admin/municipalities/"):
        assert f'href="{url}"' in page
    assert 'class="sub-nav"' in page and 'aria-current="page"' in page


def test_the_account_page_is_for_every_role(client, make_user, sign_in):
    for role in ("coordinator", "chain_director", "admin"):
        user = make_user(role)
        sign_in(user)
        assert client.get("/account").status_code == 200
        post(client, "/sign-out")


@pytest.fixture
def admin(login_as, make_region):
    make_region("Rotterdam-Rijnmond")
    return login_as("admin")


def forms(admin: User) -> list[tuple[str, dict]]:
    gooi = db.session.scalar(select(Region).where(Region.name == "Gooi en Vechtstreek"))
    other = User(
        email="other@example.org", name="Other", role="coordinator", region=gooi, password_hash="x"
    )
    db.session.add(other)
    db.session.commit()
    password = {"password": "tulips under a violet harbour moon"} | {
        "password_repeat": "tulips under a violet harbour moon"
    }
    return [
        (
            "/admin/users/new",
            {"name": "New", "email": "new@example.org", "role": "admin", "region": str(gooi.id)}
            | password,
        ),
        (
            f"/admin/users/{other.public_id}",
            {"name": "Renamed", "role": "admin", "region": str(gooi.id)},
        ),
        (f"/admin/users/{other.public_id}/password", password),
        ("/admin/regions/new", {"name": "Midden-Nederland", "code": "MN"}),
        (f"/admin/regions/{gooi.id}", {"name": "Renamed", "code": "RN"}),
        (
            "/admin/municipalities/new",
            {"name": "Utrecht", "cbs_code": "GM0344", "region": str(gooi.id)},
        ),
        (
            f"/admin/municipalities/{gooi.municipalities[0].id}",
            {"name": "Renamed", "cbs_code": "GM0402", "region": str(gooi.id)},
        ),
    ]


def test_a_post_without_the_csrf_token_is_400_and_changes_nothing(client, admin):
    for url, data in forms(admin):
        before = snapshot()
        for token in ({}, {"csrf_token": "forged"}):
            response = client.post(url, data=data | token)
            assert response.status_code == 400, url
            assert snapshot() == before, url


def test_the_same_posts_with_the_token_do_change_something(client, admin):
    """The counterpart of the test above: the forms there are valid, only the token lacks."""
    for url, data in forms(admin):
        before = snapshot()
        response = post(client, url, data)
        assert response.status_code == 302, url
        assert snapshot() != before, url


def test_admin_pages_are_not_cached(client, admin):
    assert client.get("/admin/users/").headers["Cache-Control"] == "no-store"


def test_a_user_signed_in_before_being_made_admin_must_sign_in_again(
    client, admin, make_user, browser
):
    coordinator = make_user("coordinator", email="c@example.org")
    other = browser(coordinator, PASSWORD)
    url = f"/admin/users/{coordinator.public_id}"
    data = {"name": coordinator.name, "role": "admin", "region": str(coordinator.region_id)}
    post(client, url, data | {"active": "y"})
    assert asks_to_sign_in(other.get("/admin/"))
