"""The topology under test: PostgreSQL and Redis from the test settings, or a skip that names
what is missing. In CI (env CI set) a missing server fails the run instead: there it must run."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from carecoord.accounts import throttle
from tests.conftest import POSTGRES_ENV, fresh_postgres_database, postgres_admin_url
from tests.topology.servers import ENROLLED, Topology, two_servers, with_database

REDIS_ENV = "CARECOORD_TEST_REDIS_URL"
# A Redis database of the topology test's own (tests/accounts uses 13, the lead's URL names 0).
TOPOLOGY_REDIS_DB = 14


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: in CI the topology test must not skip")
    pytest.skip(f"topology test skipped: {reason}")


def postgres_or_skip() -> None:
    admin = postgres_admin_url()
    if admin is None:
        skip_or_fail(f"{POSTGRES_ENV} is not set")
    engine = create_engine(admin, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        skip_or_fail(f"PostgreSQL at {POSTGRES_ENV} does not answer ({type(error.orig).__name__})")
    finally:
        engine.dispose()


def redis_or_skip() -> str:
    """The URL of the topology test's Redis database, once the server answers."""
    base = os.environ.get(REDIS_ENV)
    if not base:
        skip_or_fail(f"{REDIS_ENV} is not set (e.g. redis://127.0.0.1:6379/0)")
    url = with_database(base, TOPOLOGY_REDIS_DB)
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2) as connection:
            connection.ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis at {REDIS_ENV} does not answer ({type(error).__name__})")
    return url


def forget_own_counters(url: str, topology: Topology) -> None:
    """Delete the throttle keys of this run only: those of its client address and of its
    accounts (keyed with this run's own SECRET_KEY), never another run's."""
    keyed = Flask("topology")
    keyed.config["SECRET_KEY"] = topology.secret_key
    with keyed.app_context():
        markers = [topology.address, *(throttle.account_key(email) for email in ENROLLED)]
    with redis.Redis.from_url(url) as connection:
        for marker in markers:
            for key in connection.scan_iter(match=f"*{marker}*"):
                connection.delete(key)


@pytest.fixture(scope="session")
def topology(tmp_path_factory) -> Iterator[Topology]:
    """Servers A and B on one fresh PostgreSQL database and one Redis database."""
    postgres_or_skip()
    redis_url = redis_or_skip()
    workdir = tmp_path_factory.mktemp("topology")
    with (
        fresh_postgres_database("carecoord_topology") as database_url,
        two_servers(workdir, database_url, redis_url) as running,
    ):
        try:
            yield running
        finally:
            forget_own_counters(redis_url, running)
