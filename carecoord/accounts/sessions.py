"""Starting, ending and timing signed-in sessions: at sign-in, after a version bump, on expiry."""

from __future__ import annotations

import time

from flask import session
from flask_login import current_user, login_user, logout_user

from carecoord.accounts.models import User

# Keys in the signed session cookie: UTC epoch seconds of the sign-in and of the last request.
STARTED_AT = "started_at"
LAST_SEEN = "last_seen"


def now() -> int:
    """The clock of the session timeouts (tests replace it to move time)."""
    return int(time.time())


def start_session(user: User) -> None:
    """A new session for `user`: nothing from before survives (fixation) but the language.

    A session that continues for the same user (after changing her own password or region)
    keeps its start, so the absolute timeout cannot be pushed back without signing in again.
    """
    started = session.get(STARTED_AT) if _same_user(user) else None
    clear_session()
    login_user(user)
    session.permanent = True
    moment = now()
    session[STARTED_AT] = started if isinstance(started, int) else moment
    session[LAST_SEEN] = moment


def end_session() -> None:
    """Sign out this browser only: the user's other sessions (session version) stay valid."""
    logout_user()
    clear_session()


def clear_session() -> None:
    """Empty the session but for the chosen language."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def _same_user(user: User) -> bool:
    return bool(current_user.is_authenticated and current_user.id == user.id)
