"""carecoord: care coordination for victims of human trafficking."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from carecoord import cli, web
from carecoord.accounts import views as account_views
from carecoord.accounts.admin_views import bp as admin_bp
from carecoord.accounts.guards import enforce_access, user_for_session
from carecoord.accounts.models import User
from carecoord.accounts.resume_views import bp as session_resume_bp
from carecoord.accounts.throttle import init_throttle
from carecoord.accounts.timeouts import end_expired_session
from carecoord.audit import views as audit_views
from carecoord.benchmarking import init_benchmarking
from carecoord.clients import views as client_views
from carecoord.database import configure_engine
from carecoord.extensions import babel, csrf, db, limiter, login_manager, migrate
from carecoord.handovers import views as handover_views
from carecoord.providers import views as provider_views
from carecoord.reporting import dashboard_views, export_views, monitor_views
from carecoord.security.keys import init_keys
from carecoord.trajectories import views as trajectory_views
from config import load_config

PACKAGE_DIR = Path(__file__).resolve().parent


def _templates_dir() -> str:
    """Top-level templates/ in a checkout; carecoord/templates/ in an installed package."""
    checkout = PACKAGE_DIR.parent / "templates"
    return str(checkout if checkout.is_dir() else PACKAGE_DIR / "templates")


def create_app(config: Mapping[str, Any] | None = None, *, env: str | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=_templates_dir(),
        instance_path=str(PACKAGE_DIR.parent / "instance"),
    )
    app.config.from_mapping(load_config(env or os.environ.get("CARECOORD_ENV")))
    app.config.from_mapping(config or {})
    if hops := app.config["PROXY_HOPS"]:
        # Behind the TLS proxy: the audit log and the per-address limit need the client's
        # address, not the proxy's. Only as many hops as configured are trusted.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=web.select_locale,
        default_translation_directories=str(PACKAGE_DIR / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.session_protection = "basic"
    limiter.init_app(app)
    init_throttle(app)
    init_keys(app)
    configure_engine(app)
    web.init_web(app)

    for blueprint in (
        account_views.bp,
        session_resume_bp,
        admin_bp,
        provider_views.bp,
        client_views.bp,
        trajectory_views.bp,
        handover_views.bp,
        export_views.bp,
        dashboard_views.bp,
        monitor_views.bp,
        audit_views.bp,
    ):
        app.register_blueprint(blueprint)
    # After the CSRF check (a kept form comes from our own page), before the access guard.
    app.before_request(end_expired_session)
    app.before_request(enforce_access)
    cli.register(app)
    init_benchmarking(app)
    return app


@login_manager.user_loader
def load_user(session_identity: str) -> User | None:
    """The user of a session cookie, refused when the session version has moved on."""
    public_id, _, version = session_identity.partition(".")
    return user_for_session(public_id, version)
