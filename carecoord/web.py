"""Request plumbing: request ids, security headers, error pages, template helpers."""

from __future__ import annotations

import functools
import logging
import uuid
from datetime import date, datetime

from babel.numbers import get_group_symbol
from flask import Flask, current_app, g, render_template, request, session
from flask_babel import (
    format_date,
    format_datetime,
    get_locale,
    get_translations,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from carecoord.accounts.guards import OutOfScope, audit_out_of_scope
from carecoord.codes import LABELS, N_
from carecoord.extensions import db, login_manager
from carecoord.security.encrypted import Unreadable

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
ERROR_TEXTS = {
    400: (N_("The request could not be processed"), N_("Reload the page and try again.")),
    403: (N_("No access"), N_("Your role does not give access to this page.")),
    404: (N_("Page not found"), N_("This page does not exist, or not for you.")),
    405: (N_("Not allowed"), N_("This action cannot be done this way.")),
    409: (
        N_("Conflict"),
        N_("Someone else changed this in the meantime. Nothing was saved; check and try again."),
    ),
    413: (N_("Too large"), N_("What you sent is too large.")),
    422: (N_("The input could not be processed"), N_("Check the form and try again.")),
    429: (N_("Too many attempts"), N_("Wait a moment and try again.")),
    500: (
        N_("Something went wrong"),
        N_("Nothing was saved. Try again; if it keeps happening, contact the administrator."),
    ),
    503: (
        N_("Temporarily unavailable"),
        N_("The database cannot be reached. Nothing was saved. Try again in a moment."),
    ),
}
THROTTLE_DOWN = (
    N_("Temporarily unavailable"),
    N_("Signing in is not possible for a moment. Nothing was saved. Try again in a moment."),
)


def select_locale() -> str:
    """The language chosen in this session, else the default (Dutch)."""
    language = session.get("language")
    languages = current_app.config["LANGUAGES"]
    return language if language in languages else current_app.config["DEFAULT_LANGUAGE"]


def init_web(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.before_request(_assign_request_id)
    app.after_request(_security_headers)
    app.register_error_handler(OutOfScope, _out_of_scope)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(RedisError, _throttle_storage_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.add_template_filter(_label, "label")
    app.add_template_filter(_date, "nldate")
    app.add_template_filter(_datetime, "nldatetime")
    app.add_template_filter(_number, "number")
    app.add_template_test(lambda value: isinstance(value, Unreadable), "unreadable")
    app.add_template_test(lambda value: isinstance(value, Markup), "markup")
    app.context_processor(lambda: {"current_language": str(get_locale() or "nl")})
    # After Flask-Babel's init_app, which installs callables that look the catalogue up anew
    # on every call: a client file or the dashboard makes a hundred or more.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


def translate(message: str, **variables: object) -> str:
    """gettext with the catalogue looked up once per request (Flask-Babel's looks it up on each
    call): for pages that translate hundreds of labels, such as the dashboard."""
    text = _translations().ugettext(message)
    return text % variables if variables else text


def _translations():
    """The catalogue of the current locale, looked up once per app context and locale."""
    locale = get_locale()
    cached = g.get("_carecoord_translations")
    if cached is None or cached[0] != locale:
        cached = g._carecoord_translations = (locale, get_translations())
    return cached[1]


def _assign_request_id() -> None:
    g.request_id = uuid.uuid4().hex


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint != "static":
        # Pages may carry client data: never kept by a browser or proxy.
        headers["Cache-Control"] = "no-store"
    if current_app.config.get("ENV_NAME") == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if request_id := getattr(g, "request_id", None):
        headers["X-Request-Id"] = request_id
    return response


def render_error(code: int):
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("errors/error.html", code=code, title=_(title), text=_(text)), code


def _out_of_scope(error: OutOfScope):
    audit_out_of_scope(error)
    return render_error(404)


def _csrf_error(_error: CSRFError):
    db.session.rollback()
    return render_error(400)


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    db.session.rollback()
    return render_error(error.code)


def _database_error(error: DBAPIError):
    db.session.rollback()
    if error.connection_invalidated or _is_unavailable(error):
        log.error("database unavailable: %s", type(error.orig).__name__)
        # The page must render without the database: the user cannot be loaded either.
        g._login_user = login_manager.anonymous_user()
        return render_error(503)
    log.exception("database error")
    return render_error(500)


def _throttle_storage_error(error: RedisError):
    """The sign-in throttle's shared storage is down: fail closed (nobody signs in unthrottled),
    with a page that says so rather than a 500."""
    db.session.rollback()
    log.error("rate-limit storage unavailable: %s", type(error).__name__)
    title, text = THROTTLE_DOWN
    return render_template("errors/error.html", code=503, title=_(title), text=_(text)), 503


def _is_unavailable(error: DBAPIError) -> bool:
    name = type(error.orig).__name__
    return name in {"OperationalError", "InterfaceError"} and "locked" not in str(error.orig)


def _unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    db.session.rollback()
    log.exception("unexpected error")
    return render_error(500)


@pass_context  # never folded at compile time: the label is in each request's language
def _label(_context: Context, value: object, kind: str | None = None) -> str:
    """The translated label of a code: `phase|label` for a member, `"intake"|label("Phase")`."""
    if value is None or value == "":
        return ""
    if hasattr(value, "label"):
        return _translations().ugettext(value.label)
    for cls, labels in LABELS.items():
        if (kind is None or cls.__name__ == kind) and str(value) in labels:
            return _translations().ugettext(labels[str(value)])
    return str(value)


def _date(value: date | None, style: str = "long") -> str:
    return format_date(value, style) if value else ""


def _datetime(value: datetime | None, style: str = "medium") -> str:
    return format_datetime(value, style) if value else ""


def _number(value: object) -> str:
    """A count in the reader's language ("1.234" in Dutch); marks such as "x" stay as they are."""
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        # Whole numbers group by thousands in both languages; only the separator differs, and
        # babel's full pattern formatting per cell was a tenth of the dashboard's time.
        return f"{int(value):,}".replace(",", _group_symbol(str(get_locale() or "nl")))
    return "" if value is None else str(value)


@functools.lru_cache(maxsize=8)
def _group_symbol(locale: str) -> str:
    return get_group_symbol(locale)
