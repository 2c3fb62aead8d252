"""Two app servers, one PostgreSQL, one Redis: no state in the web processes (docs/deployment.md).

Servers A and B are `gunicorn wsgi:app` (2 workers each) on two loopback ports, started in the
production environment (CARECOORD_ENV=production) with production settings: explicit keys as
`*_FILE` credentials, the same on both, CARECOORD_RATELIMIT_STORAGE_URL on a Redis database of this
test's own, CARECOORD_PROXY_HOPS=1, one export folder, and CARECOORD_DATABASE_REPLICA_URL on the
same database through read-only sessions (a replica without lag that refuses writes, as a hot
standby does). The test environment would not do: it applies test keys and ignores the Redis
setting, so it would prove nothing about the production code path. The development environment
reads both, but production is what runs on the hosts. Production marks the session cookie Secure
and checks that a form posted over HTTPS comes from our own origin; the test's browser
(browsing.py) therefore speaks as the TLS proxy does to the app servers: plain HTTP with
X-Forwarded-Proto: https, X-Forwarded-For and the public Host, sending the cookie itself. The
database is migrated with `flask db upgrade`, seeded with `flask demo seed` (development settings,
the same keys: the seed refuses production), and the demo accounts used here get a known TOTP
secret directly in the database.

Each assertion is made from outside, over HTTP only, as a user or an attacker would see it.
Argon2 runs at production strength (about 0.3 s per password check): few sign-ins, each
account signed in once, so no TOTP code is ever replayed.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

from carecoord.demo.data import ACCOUNTS
from config import Config
from tests.topology.browsing import Browser, Page
from tests.topology.servers import Topology

PASSWORDS = {account.email: account.password for account in ACCOUNTS}
WRONG_PASSWORD = "not the password of this account 42"
LOCKED = "Signing in to this account is temporarily blocked after too many failed attempts."
PERIOD_OPTION = re.compile(r'<option value="(\d{4}(?:-Q[1-4])?)"')
EXPORTS = "/exports/"
CASELOAD = "/trajectories/"
SUCCESS = re.compile(r'<div class="alert alert--success" role="status">([^<]*)</div>')


def in_english(browser: Browser, base: str) -> Browser:
    """The messages below are the English ones; the product's default is Dutch."""
    page = browser.submit(base, "/language", {"language": "en", "next": "/sign-in"}, "/sign-in")
    assert page.status == 302, page.status
    return browser


def password_step(browser: Browser, base: str, email: str, password: str) -> Page:
    return browser.submit(base, "/sign-in", {"email": email, "password": password})


def sign_in(topology: Topology, base: str, email: str) -> Browser:
    """Both steps of the sign-in through `base`: password, then the app's current code."""
    browser = in_english(topology.browser(), base)
    assert password_step(browser, base, email, PASSWORDS[email]).location == "/sign-in/code"
    done = browser.submit(base, "/sign-in/code", {"code": topology.code(email)})
    assert done.status == 302 and not done.asks_to_sign_in, done
    return browser


def test_a_lock_made_through_one_server_holds_on_the_other(topology: Topology):
    a, b = topology.a, topology.b
    email = "director.gv@example.org"
    # She has given her right password through B; the code step is next.
    user = in_english(topology.browser(), b)
    assert password_step(user, b, email, PASSWORDS[email]).location == "/sign-in/code"

    attacker = in_english(topology.browser(), a)
    tries = Config.SIGN_IN_FAILURES_ALLOWED
    pages = [password_step(attacker, a, email, WRONG_PASSWORD) for _ in range(tries)]

    assert [page.status for page in pages] == [200] * (tries - 1) + [429]
    assert LOCKED in pages[-1].text
    # The right code through B: refused, back to the start with the lock message.
    assert user.submit(b, "/sign-in/code", {"code": topology.code(email)}).asks_to_sign_in
    assert LOCKED in user.get(b, "/sign-in").text
    assert user.get(b, "/account").asks_to_sign_in
    # Starting again through B with the right password: refused before the password is checked.
    again = password_step(in_english(topology.browser(), b), b, email, PASSWORDS[email])
    assert again.status == 429
    assert LOCKED in again.text


def test_a_session_revoked_through_one_server_is_refused_by_the_other(topology: Topology):
    a, b = topology.a, topology.b
    coordinator = sign_in(topology, b, "coordinator.rr@example.org")
    for base in (a, b):
        page = coordinator.get(base, CASELOAD)
        assert page.status == 200 and "Caseload of Rotterdam-Rijnmond" in page.text

    admin = sign_in(topology, a, "admin@example.org")
    users = admin.get(a, "/admin/users/").text
    row = next(r for r in users.split("<tr>") if "coordinator.rr@example.org" in r)
    edit = re.search(r'href="(/admin/users/[0-9a-f-]{36})"', row).group(1)
    reset = admin.submit(a, f"{edit}/two-factor-reset", {"confirm": "y"}, form_page=edit)
    assert reset.status == 302 and reset.location == edit

    for base in (b, a):
        refused = coordinator.get(base, CASELOAD)
        assert refused.asks_to_sign_in, (base, refused.status, refused.location)
        assert "Rotterdam-Rijnmond" not in refused.text


def test_two_exports_started_at_once_through_both_servers_make_one_batch(topology: Topology):
    a, b = topology.a, topology.b
    window_a = sign_in(topology, a, "coordinator.gv@example.org")
    periods = PERIOD_OPTION.findall(window_a.get(a, EXPORTS).text)[:3]
    assert periods
    window_b = window_a.twin()  # the same coordinator, a second window, served by B
    for period in periods:
        outcomes = start_together(period, (window_a, a), (window_b, b))
        assert sorted(outcomes) == sorted(
            [
                f"The export of {period} was made.",
                f"Nothing changed since the existing export of {period}.",
            ]
        ), outcomes

    listing = window_b.get(b, EXPORTS).text
    rows = batches_in_database(topology.database_url)
    assert sorted(period for period, *_ in rows) == sorted(periods)  # one batch per period
    for _period, csv_name, csv_sha, json_name, json_sha in rows:
        assert listing.count(f">{csv_name}</a>") == 1 and listing.count(f">{json_name}</a>") == 1
        assert digest(topology.export_dir / "GV" / csv_name) == csv_sha
        assert digest(topology.export_dir / "GV" / json_name) == json_sha
    files = sorted(p.name for p in topology.export_dir.rglob("*") if p.is_file())
    assert files == sorted(name for _, c, _, j, _ in rows for name in (c, j))  # no leftovers


def start_together(period: str, *windows: tuple[Browser, str]) -> list[str]:
    """Post the export form through each (window, server) at the same moment; returns the
    message each window shows afterwards."""
    tokens = [window.csrf_token(base, EXPORTS) for window, base in windows]
    ready = threading.Barrier(len(windows))

    def start(window: Browser, base: str, token: str) -> str:
        ready.wait(timeout=30)
        posted = window.post(base, EXPORTS, {"period": period}, token)
        assert posted.status == 302 and posted.location == EXPORTS, (base, posted.status)
        shown = SUCCESS.search(window.get(base, EXPORTS).text)
        return html.unescape(shown.group(1)) if shown else ""

    with ThreadPoolExecutor(len(windows)) as pool:
        started = [
            pool.submit(start, w, base, t) for (w, base), t in zip(windows, tokens, strict=True)
        ]
        return [future.result() for future in started]


def batches_in_database(url: str) -> list[tuple[str, str, str, str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT b.period, b.csv_name, b.csv_sha256, b.json_name, b.json_sha256"
                    " FROM export_batches b JOIN regions r ON r.id = b.region_id"
                    " WHERE r.code = 'GV' ORDER BY b.period"
                )
            )
            return [tuple(row) for row in rows]
    finally:
        engine.dispose()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
