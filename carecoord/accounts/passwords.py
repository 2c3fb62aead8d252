"""Password policy (OWASP ASVS 5.0 §6.2) and Argon2id hashing."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn.matching import RANKED_DICTIONARIES

from carecoord.accounts.password_checks import at_low_priority
from carecoord.codes import N_

PASSWORD_MIN = 15
PASSWORD_MAX = 128
# Passwords in zxcvbn's ranked lists are common; with a 15-character minimum, a password
# that is a common one with padding is caught by the repeat and sequence checks below.
COMMON_LISTS = ("passwords", "english_wikipedia", "us_tv_and_film")


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the user exists: pass None to hash against a dummy.
    The Argon2 work runs at the lowest CPU priority (password_checks.py): pages go first."""
    return at_low_priority(_verify, _hasher(), stored_hash, password)


def _verify(hasher: PasswordHasher, stored_hash: str | None, password: str) -> bool:
    target = stored_hash or _dummy_hash(hasher)
    try:
        hasher.verify(target, password)
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


_DUMMY: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    params = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if params not in _DUMMY:
        _DUMMY[params] = hasher.hash("not-a-real-password-for-timing-only")
    return _DUMMY[params]


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """A message id saying why `password` is refused, or None. No composition rules."""
    if len(password) < PASSWORD_MIN:
        return N_("Use at least 15 characters.")
    if len(password) > PASSWORD_MAX:
        return N_("Use at most 128 characters.")
    folded = password.casefold()
    compact = "".join(folded.split())
    if len(set(compact)) < 4:
        return N_("This password is too easy to guess.")
    if _is_common(compact):
        return N_("This password is too common; choose another.")
    for personal in (email.casefold(), email.casefold().split("@")[0], name.casefold()):
        if personal and len(personal) >= 4 and personal in folded:
            return N_("Do not use your name or e-mail address in your password.")
    return None


def _is_common(compact: str) -> bool:
    candidates = {compact, compact.rstrip("0123456789!?.")}
    # Repetitions of a short common word ("passwordpassword") count as common too.
    for size in range(3, len(compact) // 2 + 1):
        if len(compact) % size == 0 and compact[:size] * (len(compact) // size) == compact:
            candidates.add(compact[:size])
    for candidate in candidates:
        for listname in COMMON_LISTS:
            if candidate in RANKED_DICTIONARIES.get(listname, {}):
                return True
    return _is_sequence(compact)


def _is_sequence(compact: str) -> bool:
    rows = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm")
    return any(compact in row * 3 or compact in row[::-1] * 3 for row in rows)
