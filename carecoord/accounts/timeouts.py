"""Idle and absolute session timeouts, checked before every request (before the access guard).

The timeouts are read from the signed session cookie (`started_at`, `last_seen`), so a copy of
the cookie is bound by the same limits. An expired session ends in this browser only: the
user's session version is not bumped, so her session on another device goes on.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from carecoord.accounts import sessions
from carecoord.accounts.guards import PUBLIC_ENDPOINTS, safe_next
from carecoord.accounts.resume import ABSOLUTE, IDLE, Kept, kept_fields, render_kept
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.extensions import db

AUDIT_DETAIL = {IDLE: "idle_timeout", ABSOLUTE: "absolute_timeout"}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Forms whose purpose is only to end the session: nothing worth keeping.
NOTHING_TO_KEEP = frozenset({"accounts.sign_out"})
EXPIRED_TEMPLATE = "accounts/session_expired.html"


def expiry_reason(
    started_at: object, last_seen: object, moment: int, *, idle_seconds: int, absolute_seconds: int
) -> str | None:
    """Why a session with these timestamps has ended at `moment`, or None while it is valid.

    A session without timestamps (a cookie from before the timeouts) counts as too old.
    """
    if not isinstance(started_at, int) or moment - started_at > absolute_seconds:
        return ABSOLUTE
    if not isinstance(last_seen, int) or moment - last_seen > idle_seconds:
        return IDLE
    return None


def end_expired_session() -> ResponseReturnValue | None:
    """before_request: refresh `last_seen`, or end a session that was idle too long or is too old.

    An ended GET goes to the sign-in page and comes back afterwards; an ended POST is not
    executed: its typed values are shown again (401) so that nothing is lost.
    """
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    moment = sessions.now()
    config = current_app.config
    reason = expiry_reason(
        session.get(sessions.STARTED_AT),
        session.get(sessions.LAST_SEEN),
        moment,
        idle_seconds=config["SESSION_IDLE_MINUTES"] * 60,
        absolute_seconds=config["SESSION_ABSOLUTE_HOURS"] * 3600,
    )
    if reason is None:
        session[sessions.LAST_SEEN] = moment
        return None
    user = current_user._get_current_object()
    record(user, Action.SIGN_OUT, user, detail=AUDIT_DETAIL[reason])
    db.session.commit()
    sessions.end_session()
    endpoint, asks = request.endpoint, request.method in SAFE_METHODS
    if asks or endpoint in NOTHING_TO_KEEP:
        flash(_expired_message(reason), "warning")
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None  # the page goes on for a visitor who is not signed in
    if asks or endpoint in NOTHING_TO_KEEP:
        return redirect(url_for("accounts.sign_in", next=_back_here() if asks else None))
    kept = Kept(
        path=request.path, user=str(user.public_id), reason=reason, fields=kept_fields(request.form)
    )
    return render_kept(EXPIRED_TEMPLATE, kept), 401


def _expired_message(reason: str) -> str:
    if reason == IDLE:
        return _(
            "Your session has expired: you were inactive for more than %(minutes)s minutes. "
            "Sign in again to continue.",
            minutes=current_app.config["SESSION_IDLE_MINUTES"],
        )
    return _(
        "Your session has expired: you were signed in for more than %(hours)s hours. "
        "Sign in again to continue.",
        hours=current_app.config["SESSION_ABSOLUTE_HOURS"],
    )


def _back_here() -> str | None:
    """The page asked for, as a local path; our GET queries hold codes only (search is POST)."""
    query = request.query_string.decode("utf-8", "replace")
    target = f"{request.path}?{query}" if query else request.path
    return safe_next(target, "") or None
