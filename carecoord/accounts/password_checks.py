"""Password checks at the lowest CPU priority, a bounded number at a time per process.

One Argon2id check with the production parameters keeps several cores busy for about a tenth
of a second. A storm of failed sign-ins for many accounts from many addresses is stopped by
neither the account lock nor the per-address limit (throttle.py), and would take the CPUs from
everyone at work. So:
- every password check runs in a thread of this process at nice 19 (Linux; the threads Argon2
  starts inherit it): pages are served first, checks use what CPU is left;
- a sign-in waits for no check: when all SIGN_IN_CHECKS slots of the process are taken it is
  refused at once ("busy, try again"), before its account is looked up, so the refusal is
  the same for every address and tells nothing about which accounts exist.
Gunicorn needs threads for this (worker class gthread): a sync worker waiting on a check
serves nothing else (docs/deployment.md).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from carecoord.codes import N_

# Sign-in password checks under way at once, per process.
SIGN_IN_CHECKS = 1
LOWEST_PRIORITY = 19
BUSY = N_("Signing in is very busy at the moment. Wait a few seconds and try again.")

T = TypeVar("T")


class ChecksBusy(RuntimeError):
    """Every sign-in check slot of this process is taken: refuse, do not queue."""


_slots = threading.BoundedSemaphore(SIGN_IN_CHECKS)
_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


@contextmanager
def sign_in_slot() -> Iterator[None]:
    """Hold one sign-in check slot for the block; raises ChecksBusy at once when none is free."""
    if not _slots.acquire(blocking=False):
        raise ChecksBusy
    try:
        yield
    finally:
        _slots.release()


def at_low_priority(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` in this process's lowest-priority thread; waits for and returns its result."""
    return _executor().submit(work, *args).result()


def _executor() -> ThreadPoolExecutor:
    """The process's pool, made afresh in a forked child (threads do not survive a fork)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            pool = ThreadPoolExecutor(
                max_workers=SIGN_IN_CHECKS,
                thread_name_prefix="password-check",
                initializer=_lower_priority,
            )
            _pool = (os.getpid(), pool)
        return _pool[1]


def _lower_priority() -> None:
    # On Linux a thread id names one thread to setpriority; elsewhere it would renice the whole
    # process, so the checks run at normal priority there.
    if sys.platform.startswith("linux"):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_PRIORITY)


def priority_of_checks() -> int:
    """The nice value the check threads run at (for tests and the deployment check)."""
    return at_low_priority(_own_priority)


def _own_priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
