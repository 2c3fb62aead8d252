"""Shared fixtures: the app on SQLite and PostgreSQL, a clean database per test, sign-in."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import pyotp
import pytest
from flask import Flask, current_app
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_babel import refresh
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import URL, Connection, make_url

from carecoord import create_app
from carecoord.accounts import throttle
from carecoord.accounts.models import Municipality, Region, User
from carecoord.accounts.passwords import hash_password
from carecoord.audit import append_only
from carecoord.audit.models import AuditEntry
from carecoord.clients.models import Client
from carecoord.clients.rules import age_band, nationality_group
from carecoord.codes import (
    ExploitationForm,
    Gender,
    Phase,
    ProviderType,
    ReferrerType,
    Role,
    StepKind,
)
from carecoord.extensions import db, limiter
from carecoord.providers.models import CareProvider
from carecoord.security.pseudonyms import blind_index
from carecoord.timeutil import utcnow
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation
from carecoord.trajectories.operations import next_case_number

POSTGRES_ENV = "CARECOORD_TEST_POSTGRES_URL"
PASSWORD = "correct horse battery staple"
REGIONS = {
    "Gooi en Vechtstreek": ("GV", [("Hilversum", "GM0402"), ("Huizen", "GM0406")]),
    "Rotterdam-Rijnmond": ("RR", [("Rotterdam", "GM0599"), ("Schiedam", "GM0606")]),
}
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CODE_PATH = "/sign-in/code"
ENROL_PATH = "/sign-in/enrol"
SECRET_ON_PAGE = re.compile(r'id="secret-key">([A-Z2-7 ]+)<')


def postgres_admin_url() -> URL | None:
    raw = os.environ.get(POSTGRES_ENV)
    if not raw:
        return None
    if raw.startswith(("postgresql://", "postgres://")):
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    return make_url(raw)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A fresh database per test session: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'carecoord.db'}"
        return
    with fresh_postgres_database("carecoord_test") as url:
        yield url


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; skips without a server URL, and
    fails instead in CI, where the PostgreSQL run must never skip."""
    admin = postgres_admin_url()
    if admin is None:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} is not set: in CI the PostgreSQL run must not skip")
        pytest.skip(f"PostgreSQL run skipped: set {POSTGRES_ENV} (see README, 'Tests')")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def _app(database_url: str) -> Iterator[Flask]:
    # Tests read the English message ids; Dutch, the product's default, is tested explicitly
    # through the `dutch` fixture and the catalogue tests.
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "DEFAULT_LANGUAGE": "en"}, env="test"
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The app with a pushed context and empty tables after the test."""
    with _app.app_context():
        yield _app
        db.session.rollback()
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as connection, audit_log_writable(connection):
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())


@contextmanager
def audit_log_writable(connection: Connection) -> Iterator[None]:
    """Lift the audit log's append-only triggers inside `connection`'s transaction only: for
    emptying the tables between tests, and for tests that tamper with the log on purpose."""
    if connection.dialect.name == "postgresql":
        # The test user is a superuser: skip (ordinary) triggers until the transaction ends.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        yield
        return
    # SQLite's DDL is transactional: the triggers are back when this transaction commits.
    for statement in append_only.SQLITE_DROP:
        connection.execute(text(statement))
    yield
    for statement in append_only.SQLITE_CREATE:
        connection.execute(text(statement))


class RequestIsolatedClient(FlaskClient):
    """Each request runs in its own app context (own `g`, own database session), as in
    production; the test's own session commits before and is expired after each request."""

    def open(self, *args, **kwargs):
        db.session.commit()
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            db.session.expire_all()


@pytest.fixture
def dutch(app: Flask) -> Iterator[None]:
    """The product's default language, Dutch, for a test that checks Dutch text."""
    app.config["DEFAULT_LANGUAGE"] = "nl"
    yield
    app.config["DEFAULT_LANGUAGE"] = "en"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = RequestIsolatedClient
    return app.test_client()


def csrf_token(client: FlaskClient) -> str:
    """The session's CSRF token: the one every page of this session carries.

    Made from the session's CSRF secret as Flask-WTF makes it, without a request (a page per
    POST doubled the suite's time); a session that has none yet reads it from the sign-in page.
    """
    with client.session_transaction() as session:
        secret = session.get("csrf_token")
    if secret:
        signer = URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token")
        return signer.dumps(secret)
    response = client.get("/sign-in")
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    if match is None:
        response = client.get("/")
        match = CSRF_PATTERN.search(client.get(response.location or "/").get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form with the session's CSRF token, like the browser submitting the page."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=payload, **kwargs)


@pytest.fixture
def make_region(app: Flask) -> Callable[..., Region]:
    def make(name: str = "Gooi en Vechtstreek") -> Region:
        region = db.session.scalar(select(Region).where(Region.name == name))
        if region is None:
            code, municipalities = REGIONS.get(name, (name[:2].upper(), []))
            region = Region(name=name, code=code)
            for town, cbs in municipalities:
                region.municipalities.append(Municipality(name=town, cbs_code=cbs))
            db.session.add(region)
            db.session.commit()
        return region

    return make


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    """Sign-in failures, account locks and per-address counts start from zero in every test
    with the app: the limiter's storage lives as long as the (session-wide) app."""
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    limiter.reset()
    throttle.reset(app)


@pytest.fixture
def make_user(app: Flask, make_region) -> Callable[..., User]:
    """A user with two-factor sign-in set up (a random TOTP secret, as her phone would hold),
    unless `two_factor=False`: she then sets it up at her first sign-in."""

    def make(
        role: str | Role = Role.COORDINATOR,
        region: str = "Gooi en Vechtstreek",
        email: str | None = None,
        name: str = "Test Gebruiker",
        password: str = PASSWORD,
        two_factor: bool = True,
    ) -> User:
        user = User(
            email=email or f"{Role(role).value}.{uuid.uuid4().hex[:8]}@example.org",
            name=name,
            role=Role(role).value,
            region=make_region(region),
            password_hash=hash_password(password),
        )
        if two_factor:
            user.totp_secret = pyotp.random_base32()
            user.totp_enabled_at = utcnow()
        db.session.add(user)
        db.session.commit()
        return user

    return make


def totp_now(user: User) -> str:
    """The code the user's authenticator app shows now."""
    return pyotp.TOTP(user.totp_secret).now()


def sign_in_through_the_form(
    client: FlaskClient, email: str, password: str = PASSWORD, **extra: str
):
    """Both sign-in steps as a browser takes them: the password, then the current code of the
    user's app; a user without two-factor sign-in sets it up from the enrolment page first.
    Returns the last response: a redirect into the app (the recovery codes after enrolment)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is not None and user.totp_enabled_at is not None:
        # A code is accepted once, and no code of an earlier 30-second step either (replay
        # protection): signing the same user in twice within one step would be refused. Forget
        # the step used last, as if her next sign-in came 30 seconds later.
        user.totp_last_counter = None
        db.session.commit()
    response = post(client, "/sign-in", {"email": email, "password": password, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if response.location == ENROL_PATH:
        page = client.get(ENROL_PATH).get_data(as_text=True)
        secret = SECRET_ON_PAGE.search(page).group(1).replace(" ", "")
        response = post(client, ENROL_PATH, {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return response
    assert response.location == CODE_PATH, response.location
    response = post(client, CODE_PATH, {"code": totp_now(user)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[..., object]:
    """Sign in as `user` through both steps of the form (password, then the app's code)."""

    def do(user: User, password: str = PASSWORD):
        return sign_in_through_the_form(client, user.email, password)

    return do


@pytest.fixture
def login_as(make_user, sign_in) -> Callable[..., User]:
    """Create a user of `role` in `region` and sign in as them through the form."""

    def do(role: str | Role = Role.COORDINATOR, region: str = "Gooi en Vechtstreek") -> User:
        user = make_user(role, region)
        sign_in(user)
        return user

    return do


@pytest.fixture
def audit_entries(app: Flask) -> Callable[[], list[AuditEntry]]:
    def read() -> list[AuditEntry]:
        db.session.expire_all()
        return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))

    return read


@pytest.fixture
def make_trajectory(app: Flask, make_region, make_user):
    """A client with an open trajectory in `region`, built straight from the models."""
    counter = {"n": 0}

    def make(
        region: str = "Gooi en Vechtstreek",
        name: str = "Maria Kowalska",
        date_of_birth: date | None = date(1994, 5, 17),
        nationality: str | None = "PL",
        phase: Phase = Phase.INTAKE,
        notified_on: date = date(2026, 9, 1),
        **identity: str,
    ) -> Trajectory:
        region_obj = make_region(region)
        counter["n"] += 1
        client = Client(
            region=region_obj,
            municipality=region_obj.municipalities[0] if region_obj.municipalities else None,
            gender=Gender.FEMALE.value,
            nationality_group=nationality_group(nationality).value,
        )
        client.name = name
        client.date_of_birth = date_of_birth
        client.nationality = nationality
        for field, value in identity.items():
            setattr(client, field, value)
        client.blind_index = blind_index(
            current_app.extensions["carecoord_keys"].blind_index, region_obj.id, name, date_of_birth
        )
        trajectory = Trajectory(
            client=client,
            region=region_obj,
            case_number=next_case_number(region_obj, notified_on.year),
            phase=phase.value,
            notified_on=notified_on,
            referrer_type=ReferrerType.POLICE.value,
            age_band=age_band(date_of_birth, notified_on).value,
        )
        trajectory.exploitation.append(TrajectoryExploitation(form=ExploitationForm.SEXUAL.value))
        db.session.add_all([client, trajectory])
        db.session.flush()
        trajectory.add_step(StepKind.NOTIFICATION, author=None, on=notified_on)
        db.session.commit()
        return trajectory

    return make


@pytest.fixture
def english(client: FlaskClient) -> Callable[[], None]:
    """Switch the signed-in session to English explicitly (the test app's default already is)."""

    def switch() -> None:
        with client.session_transaction() as session:
            session["language"] = "en"
        refresh()

    return switch


@pytest.fixture
def make_provider(app, make_region) -> Callable[..., CareProvider]:
    def make(
        name: str = "De Opvang",
        region: str = "Gooi en Vechtstreek",
        provider_type: ProviderType = ProviderType.SHELTER,
        active: bool = True,
        **details: str,
    ) -> CareProvider:
        provider = CareProvider(
            name=name,
            region=make_region(region),
            provider_type=provider_type.value,
            active=active,
            **details,
        )
        db.session.add(provider)
        db.session.commit()
        return provider

    return make


# Migration tests: an empty database of their own and an app on it (no tables yet).
@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path) -> Iterator[str]:
    """A database of its own for each test, skipped or failed like the `database_url` fixture."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    with fresh_postgres_database("carecoord_migrations") as url:
        yield url


@pytest.fixture
def migrating_app(empty_database_url: str) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url}, env="test")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
