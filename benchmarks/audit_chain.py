"""The audit hash chain under load: commits with `record()` versus plain inserts of the entry.

Each writer thread commits one small transaction after another, as requests do. "chain" runs
`record()`, which at commit takes the chain's lock, reads the tip and inserts the sealed entry;
"plain" inserts the same entry without the chain. Prints the mean time per commit with the
chain under WRITERS concurrent writers, and the ratio of the two (PostgreSQL's when measured).
Always on a temporary SQLite file; also on PostgreSQL when CARECOORD_TEST_POSTGRES_URL names a
server (a fresh database is created and dropped).
Run: `.venv/bin/python -m benchmarks.audit_chain`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from carecoord import create_app
from carecoord.audit.cli import walk_chain
from carecoord.audit.models import Action, AuditEntry, Outcome
from carecoord.audit.operations import record
from carecoord.extensions import db
from carecoord.timeutil import utcnow

WRITERS = 4
COMMITS = 100  # per writer


def chained(n: int, i: int) -> None:
    record(None, Action.VIEW, detail=f"bench-{n}-{i}")
    db.session.commit()


def plain(n: int, i: int) -> None:
    db.session.add(
        AuditEntry(
            at=utcnow(), action=str(Action.VIEW), outcome=str(Outcome.SUCCESS), detail=f"p-{n}-{i}"
        )
    )
    db.session.commit()


def run(app: Flask, write: Callable[[int, int], None]) -> float:
    """Mean milliseconds per commit, WRITERS threads committing COMMITS times each."""
    start = threading.Barrier(WRITERS + 1)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for i in range(COMMITS):
                    write(n, i)
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return (time.perf_counter() - began) * 1000 / (WRITERS * COMMITS)


@contextmanager
def postgres_url() -> Iterator[str | None]:
    raw = os.environ.get("CARECOORD_TEST_POSTGRES_URL")
    if not raw:
        yield None
        return
    admin = make_url("postgresql+psycopg://" + raw.split("://", 1)[1])
    name = f"carecoord_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def measure(label: str, url: str) -> float:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, env="test")
    with app.app_context():
        db.create_all()
        run(app, chained)  # warm-up: connections, statement caches
        with_chain = run(app, chained)
        walk, found = walk_chain()
        db.session.remove()
        without = run(app, plain)
        db.session.remove()
        db.engine.dispose()
    if found is not None:
        raise SystemExit(f"the chain broke at entry {found.entry_id}")
    print(f"# {label}: {walk.count} chained entries, {WRITERS} writers")
    print(f"figure audit_insert_{label} {with_chain:.2f} ms")
    print(f"# {label}: plain inserts {without:.2f} ms")
    return with_chain / without


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="carecoord-bench-") as tmp:
        ratio = measure("sqlite", f"sqlite:///{tmp}/bench.db")
    with postgres_url() as url:
        if url:
            # PostgreSQL is where the chain's lock is a lock of its own: its ratio is the one.
            ratio = measure("postgresql", url)
    print(f"ratio audit_chain_vs_plain {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
