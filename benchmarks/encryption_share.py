"""Encryption's share of a client-file request: time inside carecoord.security over the request.

Per selected dataset: a client file of the busiest region whose timeline is closest to about
TIMELINE_STEPS steps, requested REQUESTS times (after WARMUP) through the Flask test client by
that region's coordinator, signed in by starting her session in a request context (the sign-in
form and its two-factor step are not what is measured). Each request is one GET of the page,
audit entry and commit included, as in production.

A timer wraps the entry points of carecoord/security: `Keyring.encrypt`, `Keyring.decrypt`,
the `encrypted` descriptor's `__get__`/`__set__` (key lookup, associated data, decoding, the
per-object cache) and `ColumnOpener.__call__`; nested calls count once (the outermost).
  ratio encryption_share_client_file.<dataset>   time in crypto ÷ request time (goal ≤ 0.05)
  figure client_file_request_ms.<dataset>        median per request
  figure client_file_crypto_ms.<dataset>         median time in crypto per request
  figure client_file_crypto_calls.<dataset>      calls into the wrapped functions per request
`--profile` also prints cProfile's top functions of one request to stderr.
Run: `.venv/bin/python -m benchmarks.encryption_share`.
"""

from __future__ import annotations

import argparse
import contextvars
import cProfile
import functools
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, session
from flask.testing import FlaskClient
from sqlalchemy import func, select

from benchmarks.common import Dataset, app_for, datasets, figure, note, ratio
from carecoord.accounts.models import Region, User
from carecoord.accounts.sessions import start_session
from carecoord.codes import Role
from carecoord.extensions import db
from carecoord.security import crypto, encrypted
from carecoord.trajectories.models import Step, Trajectory

TIMELINE_STEPS = 30
WARMUP = 5
REQUESTS = 60

WRAPPED: tuple[tuple[type, str], ...] = (
    (crypto.Keyring, "encrypt"),
    (crypto.Keyring, "decrypt"),
    (encrypted.encrypted, "__get__"),
    (encrypted.encrypted, "__set__"),
    (encrypted.ColumnOpener, "__call__"),
)


class CryptoTimer:
    """Seconds and calls spent in the wrapped functions, the outermost call counted only."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._depth = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:
                return function(*args, **kwargs)
            self._depth += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1
                self._depth -= 1

        return timed

    def reset(self) -> None:
        self.seconds, self.calls = 0.0, 0


@contextmanager
def timed_crypto() -> Iterator[CryptoTimer]:
    timer = CryptoTimer()
    originals = [(owner, name, owner.__dict__[name]) for owner, name in WRAPPED]
    for owner, name, function in originals:
        setattr(owner, name, timer.wrap(function))
    try:
        yield timer
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)


def client_file(region: Region) -> Trajectory:
    """The region's trajectory whose timeline is closest to TIMELINE_STEPS steps."""
    steps = (
        select(Step.trajectory_id, func.count().label("n"))
        .join(Trajectory, Trajectory.id == Step.trajectory_id)
        .where(Trajectory.region_id == region.id)
        .group_by(Step.trajectory_id)
        .subquery()
    )
    trajectory_id = db.session.scalar(
        select(steps.c.trajectory_id)
        .order_by(func.abs(steps.c.n - TIMELINE_STEPS), steps.c.trajectory_id)
        .limit(1)
    )
    return db.session.get(Trajectory, trajectory_id)


def busiest_region() -> Region:
    region_id = db.session.scalar(
        select(Trajectory.region_id)
        .group_by(Trajectory.region_id)
        .order_by(func.count().desc(), Trajectory.region_id)
        .limit(1)
    )
    return db.session.get(Region, region_id)


def signed_in(app: Flask, user_id: int) -> FlaskClient:
    """A test client whose session cookie is the one the second sign-in step would give."""
    client = app.test_client()
    with app.test_request_context():
        start_session(db.session.get(User, user_id))
        values = dict(session)
        permanent = session.permanent
    with client.session_transaction() as cookie:
        cookie.update(values)
        cookie.permanent = permanent
    return client


def measure(found: Dataset, profile: bool) -> None:
    with app_for(found) as app:
        region = busiest_region()
        t = client_file(region)
        user_id = db.session.scalar(
            select(User.id)
            .where(User.region_id == region.id, User.role == Role.COORDINATOR.value)
            .order_by(User.id)
            .limit(1)
        )
        url, steps = f"/trajectories/{t.public_id}", len(t.steps)
        note(f"{found.name}: a client file of {region.code} with {steps} steps, {REQUESTS}×")
        db.session.rollback()  # SQLite: a transaction left open here holds the write lock
        # Outside the benchmark's app context: each request gets its own, with a fresh
        # session (no object or decryption cached from the request before), as in production.
        request_s, crypto_s, calls = contextvars.Context().run(requests, app, user_id, url)
        if profile:
            contextvars.Context().run(profile_one, app, user_id, url)
    figure(f"client_file_steps.{found.name}", steps, "steps")
    figure(f"client_file_request_ms.{found.name}", statistics.median(request_s) * 1000, "ms")
    figure(f"client_file_crypto_ms.{found.name}", statistics.median(crypto_s) * 1000, "ms")
    figure(f"client_file_crypto_calls.{found.name}", statistics.median(calls), "calls")
    ratio(f"encryption_share_client_file.{found.name}", sum(crypto_s) / sum(request_s))


def requests(app: Flask, user_id: int, url: str) -> tuple[list[float], list[float], list[int]]:
    client = signed_in(app, user_id)
    request_s, crypto_s, calls = [], [], []
    with timed_crypto() as timer:
        for _ in range(WARMUP):
            assert client.get(url).status_code == 200
        for _ in range(REQUESTS):
            timer.reset()
            started = time.perf_counter()
            response = client.get(url)
            request_s.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
            crypto_s.append(timer.seconds)
            calls.append(timer.calls)
    return request_s, crypto_s, calls


def profile_one(app: Flask, user_id: int, url: str) -> None:
    client = signed_in(app, user_id)
    client.get(url)
    profiler = cProfile.Profile()
    profiler.runcall(client.get, url)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile one request (stderr)")
    args = parser.parse_args()
    for found in datasets():
        measure(found, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
