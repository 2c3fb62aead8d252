"""Faults: the database going away mid-request, and SQLite under concurrent writers."""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, func, select

from carecoord.accounts.models import User
from carecoord.audit.models import Action, AuditEntry
from carecoord.audit.operations import record
from carecoord.codes import Role
from carecoord.extensions import db
from tests.conftest import csrf_token

WRITERS = 2
WRITES = 50


@contextmanager
def database_down(when=lambda statement: True):
    """Every statement matching `when` fails as the driver fails when the server is gone."""
    engine = db.engine
    driver_error = engine.dialect.loaded_dbapi.OperationalError
    failed = []

    def fail(_conn, _cursor, statement, _parameters, _context, _executemany):
        if when(statement):
            failed.append(statement)
            raise driver_error("server closed the connection unexpectedly")

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield failed
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def in_dutch(message: str) -> str:
    with force_locale("nl"):
        return _(message)


def test_database_down_gives_the_dutch_503_page_and_then_recovers(
    dutch, app, client, login_as, make_trajectory
):
    path = f"/trajectories/{make_trajectory(name='Ana Popescu').public_id}"
    login_as(Role.COORDINATOR)
    entries = count(AuditEntry)
    with app.test_request_context():
        title = in_dutch("Temporarily unavailable")
    db.session.rollback()  # no transaction of the test's own stays open during the outage
    with database_down() as failed:
        response = client.get(path)
    assert failed, "the request never reached the database"
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert title in page
    assert "Ana Popescu" not in page
    assert response.headers["Cache-Control"] == "no-store"
    assert count(AuditEntry) == entries
    # No restart: the next request is served normally and audited.
    response = client.get(path)
    assert response.status_code == 200
    assert "Ana Popescu" in response.get_data(as_text=True)
    assert count(AuditEntry) == entries + 1


def test_a_write_failing_halfway_leaves_nothing_behind(app, client, login_as):
    user = login_as(Role.COORDINATOR)
    token = csrf_token(client)
    entries = count(AuditEntry)
    db.session.rollback()
    with database_down(lambda sql: sql.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRIES")):
        response = client.post("/sign-out", data={"csrf_token": token})
    # The session version was bumped before the audit insert failed: it must be rolled back.
    assert response.status_code == 503
    assert count(AuditEntry) == entries
    assert db.session.scalar(select(User.session_version).where(User.id == user.id)) == 1
    assert client.get("/trajectories/").status_code == 200


def test_concurrent_writers_do_not_fail(app, make_region):
    """Each transaction reads the newest entry, then writes (as a hash chain will): on SQLite
    that only works when write transactions take the lock up front."""
    region_id = make_region().id
    db.session.rollback()  # the test's own session must not hold the write lock
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                for i in range(WRITES):
                    db.session.scalar(select(func.max(AuditEntry.id)))
                    record(None, Action.VIEW, detail=f"writer-{n}-{i}")
                    db.session.add(
                        User(
                            email=f"writer{n}.{i}.{uuid.uuid4().hex[:6]}@example.org",
                            name=f"Writer {n}",
                            role=Role.COORDINATOR.value,
                            region_id=region_id,
                            password_hash="x",
                        )
                    )
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, [repr(e) for e in errors]
    assert count(AuditEntry) == WRITERS * WRITES
    assert count(User) == WRITERS * WRITES
