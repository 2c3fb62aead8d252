"""Seeding speed: bulk demo trajectories per second on a small fresh database per dialect.

Never touches the shared datasets: a temporary SQLite file, or a temporary PostgreSQL database
created and dropped here. The schema comes from `flask db upgrade`, the base demo data and the
national regions are added untimed; then `add_bulk` (what `flask demo seed --trajectories N`
runs) is timed with its commits. Prints

    figure seed_rate.<dialect> <trajectories per second> trajectories/s
    figure seed_steps_per_trajectory.<dialect> <steps> steps

Settings: CARECOORD_BENCH_DATABASES (see benchmarks/common.py) and
CARECOORD_BENCH_SEED_TRAJECTORIES (default 5000).
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.common import (
    Dataset,
    app_for,
    figure,
    flask,
    note,
    postgres_server,
    selected_dialects,
)
from carecoord.demo.bulk import add_bulk, seed_national_regions
from carecoord.demo.seed import seed_base
from carecoord.extensions import db
from carecoord.timeutil import today
from carecoord.trajectories.models import Step

TRAJECTORIES = int(os.environ.get("CARECOORD_BENCH_SEED_TRAJECTORIES", "5000"))


@contextmanager
def fresh_database(dialect: str) -> Iterator[Dataset]:
    """An empty database of `dialect`, removed afterwards."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="carecoord-seed-") as folder:
            yield Dataset(dialect, "seed", TRAJECTORIES, f"sqlite:///{Path(folder) / 'seed.db'}")
        return
    server = postgres_server()
    if server is None:
        raise SystemExit("CARECOORD_BENCH_DATABASES asks for postgresql, but none answers")
    admin = make_url(server).set(drivername="postgresql+psycopg")
    name = f"carecoord_bench_seed_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.set(database=name).render_as_string(hide_password=False)
        yield Dataset(dialect, "seed", TRAJECTORIES, url)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def measure(found: Dataset) -> tuple[float, float]:
    """(trajectories per second, steps per bulk trajectory) of one bulk run."""
    flask(found, "db", "upgrade")
    with app_for(found):
        seed_base(today())
        seed_national_regions()
        db.session.commit()
        steps_before = db.session.scalar(select(func.count()).select_from(Step))
        started = time.perf_counter()
        for done in add_bulk(TRAJECTORIES, today()):
            db.session.commit()
            note(f"  {found.dialect}: {done}/{TRAJECTORIES}")
        seconds = time.perf_counter() - started
        steps = db.session.scalar(select(func.count()).select_from(Step)) - steps_before
    return TRAJECTORIES / seconds, steps / TRAJECTORIES


def main() -> None:
    for dialect in selected_dialects():
        note(f"seeding {TRAJECTORIES} trajectories into a fresh {dialect} database")
        with fresh_database(dialect) as found:
            rate, steps = measure(found)
        figure(f"seed_rate.{dialect}", rate, "trajectories/s")
        figure(f"seed_steps_per_trajectory.{dialect}", steps, "steps")


if __name__ == "__main__":
    main()
