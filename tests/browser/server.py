"""The real app for browser tests: a fresh SQLite database, demo data, gunicorn on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(workdir: Path) -> dict[str, str]:
    """Test keys and cheap hashing (CARECOORD_ENV=test), Dutch by default, its own database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARECOORD_")}
    env.update(
        CARECOORD_ENV="test",
        CARECOORD_DATABASE_URL=f"sqlite:///{workdir / 'carecoord.db'}",
        CARECOORD_EXPORT_DIR=str(workdir / "exports"),
        PYTHONUNBUFFERED="1",
    )
    return env


def _flask(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app server stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"the app server did not answer on {url}")


@contextmanager
def running_app(workdir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Migrate, seed the demo data and serve with gunicorn (2 workers); yields (base url, env)."""
    env = server_environment(workdir)
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "seed")
    port = free_port()
    log = (workdir / "server.log").open("wb")
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2"]
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
        [*gunicorn, "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/sign-in", process)
        yield base_url, env
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
