"""Two-factor sign-in: TOTP (RFC 6238) accepted once, one-time recovery codes. Never commits.

Recovery codes are hashed with HMAC-SHA256 under a key derived from SECRET_KEY, not with Argon2:
each code is random with ~59 bits of entropy, so a slow hash adds nothing a guesser could feel,
while the key (never in the database) makes a leaked table useless on its own. A keyed hash is
also deterministic, so a code is found with one indexed equality instead of ten Argon2 runs per
attempt, which an attacker could otherwise use to burn CPU. Rotating SECRET_KEY therefore voids
the codes not yet used (users make new ones on their account page).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from typing import NoReturn

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from carecoord.accounts.models import RecoveryCode, User
from carecoord.accounts.operations import AccountRefused
from carecoord.audit.models import Action, Outcome
from carecoord.audit.operations import record
from carecoord.codes import N_
from carecoord.extensions import db
from carecoord.security.encrypted import Unreadable
from carecoord.timeutil import utcnow

DRIFT_STEPS = 1  # a phone clock up to one 30-second step off is still accepted
TOTP_PATTERN = re.compile(r"^[0-9]{6}\Z")
RECOVERY_CODE_COUNT = 10
# Lower case letters and digits without look-alikes (0/o, 1/l/i): 31 symbols, 12 of them.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 3, 4
CODE_INPUT_MAX = 40
OWN_RESET = N_(
    "You cannot reset your own two-factor sign-in: another administrator has to do that."
)
WRONG_CODE = N_("The code is incorrect or was used before. Enter a new code.")

# The time source of code checks; tests replace it to pin a 30-second step.
clock: Callable[[], float] = time.time


class SecondFactorRefused(ValueError):
    """A code that does not sign in: wrong, used before, or out of time. Says no more."""


def new_secret() -> str:
    """160 random bits, base32, as authenticator apps expect."""
    return pyotp.random_base32()


def grouped(text: str, size: int = 4) -> str:
    """`ABCDEFGH` as `ABCD EFGH`, for reading aloud or typing over."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def provisioning_uri(user: User, secret: str) -> str:
    issuer = current_app.config["TWO_FACTOR_ISSUER"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG markup: no script, no style attribute (strict CSP)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, svgclass="qr-code", lineclass=None, omitsize=True
    )
    return Markup(svg)  # noqa: S704 - segno's own output, the URI is encoded as QR modules


def normalise_code(text: str) -> str:
    """Spaces and hyphens removed, lower case: how a code is compared."""
    return re.sub(r"[\s-]+", "", text or "").lower()


def matching_counter(secret: str, code: str, *, after: int | None, at: float) -> int | None:
    """The time step (within the drift of `at`, later than `after`) whose code is `code`."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    found = None
    for counter in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if after is not None and counter <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(counter), code) and found is None:
            found = counter
    return found


def verify_second_factor(user: User, code: str, *, at: float) -> str:
    """The method ("totp" or "recovery_code") when `code` signs `user` in, each code once.
    Records a failure and raises SecondFactorRefused otherwise."""
    code = normalise_code(code)
    if TOTP_PATTERN.match(code):
        if _accept_totp(user, code, at=at):
            return "totp"
        secret = _secret(user)
        seen = secret is not None and matching_counter(secret, code, after=None, at=at) is not None
        _refuse(user, "replayed_code" if seen else "wrong_code")
    if _use_recovery_code(user, code):
        return "recovery_code"
    _refuse(user, "wrong_recovery_code")


def _secret(user: User) -> str | None:
    secret = user.totp_secret
    return None if secret is None or isinstance(secret, Unreadable) else secret


def _accept_totp(user: User, code: str, *, at: float) -> bool:
    secret = _secret(user)
    if secret is None or user.totp_enabled_at is None:
        return False
    counter = matching_counter(secret, code, after=user.totp_last_counter, at=at)
    if counter is None:
        return False
    # One conditional update: of two requests with the same code only one moves the counter.
    moved = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_counter.is_(None), User.totp_last_counter < counter),
        )
        .values(totp_last_counter=counter)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_counter", counter)
    return True


def _refuse(user: User, detail: str) -> NoReturn:
    record(None, Action.TWO_FACTOR, user, outcome=Outcome.FAILED, detail=detail)
    db.session.flush()
    raise SecondFactorRefused(detail)


def complete_sign_in(user: User, method: str) -> None:
    """Both factors passed: the sign-in itself, recorded with how the second was given."""
    user.last_sign_in_at = utcnow()
    record(user, Action.SIGN_IN, user, detail=method)
    db.session.flush()


def enrol(user: User, secret: str, code: str, *, at: float) -> list[str]:
    """Store `secret` once a code of it proves the app has it; returns the new recovery codes
    (shown once). Raises SecondFactorRefused for a wrong code. Never commits."""
    code = normalise_code(code)
    counter = matching_counter(secret, code, after=None, at=at)
    if user.totp_enabled_at is not None or not TOTP_PATTERN.match(code) or counter is None:
        _refuse(user, "enrolment_wrong_code")
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_counter = counter
    record(user, Action.TWO_FACTOR, user, detail="enrolled")
    return new_recovery_codes(user, actor=user)


def new_recovery_codes(user: User, *, actor: User) -> list[str]:
    """Ten fresh codes for `user`, replacing any earlier ones; returned in clear this once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_random_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(user, c)) for c in codes)
    record(actor, Action.TWO_FACTOR, user, detail="recovery_codes_created")
    db.session.flush()
    return ["-".join(grouped(code, RECOVERY_GROUP_LENGTH).split()) for code in codes]


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _random_code() -> str:
    length = RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(length))


def _hash(user: User, code: str) -> str:
    """HMAC-SHA256 of the user's public id and the normalised code (see the module docstring)."""
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"carecoord:recovery-codes:v1", hashlib.sha256
    ).digest()
    message = user.public_id.bytes + normalise_code(code).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _use_recovery_code(user: User, code: str) -> bool:
    length = RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH
    if user.totp_enabled_at is None or len(code) != length:
        return False
    # Conditional, like the TOTP counter: a code used by a parallel request is not used twice.
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(user, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return False
    record(user, Action.TWO_FACTOR, user, detail="recovery_code_used")
    db.session.flush()
    return True


def reset_two_factor(user: User, *, actor: User | None) -> None:
    """An administrator (or the command line: no actor) clears `user`'s second factor and
    recovery codes and ends her sessions; she enrols again at her next sign-in. Never commits."""
    if actor is not None and user.id == actor.id:
        raise AccountRefused("confirm", OWN_RESET)
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version += 1
    record(actor, Action.TWO_FACTOR, user, detail="reset")
    db.session.flush()
