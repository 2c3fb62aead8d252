"""With a read replica configured, the dashboard and the monitor count from the replica.

Two migrated databases hold different trajectories; the user, her session and the audit
entries live in the primary. The pages must show the replica's counts, whether the replica
serves them from its rollups or from its live queries.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date

import pyotp
import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from carecoord import create_app
from carecoord.accounts.models import Municipality, Region, User
from carecoord.accounts.passwords import hash_password
from carecoord.audit.models import AuditEntry
from carecoord.clients.models import Client
from carecoord.codes import Gender, ReferrerType, Role
from carecoord.extensions import db
from carecoord.reporting.rollups import maintenance
from carecoord.timeutil import utcnow
from carecoord.trajectories.models import Trajectory
from tests.conftest import (
    PASSWORD,
    RequestIsolatedClient,
    fresh_postgres_database,
    sign_in_through_the_form,
)
from tests.reporting.monitor_helpers import last_year
from tests.test_migrations import alembic_config

ON_PRIMARY, ON_REPLICA = 5, 7


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def urls(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """A primary and a replica database, migrated once for the module's tests: the primary
    with five notifications and built rollups (had the page read them, it would show five),
    the replica with seven."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            folder = tmp_path_factory.mktemp("replica")
            primary, replica = (f"sqlite:///{folder / name}" for name in ("primary.db", "r.db"))
        else:
            primary = stack.enter_context(fresh_postgres_database("carecoord_primary"))
            replica = stack.enter_context(fresh_postgres_database("carecoord_replica"))
        _migrated_with(primary, ON_PRIMARY)
        _migrated_with(replica, ON_REPLICA)
        yield primary, replica


def _app(url: str, **config: object) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": url, **config}, env="test")


def _migrated_with(url: str, trajectories: int) -> None:
    """Migrate the database at `url`, give region GV `trajectories` notifications and build
    its rollups."""
    with _app(url).app_context():
        command.upgrade(alembic_config(), "head")
        region = Region(name="Gooi en Vechtstreek", code="GV")
        region.municipalities.append(Municipality(name="Hilversum", cbs_code="GM0402"))
        db.session.add(region)
        for n in range(trajectories):
            client = Client(region=region, gender=Gender.FEMALE.value, nationality_group="eea")
            notified_on = date(last_year(), 8, 1)
            db.session.add(
                Trajectory(
                    client=client,
                    region=region,
                    case_number=f"GV-{notified_on.year}-{n + 1:04d}",
                    notified_on=notified_on,
                    referrer_type=ReferrerType.POLICE.value,
                    age_band="30-39",
                )
            )
        db.session.flush()
        maintenance.rebuild()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _replica_rollups(url: str, built: bool) -> None:
    with _app(url).app_context():
        maintenance.rebuild() if built else maintenance.invalidate()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=[False, True], ids=["replica-live", "replica-rollups"])
def app(request, urls) -> Iterator[Flask]:
    primary, replica = urls
    _replica_rollups(replica, built=request.param)
    app = _app(primary, SQLALCHEMY_BINDS={"replica": replica}, DEFAULT_LANGUAGE="en")
    app.test_client_class = RequestIsolatedClient
    try:
        with app.app_context():
            yield app
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    finally:
        # Flask-SQLAlchemy keeps a metadata per bind key on the shared `db`; a later app without
        # the bind would fail in create_all.
        db.metadatas.pop("replica", None)


def _sign_in_as_chain_director(app: Flask) -> tuple[FlaskClient, User]:
    director = User(
        email=f"director.{uuid.uuid4().hex[:8]}@example.org",
        name="Ketenregisseur",
        role=Role.CHAIN_DIRECTOR.value,
        region=db.session.scalar(select(Region).where(Region.code == "GV")),
        password_hash=hash_password(PASSWORD),
    )
    director.totp_secret, director.totp_enabled_at = pyotp.random_base32(), utcnow()
    db.session.add(director)
    db.session.commit()
    client = app.test_client()
    sign_in_through_the_form(client, director.email)
    return client, director


def test_the_dashboard_counts_from_the_replica(app):
    client, director = _sign_in_as_chain_director(app)
    response = client.get(f"/dashboard/notifications.csv?period={last_year()}-Q3")
    assert response.status_code == 200
    rows = dict(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows["Total"] == str(ON_REPLICA)
    page = client.get(f"/dashboard/?period={last_year()}").get_data(as_text=True)
    assert "Figures of region Gooi en Vechtstreek" in page
    # The view is audited where every write goes: in the primary.
    views = select(AuditEntry.object_id).where(
        AuditEntry.object_type == "dashboard", AuditEntry.user_id == director.id
    )
    assert list(db.session.scalars(views)) == ["GV", "GV"]


def test_the_monitor_counts_from_the_replica(app):
    client, _director = _sign_in_as_chain_director(app)
    page = client.get(f"/monitor/{last_year()}").get_data(as_text=True)
    section = page.split('aria-labelledby="monitor-notifications"', 1)[1].split("</section>")[0]
    assert f">{ON_REPLICA}<" in section
    assert f">{ON_PRIMARY}<" not in section
