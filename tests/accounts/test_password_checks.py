"""A storm of sign-ins: password checks run at the lowest CPU priority, a bounded number at a
time, and a sign-in that finds them all taken is refused at once, the same for every address."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from carecoord.accounts import password_checks
from carecoord.accounts.passwords import hash_password, verify_password
from tests.accounts.twofactor_support import WRONG_PASSWORD, is_signed_in, password_step
from tests.conftest import PASSWORD, sign_in_through_the_form

BUSY = "Signing in is very busy at the moment. Wait a few seconds and try again."
INCORRECT = "The e-mail address or password is incorrect."


def test_while_every_check_is_taken_sign_in_is_refused_alike_for_every_address(
    client, make_user, audit_entries
):
    maria = make_user(email="maria.jansen@example.org")
    before = len(audit_entries())
    with password_checks.sign_in_slot():
        known = password_step(client, maria.email)  # even the right password
        refusals = [password_step(client, maria.email, WRONG_PASSWORD) for _ in range(3)]
        unknown = password_step(client, "nobody@example.org", WRONG_PASSWORD)
    for refused in (known, *refusals, unknown):
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "5"
        assert BUSY in refused.get_data(as_text=True)
    assert not is_signed_in(client)
    # Nothing looked up or written, and nothing counted toward the lock (5 failures): four
    # real failures now still say "incorrect", and her right password then signs her in.
    assert len(audit_entries()) == before
    failures = [password_step(client, maria.email, WRONG_PASSWORD) for _ in range(4)]
    assert all(INCORRECT in f.get_data(as_text=True) for f in failures)
    sign_in_through_the_form(client, maria.email)
    assert is_signed_in(client)


def test_slots_are_bounded_and_given_back(app):
    with (
        password_checks.sign_in_slot(),
        pytest.raises(password_checks.ChecksBusy),
        password_checks.sign_in_slot(),
    ):
        pass
    with password_checks.sign_in_slot():
        pass


def test_a_failed_check_gives_its_slot_back(client, make_user):
    maria = make_user()
    assert password_step(client, maria.email, WRONG_PASSWORD).status_code == 200
    assert password_step(client, "nobody@example.org", WRONG_PASSWORD).status_code == 200
    with password_checks.sign_in_slot():
        pass


def test_checks_run_in_another_thread_at_the_lowest_priority(app):
    if not sys.platform.startswith("linux"):
        pytest.skip("thread priorities are set on Linux only")
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert password_checks.priority_of_checks() == password_checks.LOWEST_PRIORITY
    assert password_checks.at_low_priority(threading.get_native_id) != threading.get_native_id()
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own


def test_verification_still_tells_right_from_wrong(app):
    stored = hash_password(PASSWORD)
    assert verify_password(stored, PASSWORD) is True
    assert verify_password(stored, WRONG_PASSWORD) is False
    assert verify_password(None, PASSWORD) is False
    assert verify_password("not-a-hash", PASSWORD) is False
