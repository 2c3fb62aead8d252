"""Every route of the URL map: sign-in first, CSRF on every change, admin pages for admins only,
and the security headers on every response (issue 5, points 4 and 9).

The routes come from `app.url_map` and the role declarations (`tests/security/routes.py`), so a
route added later is swept without a change here; each test id is the endpoint's name.
`tests/test_access.py` sweeps the client-data routes for region and role; this module does not
repeat that.
"""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask_wtf.csrf import CSRFError

import config
from carecoord import create_app
from carecoord.accounts import guards
from carecoord.codes import Role
from carecoord.extensions import csrf, db
from tests.conftest import csrf_token
from tests.security.routes import (
    COLLECTION_APP,
    ROUTES,
    Route,
    audit_count,
    declared_roles,
    form_posting_to,
    is_admin_route,
    is_public,
    params,
    routes_with,
    snapshot,
    successful_audit_entries_after,
    url_of,
    user_role,
    world_fixture,  # noqa: F401 (the `world` fixture)
)
from tests.test_access import leaks

# Reviewed allow-list: a new public endpoint must be added here on purpose, after review.
REVIEWED_PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "accounts.sign_in",
        "accounts.set_language",
        # The second sign-in steps: refused without the marker the password step leaves.
        "accounts.two_factor",
        "accounts.enrol",
        # A form sent after the session expired: kept signed, sent only after signing in again.
        "sessions.resume",
    }
)
# Reviewed: POST endpoints exempt from the CSRF token, each with what stands in for it.
REVIEWED_CSRF_EXEMPT = frozenset(
    {
        # After the session ended: a signature over the kept form; it changes nothing itself.
        "sessions.resume",
    }
)
SIGN_IN = "/sign-in"
SECRETS = ["Maria Kowalska", "0612345678"]
OTHER_ROLES = (Role.COORDINATOR, Role.CHAIN_DIRECTOR)
NOT_INLINE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'nonce-", "'sha256-")


def to_sign_in(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == SIGN_IN


def form_data(client, path: str) -> dict[str, list[str]]:
    """What the page's own form would send to `path` (empty when no page shows one)."""
    form = form_posting_to(client, path)
    data = form.defaults() if form else {}
    # Flask-WTF takes any field ending in csrf_token (prefixed forms: "complete-csrf_token").
    return {name: value for name, value in data.items() if not name.endswith("csrf_token")}


@pytest.fixture
def csrf_refusals(monkeypatch) -> list[str]:
    """The reasons Flask-WTF's CSRF protection gave for refusing, so that a test knows the 400
    came from the token check and not from the view."""
    reasons: list[str] = []

    def refuse(reason: str):
        reasons.append(reason)
        raise CSRFError(reason)

    monkeypatch.setattr(csrf, "_error_response", refuse)
    return reasons


def send(client, method: str, path: str, data: dict | None = None):
    return client.get(path) if method == "GET" else client.post(path, data=data or {})


# --- (a) sign-in first -------------------------------------------------------------------------


def test_the_public_endpoints_are_the_reviewed_allow_list(app):
    assert guards.PUBLIC_ENDPOINTS == REVIEWED_PUBLIC_ENDPOINTS
    assert {r.endpoint for r in ROUTES if is_public(r)} == REVIEWED_PUBLIC_ENDPOINTS
    assert guards.undeclared_endpoints(app) == []


@pytest.mark.parametrize("route", params(routes_with("GET", public=True)))
def test_a_public_page_opens_or_asks_for_the_step_before_it(app, client, world, route):
    """A public page is served to anyone, or (a later sign-in step) sends back to sign in."""
    with client.get(url_of(app, route, world)) as response:
        assert response.status_code == 200 or to_sign_in(response), response.status_code
        assert not leaks(response, SECRETS)


@pytest.mark.parametrize("route", params(routes_with("GET", public=False)))
def test_anonymous_get_goes_to_sign_in(app, client, world, route):
    path = url_of(app, route, world)
    response = client.get(path)
    assert to_sign_in(response), (response.status_code, response.location)
    assert not leaks(response, SECRETS)


@pytest.mark.parametrize("route", params(routes_with("POST", public=False)))
def test_anonymous_post_changes_nothing(app, client, world, csrf_refusals, route):
    """Without a token CSRF protection answers first (400); with a valid token of the anonymous
    session the sign-in requirement does (302). Either way nothing is stored or audited."""
    path = url_of(app, route, world)
    token = csrf_token(client)
    before, entries = snapshot(with_audit=True), audit_count()
    without = client.post(path, data={})
    with_token = client.post(path, data={"csrf_token": token})
    assert without.status_code == 400 and csrf_refusals == ["The CSRF token is missing."]
    assert to_sign_in(with_token), (with_token.status_code, with_token.location)
    assert not leaks(without, SECRETS) and not leaks(with_token, SECRETS)
    assert snapshot(with_audit=True) == before and audit_count() == entries


# --- (b) CSRF on every state-changing route ----------------------------------------------------


@pytest.mark.parametrize("route", params(routes_with("POST")))
def test_a_change_without_a_valid_token_is_400_and_changes_nothing(
    app, client, login_as, world, csrf_refusals, route
):
    if not is_public(route):
        login_as(user_role(app, route), region=world.objects["region"].name)
    path = url_of(app, route, world)
    data = form_data(client, path)
    foreign = csrf_token(app.test_client())
    own = csrf_token(client)
    assert foreign != own
    before, entries = snapshot(), audit_count()

    missing = client.post(path, data=data)
    wrong = client.post(path, data={**data, "csrf_token": foreign})
    garbage = client.post(path, data={**data, "csrf_token": own[:-4] + "AAAA"})

    assert [r.status_code for r in (missing, wrong, garbage)] == [400, 400, 400]
    assert snapshot() == before
    assert successful_audit_entries_after(entries) == []
    if route.endpoint in REVIEWED_CSRF_EXEMPT:
        return  # refused by what stands in for the token (above), not by the token check
    assert len(csrf_refusals) == 3, csrf_refusals  # the token check refused, not the view
    # The same request with the session's own token passes the check: the token made the 400.
    client.post(path, data={**data, "csrf_token": own})
    assert len(csrf_refusals) == 3, csrf_refusals


def csrf_exempt_endpoints(app) -> set[str]:
    exempt_views = getattr(csrf, "_exempt_views", set())
    exempt_blueprints = {getattr(bp, "name", bp) for bp in getattr(csrf, "_exempt_blueprints", ())}
    return {
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in exempt_views
        or endpoint.rpartition(".")[0] in exempt_blueprints
    }


def test_the_csrf_exempt_endpoints_are_the_reviewed_list(app):
    assert csrf_exempt_endpoints(app) == REVIEWED_CSRF_EXEMPT


# --- (c) admin pages are for admins ------------------------------------------------------------

ADMIN_ROUTES = [r for r in ROUTES if is_admin_route(COLLECTION_APP, r)]
# Every other (route, role) pair whose role the route does not declare.
REFUSED = [
    pytest.param(r, role, id=f"{r.id}-{role.value}")
    for r in ROUTES
    if not is_public(r) and r not in ADMIN_ROUTES
    for role in Role
    if role not in declared_roles(COLLECTION_APP, r.endpoint)
]


def _refusals(client, path: str, route: Route) -> list[str]:
    token = csrf_token(client)
    wrong = []
    for method in route.methods:
        response = send(client, method, path, {"csrf_token": token})
        if response.status_code != 403 or leaks(response, SECRETS):
            wrong.append(f"{method} {path} → {response.status_code}")
    return wrong


@pytest.mark.parametrize("role", OTHER_ROLES, ids=lambda r: r.value)
@pytest.mark.parametrize("route", params(ADMIN_ROUTES))
def test_an_admin_route_is_closed_to_coordinators_and_chain_directors(
    app, client, login_as, world, route, role
):
    login_as(role, region=world.objects["region"].name)
    path = url_of(app, route, world)
    before = snapshot()
    assert _refusals(client, path, route) == []
    assert snapshot() == before


@pytest.mark.parametrize(("route", "role"), REFUSED)
def test_every_other_route_refuses_the_roles_it_does_not_declare(
    app, client, login_as, world, route, role
):
    login_as(role, region=world.objects["region"].name)
    path = url_of(app, route, world)
    before = snapshot()
    assert _refusals(client, path, route) == []
    assert snapshot() == before


# --- (d) headers on every response -------------------------------------------------------------


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_security_headers(response, *, static: bool = False) -> None:
    headers = response.headers
    policy = directives(headers.get("Content-Security-Policy", ""))
    assert policy.get("default-src") == ["'self'"], policy
    for name in ("default-src", "script-src", "style-src"):
        values = " ".join(policy.get(name, []))
        assert not any(bad in values for bad in NOT_INLINE), (name, values)
    assert policy.get("frame-ancestors") == ["'none'"]
    assert policy.get("base-uri") == ["'none'"]
    assert policy.get("object-src") == ["'none'"]
    assert headers.get("Referrer-Policy") == "no-referrer"
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin"
    if not static:
        assert headers.get("Cache-Control") == "no-store"


class InlineFinder(HTMLParser):
    """Inline script or style a strict CSP would block: script bodies, <style>, style= and on…=
    attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            self._in_script = True
            if not dict(attrs).get("src"):
                self.found.append("<script> without src")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("script content")


def inline_code(page: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(page)
    return finder.found


@pytest.mark.parametrize("route", params(ROUTES))
def test_every_response_carries_the_security_headers(app, client, login_as, world, route):
    if not is_public(route):
        login_as(user_role(app, route), region=world.objects["region"].name)
    path = url_of(app, route, world)
    for method in route.methods:
        data = form_data(client, path) if method == "POST" else None
        if method == "POST":
            data["csrf_token"] = csrf_token(client)
        with send(client, method, path, data) as response:
            page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        assert response.status_code < 500, (method, path, response.status_code)
        assert_security_headers(response, static=route.endpoint == "static")
        assert "Strict-Transport-Security" not in response.headers  # only in production
        if response.mimetype == "text/html":
            assert inline_code(page) == [], (method, path)


def test_the_inline_finder_finds_inline_code():
    page = '<p style="x" onclick="y"><a href="javascript:z">a</a><style></style><script>1</script>'
    assert len(inline_code(page)) == 6
    assert inline_code('<script src="/static/a.js"></script><p class="x">') == []


KEY = base64.urlsafe_b64encode(b"\x07" * 32).decode().rstrip("=")


@pytest.fixture
def keys_in_environment(monkeypatch, tmp_path):
    """Production's settings from the environment (as in tests/test_config.py)."""
    for name in ("DATABASE_URL", "SECRET_KEY", "DATA_KEYS", "BLIND_INDEX_KEY", "PSEUDONYM_KEY"):
        monkeypatch.delenv(f"CARECOORD_{name}", raising=False)
    monkeypatch.setenv("CARECOORD_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("CARECOORD_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("CARECOORD_DATA_KEYS", f"k1:{KEY}")
    monkeypatch.setenv("CARECOORD_BLIND_INDEX_KEY", KEY)
    monkeypatch.setenv("CARECOORD_PSEUDONYM_KEY", KEY)
    # Development keeps its keys in instance/keys.json: a temporary one, not the checkout's.
    keys_file = tmp_path / "keys.json"
    keys_file.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(config, "development_keys_file", lambda: keys_file)


@pytest.mark.parametrize(("env", "hsts"), [("production", True), ("development", False)])
def test_hsts_is_sent_in_production_only(keys_in_environment, env, hsts):
    app = create_app(env=env)
    with app.app_context():
        db.create_all()
        try:
            for path in (SIGN_IN, "/", "/no-such-page"):
                response = app.test_client().get(path)
                assert_security_headers(response)
                value = response.headers.get("Strict-Transport-Security")
                assert (value is not None) == hsts, (env, path, value)
                if hsts:
                    max_age = int(value.split("max-age=")[1].split(";")[0])
                    assert max_age >= 31536000
        finally:
            db.session.remove()
            db.engine.dispose()
