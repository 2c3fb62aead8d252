"""Engine set-up: SQLite in WAL mode with immediate write transactions; PostgreSQL as is."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from carecoord.extensions import db

# The bind key of the read replica (config CARECOORD_DATABASE_REPLICA_URL).
REPLICA = "replica"


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def reporting_bind_arguments() -> dict[str, Any]:
    """`bind_arguments` for the reads of the dashboard and the export: the read replica when
    one is configured, else the primary. Only for reads of coded, closed periods: a replica
    may lag the primary by a moment, which a finished quarter never notices."""
    engines = db.engines
    return {"bind": engines[REPLICA]} if REPLICA in engines else {}


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL lets readers run beside a writer; BEGIN IMMEDIATE takes the write lock up front,
    so two writers queue on the busy timeout instead of failing with "database is locked"."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the driver, issue BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
