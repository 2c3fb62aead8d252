"""Sign-in throttling: failures per account lock that account for a while (SECURITY.md).

The counters live in the `limits` storage Flask-Limiter uses (RATELIMIT_STORAGE_URI): with Redis
a lock holds in every process and server. Each app keeps its own storage object, because the
module-level `limiter` holds only the storage of the app initialised last (tests create several).
Accounts are keyed on an HMAC of the normalised e-mail address, never the address itself, and an
unknown address is counted and locked exactly like a known one, so nothing can be enumerated.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from carecoord.codes import N_

log = logging.getLogger(__name__)

EXTENSION = "carecoord_throttle"
LOCKED = N_(
    "Signing in to this account is temporarily blocked after too many failed attempts. "
    "Try again later."
)


@dataclass(frozen=True)
class Throttle:
    storage: Storage
    limiter: FixedWindowRateLimiter
    prefix: str


def init_throttle(app: Flask) -> None:
    """The app's own connection to the rate-limit storage."""
    storage = storage_from_string(
        app.config["RATELIMIT_STORAGE_URI"], **app.config.get("RATELIMIT_STORAGE_OPTIONS", {})
    )
    app.extensions[EXTENSION] = Throttle(
        storage=storage,
        limiter=FixedWindowRateLimiter(storage),
        prefix=app.config.get("RATELIMIT_KEY_PREFIX", ""),
    )


def _throttle() -> Throttle:
    return current_app.extensions[EXTENSION]


def account_key(email: str) -> str:
    """HMAC-SHA256 of the normalised address under a key derived from SECRET_KEY: stable across
    processes that share the secret, meaningless without it (so safe in Redis and in logs)."""
    secret = hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"carecoord:sign-in-throttle:v1", hashlib.sha256
    ).digest()
    normalised = email.strip().lower().encode("utf-8")
    return hmac.new(secret, normalised, hashlib.sha256).hexdigest()[:32]


def _failures_item() -> RateLimitItemPerSecond:
    config = current_app.config
    return RateLimitItemPerSecond(
        config["SIGN_IN_FAILURES_ALLOWED"], config["SIGN_IN_FAILURE_WINDOW"]
    )


def _lock_item() -> RateLimitItemPerSecond:
    # One hit fills it: the account stays locked until this window expires.
    return RateLimitItemPerSecond(1, current_app.config["SIGN_IN_LOCK_SECONDS"])


def _identifiers(kind: str, account: str) -> tuple[str, ...]:
    throttle = _throttle()
    return (throttle.prefix, kind, account) if throttle.prefix else (kind, account)


def is_locked(account: str) -> bool:
    """Whether sign-in to `account` is blocked now (even with the right password)."""
    return not _throttle().limiter.test(_lock_item(), *_identifiers("sign-in-lock", account))


def register_failure(account: str) -> bool:
    """Count a failed password or second factor; True when this failure locked the account."""
    throttle = _throttle()
    failures = _failures_item()
    throttle.limiter.hit(failures, *_identifiers("sign-in-failures", account))
    if throttle.limiter.test(failures, *_identifiers("sign-in-failures", account)):
        return False
    throttle.limiter.hit(_lock_item(), *_identifiers("sign-in-lock", account))
    throttle.limiter.clear(failures, *_identifiers("sign-in-failures", account))
    log.warning("sign-in locked: account=%s", account)
    return True


def clear_failures(account: str) -> None:
    """A completed sign-in forgets the earlier failures of that account."""
    throttle = _throttle()
    throttle.limiter.clear(_failures_item(), *_identifiers("sign-in-failures", account))


def reset(app: Flask) -> None:
    """Forget every counter and lock (tests)."""
    app.extensions[EXTENSION].storage.reset()
