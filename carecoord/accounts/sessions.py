"""Starting a fresh signed-in session: at sign-in and after a user's session version moved."""

from __future__ import annotations

from flask import session
from flask_login import login_user

from carecoord.accounts.models import User


def start_session(user: User) -> None:
    """A new session for `user`: nothing from before survives (fixation) but the language."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    login_user(user)
    session.permanent = True
