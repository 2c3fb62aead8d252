"""The database itself refuses to change or remove audit entries; concurrent writers keep the
chain whole."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from carecoord.audit import append_only
from carecoord.audit.cli import walk_chain
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.extensions import db

WRITERS, COMMITS = 4, 25


@pytest.fixture
def one_entry(app, make_user) -> int:
    user = make_user()
    entry = record(user, Action.VIEW, user)
    db.session.commit()
    entry_id = entry.id
    db.session.rollback()  # reading the id began a transaction: SQLite's write lock
    return entry_id


def refused(statement: str, **params: object) -> str:
    """The database's error for `statement`, run in its own transaction (rolled back)."""
    with pytest.raises(DBAPIError) as error, db.engine.begin() as connection:
        connection.execute(text(statement), params)
    return str(error.value.orig)


def test_update_and_delete_are_refused(one_entry):
    assert "append-only" in refused(
        "UPDATE audit_entries SET detail = 'x' WHERE id = :id", id=one_entry
    )
    assert "append-only" in refused("DELETE FROM audit_entries WHERE id = :id", id=one_entry)
    assert "append-only" in refused("DELETE FROM audit_entries")
    db.session.expire_all()
    assert walk_chain()[0].count == 1


def test_truncate_is_refused_on_postgresql(one_entry):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    assert "append-only" in refused("TRUNCATE audit_entries CASCADE")


@pytest.fixture
def app_role(app) -> Iterator[str]:
    """A non-superuser role with full table rights, then the migration's REVOKE for it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    role = f"carecoord_app_{uuid.uuid4().hex[:8]}"
    with db.engine.begin() as connection:
        connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        connection.execute(
            text(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON audit_entries TO {role}")
        )
        connection.execute(text(append_only.revoke_from(role)))
    yield role
    with db.engine.begin() as connection:
        connection.execute(text(f"REVOKE ALL ON audit_entries FROM {role}"))
        connection.execute(text(f"DROP ROLE {role}"))


def as_role(role: str, statement: str, **params: object) -> str:
    with pytest.raises(DBAPIError) as error, db.engine.begin() as connection:
        connection.execute(text(f"SET LOCAL ROLE {role}"))
        connection.execute(text(statement), params)
    return str(error.value.orig)


def test_the_app_role_may_not_change_the_log(one_entry, app_role):
    with db.engine.begin() as connection:
        connection.execute(text(f"SET LOCAL ROLE {app_role}"))
        assert connection.scalar(text("SELECT count(*) FROM audit_entries")) == 1
    for statement in (
        "UPDATE audit_entries SET detail = 'x' WHERE id = :id",
        "DELETE FROM audit_entries WHERE id = :id",
    ):
        assert "permission denied" in as_role(app_role, statement, id=one_entry)
    assert "permission denied" in as_role(app_role, "TRUNCATE audit_entries")


def test_the_role_name_is_never_interpolated_unchecked():
    with pytest.raises(ValueError):
        append_only.revoke_from('app"; DROP TABLE audit_entries; --')


def test_concurrent_writers_leave_an_unbroken_chain(app, make_user, verify):
    user_id = make_user().id
    db.session.rollback()  # the test's own session must not hold SQLite's write lock
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                for i in range(COMMITS):
                    record(None, Action.VIEW, detail=f"writer-{n}-{i}", object_id=str(user_id))
                    if i % 5 == 0:  # sometimes two entries in one transaction
                        record(None, Action.SEARCH, detail=f"writer-{n}-{i}-b")
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
    walk, found = walk_chain(batch_size=30)
    assert found is None
    assert walk.count == WRITERS * COMMITS * 6 // 5
    result = verify()
    assert result.exit_code == 0, result.output
