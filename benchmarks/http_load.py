"""Pages under concurrent load against their bare endpoints, and the caseload under a sign-in storm.

For each dataset (benchmarks.common): gunicorn with 2 workers (GUNICORN_SETTINGS) on a free
loopback port, with the bare endpoints (CARECOORD_BENCHMARK_ENDPOINTS=1, carecoord.benchmarking)
and one trusted proxy hop (CARECOORD_PROXY_HOPS=1); development settings, so production's
Argon2 parameters. The busiest region's demo coordinator and chain director sign in through
both steps of the form (a known TOTP secret is set on them first, and put back afterwards).
wrk then loads, in turns, each page and its bare endpoint: the caseload, a client file with
about 30 steps on its timeline, and the dashboard of last year's quarter. Medians of RUNS runs:
  ratio http_throughput.<page>.<dataset>   page requests/s ÷ bare requests/s   (goal ≥ 0.5)
  ratio http_p99.<page>.<dataset>          page p99 ÷ bare p99                 (goal ≤ 2)
Then the caseload again while a second wrk (benchmarks/wrk/signin_storm.lua) posts STORM_RATE
failed sign-ins a second for many accounts from many addresses (64 connections):
  ratio signin_storm_caseload_p99.<dataset>  p99 under the storm ÷ idle p99    (goal ≤ 2)
Settings: CARECOORD_BENCH_HTTP_SECONDS (per wrk run, default 8), CARECOORD_BENCH_HTTP_RUNS
(default 3), CARECOORD_BENCH_HTTP_CONNECTIONS (default 8), CARECOORD_BENCH_HTTP_PAGES (default
caseload,client_file,dashboard), CARECOORD_BENCH_STORM_RATE (default 100),
CARECOORD_BENCH_GUNICORN (extra gunicorn arguments, e.g. "--threads 1" for sync workers).
Needs wrk: `apt-get install wrk` (Debian/Ubuntu), `brew install wrk` (macOS).
Run: `.venv/bin/python -m benchmarks.http_load`.
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pyotp
from sqlalchemy import func, select

from benchmarks.common import BENCH_DIR, ROOT, Dataset, app_for, datasets, figure, note, ratio
from carecoord.accounts.models import User
from carecoord.codes import Role
from carecoord.demo.data import ACCOUNTS
from carecoord.extensions import db
from carecoord.timeutil import today, utcnow
from carecoord.trajectories.models import Step, Trajectory

SECONDS = int(os.environ.get("CARECOORD_BENCH_HTTP_SECONDS", "8"))
RUNS = int(os.environ.get("CARECOORD_BENCH_HTTP_RUNS", "3"))
CONNECTIONS = int(os.environ.get("CARECOORD_BENCH_HTTP_CONNECTIONS", "8"))
PAGES = os.environ.get("CARECOORD_BENCH_HTTP_PAGES", "caseload,client_file,dashboard").split(",")
# Failed sign-ins per second in the storm: about ten times what 2 workers can hash with
# production's Argon2 parameters (~8/s on 2 cores), so without a defence it takes every core.
STORM_RATE = int(os.environ.get("CARECOORD_BENCH_STORM_RATE", "100"))
STORM_CONNECTIONS = 64
# What docs/performance.md recommends for production (2 workers here: the machine's 2 cores).
GUNICORN_SETTINGS = ["--workers", "2", "--worker-class", "gthread", "--threads", "2"]
STORM_SCRIPT = str(Path(__file__).resolve().parent / "wrk" / "signin_storm.lua")
# A slow answer is counted in the latencies, not dropped as a timeout.
WRK = ["wrk", "--timeout", "60s", "--latency"]
TIMELINE_STEPS = 30
COOKIE = "carecoord_session"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
WRK_MISSING = (
    "wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` "
    "(macOS), then run again"
)


@dataclass(frozen=True)
class Account:
    user_id: int
    email: str
    password: str
    totp_secret: str


@dataclass(frozen=True)
class Target:
    """Who signs in and what they look at, chosen on the dataset."""

    coordinator: Account
    director: Account
    trajectory: str  # public id
    steps: int
    period: str


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p99_ms: float


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit(WRK_MISSING)
    for found in datasets():
        note(f"http_load on {found.name}: {RUNS} runs of {SECONDS}s, {CONNECTIONS} connections")
        with enrolled(found) as target:
            measure(found, target)


@contextmanager
def enrolled(found: Dataset) -> Iterator[Target]:
    """The benchmark's accounts with a known TOTP secret; their own put back afterwards."""
    with app_for(found):
        target, saved = _choose(found)
        db.session.commit()
    try:
        yield target
    finally:
        with app_for(found):
            for user_id, state in saved.items():
                user = db.session.get(User, user_id)
                user._totp_secret, user.totp_enabled_at, user.totp_last_counter = state
            db.session.commit()


def _choose(found: Dataset) -> tuple[Target, dict[int, tuple]]:
    per_region = dict(
        db.session.execute(
            select(Trajectory.region_id, func.count()).group_by(Trajectory.region_id)
        ).all()
    )
    accounts = {a.email: a for a in ACCOUNTS}
    users = list(db.session.scalars(select(User).where(User.email.in_(accounts))))
    region_id = max(
        (u.region_id for u in users if u.role == Role.COORDINATOR),
        key=lambda r: per_region.get(r, 0),
    )
    saved, chosen = {}, {}
    for role in (Role.COORDINATOR, Role.CHAIN_DIRECTOR):
        user = next(u for u in users if u.role == role and u.region_id == region_id)
        saved[user.id] = (user._totp_secret, user.totp_enabled_at, user.totp_last_counter)
        secret = pyotp.random_base32()
        user.totp_secret, user.totp_enabled_at, user.totp_last_counter = secret, utcnow(), None
        chosen[role] = Account(user.id, user.email, accounts[user.email].password, secret)
    steps = func.count(Step.id)
    public_id, count = db.session.execute(
        select(Trajectory.public_id, steps)
        .join(Step, Step.trajectory_id == Trajectory.id)
        .where(Trajectory.region_id == region_id)
        .group_by(Trajectory.id, Trajectory.public_id)
        .order_by(func.abs(steps - TIMELINE_STEPS), Trajectory.id)
        .limit(1)
    ).one()
    on = today()
    quarter = (on.month - 1) // 3 or 4  # the last complete quarter, a year earlier
    year = on.year - 1 if (on.month - 1) // 3 else on.year - 2
    target = Target(
        coordinator=chosen[Role.COORDINATOR],
        director=chosen[Role.CHAIN_DIRECTOR],
        trajectory=str(public_id),
        steps=int(count),
        period=f"{year}-Q{quarter}",
    )
    note(f"  region {region_id}: file with {count} steps, dashboard {target.period}")
    return target, saved


def pages_of(target: Target) -> dict[str, tuple[str, str, int]]:
    """Per page: its path, its bare endpoint's path, and who looks at it."""
    coordinator, director = target.coordinator.user_id, target.director.user_id
    file = f"trajectory={target.trajectory}"
    period = f"period={target.period}"
    return {
        "caseload": ("/trajectories/", f"/_bench/bare/caseload?user={coordinator}", coordinator),
        "client_file": (
            f"/trajectories/{target.trajectory}",
            f"/_bench/bare/file?user={coordinator}&{file}",
            coordinator,
        ),
        "dashboard": (
            f"/dashboard/?{period}",
            f"/_bench/bare/dashboard?user={director}&{period}",
            director,
        ),
    }


def measure(found: Dataset, target: Target) -> None:
    every = pages_of(target)
    pages = {name: every[name] for name in PAGES}
    caseload = every["caseload"][0]
    with serve(found) as address:
        cookies = {a.user_id: sign_in(address, a) for a in (target.coordinator, target.director)}
        coordinator = cookies[target.coordinator.user_id]
        for page, bare, user_id in pages.values():
            for path in (page, bare):
                expect_page(address, path, cookies[user_id])
                wrk(address, path, cookies[user_id], seconds=2)  # warm-up
        results: dict[str, list[tuple[Load, Load]]] = {name: [] for name in pages}
        idle, stormy = [], []
        for run in range(RUNS):
            # In turns, so that a slower moment of the shared machine hits both sides.
            for name, (page, bare, user_id) in pages.items():
                cookie = cookies[user_id]
                results[name].append(
                    (wrk(address, page, cookie, SECONDS), wrk(address, bare, cookie, SECONDS))
                )
                expect_page(address, page, cookie)
            if "caseload" not in pages:
                idle.append(wrk(address, caseload, coordinator, SECONDS))
            stormy.append(under_storm(address, caseload, coordinator))
            expect_page(address, caseload, coordinator)
            note(f"  run {run + 1} of {RUNS} done")
    for name, pairs in results.items():
        report(name, found, pairs)
    idle += [page for page, _bare in results.get("caseload", [])]
    report_storm(found, idle, stormy)


def report_storm(found: Dataset, idle: list[Load], stormy: list[tuple[Load, dict]]) -> None:
    idle_p99 = statistics.median(load.p99_ms for load in idle)
    storm_p99 = statistics.median(load.p99_ms for load, _rates in stormy)
    ratio(f"signin_storm_caseload_p99.{found.name}", storm_p99 / idle_p99)
    figure(f"signin_storm_caseload_p99_ms.{found.name}", storm_p99, "ms")
    figure(f"signin_storm_caseload_idle_p99_ms.{found.name}", idle_p99, "ms")
    idle_rps = statistics.median(load.requests_per_second for load in idle)
    storm_rps = statistics.median(load.requests_per_second for load, _rates in stormy)
    figure(f"signin_storm_caseload_rps.{found.name}", storm_rps, "req/s")
    figure(f"signin_storm_caseload_idle_rps.{found.name}", idle_rps, "req/s")
    attempts = statistics.median(sum(rates.values()) for _load, rates in stormy)
    figure(f"signin_storm_attempts.{found.name}", attempts, "req/s")
    for status in ("200", "429", "503"):
        answers = statistics.median(rates.get(status, 0.0) for _load, rates in stormy)
        figure(f"signin_storm_answers_{status}.{found.name}", answers, "req/s")


def report(name: str, found: Dataset, pairs: list[tuple[Load, Load]]) -> None:
    page_rps = statistics.median(p.requests_per_second for p, _b in pairs)
    bare_rps = statistics.median(b.requests_per_second for _p, b in pairs)
    page_p99 = statistics.median(p.p99_ms for p, _b in pairs)
    bare_p99 = statistics.median(b.p99_ms for _p, b in pairs)
    ratio(f"http_throughput.{name}.{found.name}", page_rps / bare_rps)
    ratio(f"http_p99.{name}.{found.name}", page_p99 / bare_p99)
    figure(f"http_rps.{name}.{found.name}", page_rps, "req/s")
    figure(f"http_rps.bare_{name}.{found.name}", bare_rps, "req/s")
    figure(f"http_p99_ms.{name}.{found.name}", page_p99, "ms")
    figure(f"http_p99_ms.bare_{name}.{found.name}", bare_p99, "ms")


@contextmanager
def serve(found: Dataset) -> Iterator[tuple[str, int]]:
    """gunicorn on a free loopback port with the bare endpoints; stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    extra = shlex.split(os.environ.get("CARECOORD_BENCH_GUNICORN", ""))
    command = [sys.executable, "-m", "gunicorn", *GUNICORN_SETTINGS, *extra]
    env = found.environment(CARECOORD_BENCHMARK_ENDPOINTS="1", CARECOORD_PROXY_HOPS="1")
    log = BENCH_DIR / f"http_load-{found.name}.log"  # the server's own log, for a failure
    with log.open("w") as output:
        server = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    address = ("127.0.0.1", port)
    try:
        _wait_until_up(server, address, log)
        yield address
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(server: subprocess.Popen, address: tuple[str, int], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped; its log: {log}")
        try:
            if request(address, "GET", "/sign-in")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def request(
    address: tuple[str, int], method: str, path: str, cookie: str = "", form: dict | None = None
) -> tuple[int, dict[str, str], str]:
    """One request without following redirects: status, headers (Set-Cookies a line each), body."""
    connection = http.client.HTTPConnection(*address, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        found = {name.lower(): value for name, value in response.getheaders()}
        found["set-cookie"] = "\n".join(response.headers.get_all("Set-Cookie") or [])
        return response.status, found, text
    finally:
        connection.close()


def _session_cookie(headers: dict[str, str], current: str) -> str:
    jar = SimpleCookie()
    for part in headers.get("set-cookie", "").splitlines():
        if part.startswith(f"{COOKIE}="):
            jar.load(part)
    return f"{COOKIE}={jar[COOKIE].value}" if COOKIE in jar else current


def sign_in(address: tuple[str, int], account: Account) -> str:
    """Both steps of the form, as a browser takes them; returns the session's Cookie header."""
    status, headers, page = request(address, "GET", "/sign-in")
    cookie = _session_cookie(headers, "")
    token = CSRF.search(page).group(1)
    form = {"csrf_token": token, "email": account.email, "password": account.password}
    status, headers, _ = request(address, "POST", "/sign-in", cookie, {**form, "next": ""})
    if status != 302 or not headers.get("location", "").endswith("/sign-in/code"):
        raise RuntimeError(f"sign-in of {account.email} refused at the password ({status})")
    cookie = _session_cookie(headers, cookie)
    _status, headers, page = request(address, "GET", "/sign-in/code", cookie)
    cookie, token = _session_cookie(headers, cookie), CSRF.search(page).group(1)
    code = pyotp.TOTP(account.totp_secret).now()
    status, headers, _ = request(
        address, "POST", "/sign-in/code", cookie, {"csrf_token": token, "code": code}
    )
    if status != 302:
        raise RuntimeError(f"sign-in of {account.email} refused at the code ({status})")
    return _session_cookie(headers, cookie)


def expect_page(address: tuple[str, int], path: str, cookie: str) -> None:
    """The page itself, not a redirect to the sign-in (wrk counts a 302 as a success)."""
    status, _headers, _body = request(address, "GET", path, cookie)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status}, not 200 (see .bench/http_load-*.log)")


def wrk(address: tuple[str, int], path: str, cookie: str, seconds: int) -> Load:
    url = f"http://{address[0]}:{address[1]}{path}"
    command = [*WRK, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> Load:
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise RuntimeError(f"{match.group(1)} error responses under load:\n{output}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if rps is None or p99 is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return Load(float(rps.group(1)), float(p99.group(1)) * scale)


def under_storm(address: tuple[str, int], path: str, cookie: str) -> tuple[Load, dict]:
    """The caseload loaded while failed sign-ins pour in; with the storm's answers per second."""
    _status, headers, page = request(address, "GET", "/sign-in")
    env = {
        **os.environ,
        "STORM_COOKIE": _session_cookie(headers, ""),
        "STORM_CSRF": CSRF.search(page).group(1),
        "STORM_DELAY_MS": str(STORM_CONNECTIONS * 1000 // STORM_RATE),
    }
    storm_seconds = SECONDS + 2
    url = f"http://{address[0]}:{address[1]}/sign-in"
    storm = subprocess.Popen(
        [*WRK, "-t1", f"-c{STORM_CONNECTIONS}", f"-d{storm_seconds}s", "-s", STORM_SCRIPT, url],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)  # the storm is up before the caseload is measured
    load = wrk(address, path, cookie, SECONDS)
    output, _ = storm.communicate(timeout=storm_seconds + 120)
    counts = re.findall(r"^status (\d+) (\d+)$", output, re.MULTILINE)
    rates = {code: int(n) / storm_seconds for code, n in counts}
    note(f"  storm: caseload p99 {load.p99_ms:.0f} ms; answers/s {rates}")
    return load, rates


if __name__ == "__main__":
    main()
