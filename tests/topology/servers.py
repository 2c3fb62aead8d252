"""Two gunicorn app servers in the production environment, sharing one PostgreSQL database, one
Redis and one export folder, as on two hosts behind a TLS proxy (docs/deployment.md)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import gunicorn
import pyotp

from config import new_key
from tests.topology.browsing import Browser

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 45
WORKERS_PER_SERVER = "2"
# Demo accounts (carecoord/demo/data.py) that get a known second factor before the servers start.
ENROLLED = (
    "coordinator.gv@example.org",
    "coordinator.rr@example.org",
    "director.gv@example.org",
    "admin@example.org",
)


@dataclass(frozen=True)
class Topology:
    a: str
    b: str
    database_url: str
    export_dir: Path
    secret_key: str
    totp_secrets: dict[str, str]
    # A client address of this run only (through CARECOORD_PROXY_HOPS=1): the per-address
    # sign-in limit in the shared Redis counts nobody else's requests.
    address: str

    def browser(self) -> Browser:
        return Browser(self.address)

    def code(self, email: str) -> str:
        """What the user's authenticator app shows now."""
        return pyotp.TOTP(self.totp_secrets[email]).now()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def key_values() -> dict[str, str]:
    """A fresh set of the four key settings, as `python config.py` prints them."""
    return {
        "CARECOORD_SECRET_KEY": secrets.token_urlsafe(48),
        "CARECOORD_DATA_KEYS": f"topology-1:{new_key()}",
        "CARECOORD_BLIND_INDEX_KEY": new_key(),
        "CARECOORD_PSEUDONYM_KEY": new_key(),
    }


def server_environment(
    workdir: Path, database_url: str, redis_url: str, keys: dict[str, str]
) -> dict[str, str]:
    """Production settings; the keys as files (`*_FILE`), as systemd's LoadCredential gives
    them (docs/deployment.md)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARECOORD_")}
    secrets_dir = workdir / "credentials"
    secrets_dir.mkdir(mode=0o700)
    for name, value in keys.items():
        path = secrets_dir / name.lower()
        path.write_text(value, encoding="utf-8")
        path.chmod(0o600)
        env[f"{name}_FILE"] = str(path)
    env.update(
        CARECOORD_ENV="production",
        CARECOORD_DATABASE_URL=database_url,
        CARECOORD_DATABASE_REPLICA_URL=read_only(database_url),
        CARECOORD_RATELIMIT_STORAGE_URL=redis_url,
        CARECOORD_PROXY_HOPS="1",
        CARECOORD_EXPORT_DIR=str(workdir / "exports"),
        PYTHONUNBUFFERED="1",
    )
    return env


def read_only(database_url: str) -> str:
    """The same database through read-only sessions: a stand-in for a streaming replica with
    no lag, which refuses every write just as a hot standby does."""
    options = urllib.parse.quote("-c default_transaction_read_only=on")
    return f"{database_url}?options={options}"


def seed_environment(server_env: dict[str, str], keys: dict[str, str]) -> dict[str, str]:
    """The demo seed refuses production: development settings on the same database, with the
    same keys given directly (they win over instance/keys.json, which development only
    fills in with os.environ.setdefault)."""
    env = {k: v for k, v in server_env.items() if not k.endswith("_FILE")}
    env.pop("CARECOORD_DATABASE_REPLICA_URL")  # it reads what it has just written
    env.update(keys, CARECOORD_ENV="development")
    return env


def _run(env: dict[str, str], args: list[str], stdin: str | None = None) -> None:
    done = subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")


def prepare_database(server_env: dict[str, str], keys: dict[str, str]) -> None:
    """Migrate (once, as for a release) and seed the demo data."""
    flask = ["-m", "flask", "--app", "wsgi"]
    _run(server_env, [*flask, "db", "upgrade"])
    _run(seed_environment(server_env, keys), [*flask, "demo", "seed"])


def enrol_second_factors(server_env: dict[str, str]) -> dict[str, str]:
    """Give the accounts the tests sign in with a known TOTP secret; returns the secrets."""
    totp_secrets = {email: pyotp.random_base32() for email in ENROLLED}
    _run(server_env, ["-m", "tests.topology.enrol"], stdin=json.dumps(totp_secrets))
    return totp_secrets


@dataclass(frozen=True)
class Server:
    base: str
    process: subprocess.Popen
    log: Path


def start_server(env: dict[str, str], log: Path) -> Server:
    """`gunicorn wsgi:app` on a free loopback port, as the systemd unit starts it."""
    port = free_port()
    command = ["-m", "gunicorn", "--workers", WORKERS_PER_SERVER, "--bind", f"127.0.0.1:{port}"]
    if gunicorn.version_info >= (25, 1):
        # Two masters on one machine would share the default control socket path.
        command.append("--no-control-socket")
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
            [sys.executable, *command, "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Server(f"http://127.0.0.1:{port}", process, log)


def wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    probe = Browser("192.0.2.1")
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"the app server stopped ({server.process.returncode}):\n{tail}")
        try:
            if probe.get(server.base, "/sign-in").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the app server did not answer on {server.base}")


def stop(servers: list[Server]) -> None:
    """Stop them all at once, without gunicorn's graceful wait (SIGQUIT: quick shutdown)."""
    for server in servers:
        server.process.send_signal(signal.SIGQUIT)
    for server in servers:
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextmanager
def two_servers(workdir: Path, database_url: str, redis_url: str) -> Iterator[Topology]:
    """Prepare the shared database, start server A and server B side by side, enrol the
    second factors while they boot, and wait until both answer."""
    keys = key_values()
    env = server_environment(workdir, database_url, redis_url, keys)
    prepare_database(env, keys)
    servers: list[Server] = []
    try:
        servers = [start_server(env, workdir / f"server-{name}.log") for name in "ab"]
        totp_secrets = enrol_second_factors(env)
        for server in servers:
            wait_until_up(server)
        yield Topology(
            a=servers[0].base,
            b=servers[1].base,
            database_url=database_url,
            export_dir=Path(env["CARECOORD_EXPORT_DIR"]),
            secret_key=keys["CARECOORD_SECRET_KEY"],
            totp_secrets=totp_secrets,
            address=f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}",
        )
    finally:
        stop(servers)


def with_database(url: str, database: str) -> str:
    """`url` (redis://host:port/n) pointing at Redis database `database`."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{database}"))
