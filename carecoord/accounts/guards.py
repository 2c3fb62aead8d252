"""Deny-by-default access: a login allow-list, role declarations, and audited 404s."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import urlsplit
from uuid import UUID

from flask import Blueprint, Flask, abort, current_app, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from carecoord.accounts.models import User
from carecoord.audit.models import Action, Outcome
from carecoord.audit.operations import record
from carecoord.codes import Role
from carecoord.extensions import db, login_manager

# The only endpoints reachable without signing in.
# The second sign-in steps refuse without the marker the password step leaves (pending.py).
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "accounts.sign_in",
        "accounts.two_factor",
        "accounts.enrol",
        "accounts.set_language",
        "sessions.resume",
    }
)
ALL_ROLES = frozenset(Role)
# Blueprints whose pages carry client data: a refused attempt there is audited.
CLIENT_DATA_BLUEPRINTS = frozenset({"clients", "trajectories", "handovers", "exports"})

_blueprint_roles: dict[str, frozenset[Role]] = {}
F = TypeVar("F", bound=Callable)


def blueprint_roles(bp: Blueprint, *roles: Role) -> None:
    """Roles allowed on every endpoint of `bp`, unless a view narrows it with require_role."""
    _blueprint_roles[bp.name] = frozenset(roles)


def require_role(*roles: Role) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return mark


def allowed_roles(endpoint: str, view: Callable) -> frozenset[Role] | None:
    """The roles declared for an endpoint; None means undeclared, which denies everyone."""
    declared = getattr(view, "allowed_roles", None)
    if declared is not None:
        return declared
    blueprint = endpoint.rpartition(".")[0]
    return _blueprint_roles.get(blueprint)


def enforce_access() -> None:
    """before_request: sign-in required except on the allow-list; then the role check."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    from_app = request.url_rule is not None
    roles = allowed_roles(endpoint, _view(endpoint)) if from_app else None
    if roles is None or Role(current_user.role) not in roles:
        if endpoint.rpartition(".")[0] in CLIENT_DATA_BLUEPRINTS:
            record(
                current_user,
                Action.VIEW,
                outcome=Outcome.DENIED,
                detail="role_not_allowed",
                object_type="endpoint",
                object_id=endpoint[:40],
            )
            db.session.commit()
        abort(403)
    return None


def _view(endpoint: str) -> Callable:
    return current_app.view_functions[endpoint]


class OutOfScope(NotFound):
    """An object that does not exist for this user: outside her region or role. Shown as 404."""

    def __init__(self, object_type: str, public_id: object) -> None:
        super().__init__()
        self.object_type = object_type
        self.public_id = str(public_id)


def audit_out_of_scope(error: OutOfScope) -> None:
    """Record the refused attempt in its own transaction; nothing else of the request stays."""
    db.session.rollback()
    record(
        current_user,
        Action.VIEW,
        outcome=Outcome.DENIED,
        detail="not_found_in_scope",
        object_type=error.object_type,
        object_id=error.public_id,
    )
    db.session.commit()


def safe_next(target: str | None, fallback: str) -> str:
    """Only a local path may be a redirect target ("//evil", "https://…", "\\\\x" are not)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ch in target for ch in "\r\n\t\\"):
        return fallback
    return target


def undeclared_endpoints(app: Flask, skip: Iterable[str] = ()) -> list[str]:
    """Endpoints that are neither public nor declare roles (a test keeps this empty)."""
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in PUBLIC_ENDPOINTS
        and endpoint not in skip
        and allowed_roles(endpoint, view) is None
    )


def user_for_session(public_id: str, version: str) -> User | None:
    """The active user of a session cookie; None when its session version has moved on."""
    try:
        key, number = UUID(public_id), int(version)
    except ValueError:
        return None
    user = db.session.scalar(select(User).where(User.public_id == key))
    if user is None or not user.active or user.session_version != number:
        return None
    return user
