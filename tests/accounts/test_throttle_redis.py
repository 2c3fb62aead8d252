"""With Redis as the rate-limit storage, an account lock holds in every app instance (process)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from carecoord import create_app
from carecoord.accounts import throttle
from carecoord.extensions import db, limiter
from tests.accounts.twofactor_support import (
    CODE_PATH,
    LOCKED_MESSAGE,
    WRONG_PASSWORD,
    password_step,
)
from tests.conftest import RequestIsolatedClient, csrf_token

REDIS_URL = "redis://127.0.0.1:6379/13"
EMAIL = "maria.jansen@example.org"


def redis_or_skip() -> None:
    """Skip without a Redis server; in CI, where the run must be complete, fail instead."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is unreachable in CI: {error}")
        pytest.skip(f"Redis test skipped: no Redis server at {REDIS_URL} ({error})")


@pytest.fixture
def instances(app: Flask) -> Iterator[tuple[Flask, Flask]]:
    """Two app instances, as two server processes would be, on the test database and one Redis
    storage under a key prefix of their own."""
    redis_or_skip()
    prefix = f"carecoord-test-{uuid.uuid4().hex[:12]}"
    settings = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "DEFAULT_LANGUAGE": "en",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix},
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    first, second = create_app(settings, env="test"), create_app(settings, env="test")
    try:
        yield first, second
    finally:
        first.extensions[throttle.EXTENSION].storage.reset()
        for instance in (first, second):
            with instance.app_context():
                db.engine.dispose()
        # The module-level limiter keeps the storage of the app initialised last: give it back
        # the test app's memory storage.
        limiter.init_app(app)


def browser(instance: Flask) -> RequestIsolatedClient:
    return RequestIsolatedClient(instance, instance.response_class, use_cookies=True)


def test_a_lock_made_in_one_instance_holds_in_the_other(app, make_user, instances):
    first, second = instances
    make_user(email=EMAIL)
    assert password_step(browser(second), EMAIL).location == CODE_PATH  # not locked yet

    attacker = browser(first)
    statuses = [password_step(attacker, EMAIL, WRONG_PASSWORD).status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    refused = password_step(browser(second), EMAIL)
    assert refused.status_code == 429
    assert LOCKED_MESSAGE in refused.get_data(as_text=True)
    # Each instance has its own connection: the lock really went through Redis.
    storages = {id(i.extensions[throttle.EXTENSION].storage) for i in instances}
    assert len(storages) == 2
    assert app.extensions[throttle.EXTENSION].storage is not None
    with app.test_request_context():
        assert not throttle.is_locked(throttle.account_key(EMAIL))  # memory: not shared


def test_failures_in_both_instances_add_up(make_user, instances):
    first, second = instances
    make_user(email=EMAIL)
    for instance in (first, second, first, second):
        assert password_step(browser(instance), EMAIL, WRONG_PASSWORD).status_code == 200
    assert password_step(browser(second), EMAIL, WRONG_PASSWORD).status_code == 429
    assert password_step(browser(first), EMAIL).status_code == 429


def test_sign_in_fails_closed_with_a_503_page_when_the_shared_storage_is_down(app, caplog):
    # Port 9 (discard) on loopback: nothing listens, so every storage call fails at once.
    down = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0",
            "DEFAULT_LANGUAGE": "en",
        },
        env="test",
    )
    with down.app_context():
        try:
            client = down.test_client()
            token = csrf_token(client)
            response = client.post(
                "/sign-in",
                data={"csrf_token": token, "email": "a@example.org", "password": "x" * 20},
            )
            assert response.status_code == 503
            page = response.get_data(as_text=True)
            assert "Signing in is not possible for a moment" in page
            assert "Traceback" not in page and "a@example.org" not in caplog.text
        finally:
            db.session.remove()
            db.engine.dispose()
            # The module-level limiter keeps the storage of the app initialised last.
            limiter.init_app(app)
