"""The state between password and second factor: a marker in the session, nobody signed in.

Flask's session cookie is signed, not encrypted: the marker holds only the user's public id,
session version, start time and the page to return to; a secret being enrolled is kept in it
AES-GCM-encrypted, bound to its purpose and the user.
"""

from __future__ import annotations

import base64
import time

from flask import current_app, session

from carecoord.accounts.guards import user_for_session
from carecoord.accounts.models import User
from carecoord.security.crypto import DecryptionError, associated_data
from carecoord.security.keys import keyring

KEY = "pending_sign_in"


def begin(user: User, next_target: str) -> None:
    """A fresh session (nothing from before survives but the language) with only the marker."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    session[KEY] = {
        "user": str(user.public_id),
        "version": user.session_version,
        "at": int(time.time()),
        "next": next_target or "",
    }


def pending_user() -> User | None:
    """The user half-way through signing in; None when there is no marker, it expired, or her
    session version moved on (password changed, 2FA reset, deactivated) since the password."""
    marker = session.get(KEY)
    if not isinstance(marker, dict):
        return None
    user = user_for_session(str(marker.get("user")), str(marker.get("version")))
    if user is None:
        return None
    setting = "TWO_FACTOR_PENDING_SECONDS" if user.totp_enabled_at else "TWO_FACTOR_ENROL_SECONDS"
    age = time.time() - float(marker.get("at", 0))
    if not 0 <= age <= current_app.config[setting]:
        return None
    return user


def clear() -> None:
    session.pop(KEY, None)


def next_target() -> str:
    marker = session.get(KEY)
    return str(marker.get("next", "")) if isinstance(marker, dict) else ""


def _aad(user: User) -> bytes:
    return associated_data("pending_sign_in", "totp_secret", user.public_id.bytes)


def store_secret(user: User, secret: str) -> None:
    """Keep the secret being enrolled, encrypted, until a code confirms it."""
    blob = keyring().encrypt(secret.encode(), _aad(user))
    session[KEY] = {**session[KEY], "secret": base64.b64encode(blob).decode()}


def stored_secret(user: User) -> str | None:
    """The secret being enrolled; None when there is none or it cannot be decrypted."""
    marker = session.get(KEY)
    encoded = marker.get("secret") if isinstance(marker, dict) else None
    if not isinstance(encoded, str):
        return None
    try:
        return keyring().decrypt(base64.b64decode(encoded), _aad(user)).decode()
    except (DecryptionError, ValueError):
        return None
