"""The migration seals the entries written before the chain, then makes the log append-only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from flask import current_app
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from carecoord.audit import append_only
from carecoord.audit.cli import walk_chain
from carecoord.audit.models import AuditEntry
from carecoord.extensions import db

BEFORE, REVISION = "3c5e7a9b1d2f", "4d6f8a0c2e41"


def alembic_config():
    config = current_app.extensions["migrate"].migrate.get_config()
    config.attributes["skip_logging_config"] = True
    return config


def chain():
    """The chain walk, ending its transaction (on SQLite it holds the write lock)."""
    walk, found = walk_chain()
    db.session.rollback()
    return walk, found


def update_refused() -> bool:
    try:
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE audit_entries SET detail = 'x'"))
    except DBAPIError as error:
        assert "append-only" in str(error.orig)
        return True
    return False


def test_upgrade_seals_old_entries_and_downgrade_lifts_the_triggers(migrating_app):
    config = alembic_config()
    command.upgrade(config, BEFORE)
    start = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    with db.engine.begin() as connection:
        for n in range(3):
            connection.execute(
                insert(AuditEntry.__table__).values(
                    at=start + timedelta(minutes=n),
                    action="view",
                    outcome="success",
                    detail=f"old{n}",
                )
            )
    assert chain()[1] is not None  # unsealed
    command.upgrade(config, REVISION)
    walk, found = chain()
    assert found is None and walk.count == 3
    assert update_refused()
    command.downgrade(config, BEFORE)
    assert not update_refused()
    command.upgrade(config, "head")
    assert update_refused()


def test_upgrade_revokes_changes_from_the_app_role(migrating_app, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    role = f"carecoord_app_{uuid.uuid4().hex[:8]}"
    config = alembic_config()
    command.upgrade(config, BEFORE)
    with db.engine.begin() as connection:
        connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON audit_entries TO {role}"))
    try:
        monkeypatch.setenv(append_only.APP_ROLE_SETTING, role)
        command.upgrade(config, REVISION)
        with db.engine.connect() as connection:
            rights = connection.execute(
                text(
                    "SELECT privilege_type FROM information_schema.role_table_grants"
                    " WHERE table_name = 'audit_entries' AND grantee = :role"
                ),
                {"role": role},
            ).scalars()
            assert sorted(rights) == ["INSERT", "SELECT"]
    finally:
        with db.engine.begin() as connection:
            connection.execute(text(f"REVOKE ALL ON audit_entries FROM {role}"))
            connection.execute(text(f"DROP ROLE {role}"))
