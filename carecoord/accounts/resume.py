"""A form sent into an ended session: what is kept of it, its signature, and the page showing it.

The page that keeps the typed values carries them in hidden fields, plus a signature over the
original path, the user who typed them and the values. `/session/resume` only accepts values
with a valid signature, so another site cannot post made-up values for the user to save.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict

from carecoord.accounts import sessions
from carecoord.accounts.guards import safe_next

SIGNATURE_FIELD = "_resume_signature"
SALT = "carecoord.session-resume.v1"
# Long enough to sign in again in another tab; short enough that a copy of the page goes stale.
MAX_AGE_SECONDS = 3600
IDLE, ABSOLUTE = "idle", "absolute"
REASONS = frozenset({IDLE, ABSOLUTE})
# Never written into a page again: the old session's token, passwords and one-time codes.
SECRET_FIELDS = frozenset({"csrf_token", "code", "totp_code", "recovery_code", SIGNATURE_FIELD})
# Carried unchanged (a stale version still meets the conflict page) but not shown as typed text.
TECHNICAL_FIELDS = frozenset({"version", "submission", "token", "rendered_at", "next"})

Fields = list[tuple[str, list[str]]]


class NotVerified(ValueError):
    """The kept values or their signature were changed, are too old, or name a foreign path."""


@dataclass(frozen=True)
class Kept:
    """What was typed into a form that arrived after the session had ended."""

    path: str
    user: str
    reason: str
    fields: Fields

    @property
    def shown(self) -> Fields:
        """The fields the user typed or chose, without the form's technical fields."""
        return [(name, values) for name, values in self.fields if name not in TECHNICAL_FIELDS]


def is_kept(name: str) -> bool:
    return name not in SECRET_FIELDS and "password" not in name.lower()


def kept_fields(form: MultiDict) -> Fields:
    """Every kept field of a posted form, with all its values (checkbox lists)."""
    return [(name, list(values)) for name, values in form.lists() if is_kept(name)]


def sign(kept: Kept) -> str:
    payload = {"p": kept.path, "u": kept.user, "r": kept.reason, "d": _digest(kept.fields)}
    return _serializer().dumps(payload)


def verify(form: MultiDict) -> tuple[Kept, str]:
    """The kept values posted back with their signature; raises NotVerified."""
    signature = form.get(SIGNATURE_FIELD, "")
    try:
        payload = _serializer().loads(signature, max_age=MAX_AGE_SECONDS)
        path, user, reason, digest = payload["p"], payload["u"], payload["r"], payload["d"]
    except (BadData, KeyError, TypeError):
        raise NotVerified from None
    fields = kept_fields(form)
    if not isinstance(digest, str) or not hmac.compare_digest(digest, _digest(fields)):
        raise NotVerified
    if not isinstance(path, str) or safe_next(path, "") != path or reason not in REASONS:
        raise NotVerified
    return Kept(path=path, user=str(user), reason=reason, fields=fields), signature


def render_kept(template: str, kept: Kept, *, signature: str | None = None, **context: Any) -> str:
    """`template` with the kept values and their signature (a fresh one unless given)."""
    return render_template(
        template,
        kept=kept,
        signature_field=SIGNATURE_FIELD,
        signature=signature or sign(kept),
        idle_minutes=current_app.config["SESSION_IDLE_MINUTES"],
        absolute_hours=current_app.config["SESSION_ABSOLUTE_HOURS"],
        **context,
    )


def _digest(fields: Fields) -> str:
    # Browsers send line breaks as CRLF, whatever the hidden field held: compare them as LF.
    canonical = sorted([name, [_lines(v) for v in values]] for name, values in fields)
    encoded = json.dumps(canonical, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def _lines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


class _SessionClockSigner(TimestampSigner):
    """Ages signatures on the session clock, so both move together (and tests can move it)."""

    def get_timestamp(self) -> int:
        return sessions.now()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=SALT, signer=_SessionClockSigner
    )
