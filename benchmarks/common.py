"""What every benchmark shares: seeded databases kept between runs, the report lines, medians.

Datasets are made with the app's own commands (`flask db upgrade`, `flask demo seed
--trajectories N`) in the development environment (instance/keys.json: invented data only) and
kept under .bench/ (SQLite) or as the PostgreSQL database carecoord_bench_<size>, marked with
carecoord.demo.seed.BULK_VERSION, so a new version of the bulk data seeds them afresh. A lock
file keeps two benchmarks from seeding the same dataset at once.

Settings (environment):
  CARECOORD_BENCH_SIZES       national, stress or both, comma-separated (default national)
  CARECOORD_BENCH_DATABASES   sqlite, postgresql or both (default: both when PostgreSQL answers)
  CARECOORD_BENCH_POSTGRES_URL  the server for PostgreSQL datasets
                              (default CARECOORD_TEST_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/test)
Every result is one line: `ratio <name> <value>` or `figure <name> <value> <unit>`.
"""

from __future__ import annotations

import fcntl
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / ".bench"
SIZES = {"national": 20_000, "stress": 200_000}
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Dataset:
    """A seeded database: `name` is "<dialect>.<size>", as the report lines use it."""

    dialect: str
    size: str
    trajectories: int
    url: str

    @property
    def name(self) -> str:
        return f"{self.dialect}.{self.size}"

    def environment(self, **extra: str) -> dict[str, str]:
        """The environment of a flask command or app server on this dataset."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CARECOORD_")}
        env.update(
            CARECOORD_ENV="development",
            CARECOORD_DATABASE_URL=self.url,
            CARECOORD_EXPORT_DIR=str(BENCH_DIR / "exports"),
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env


def ratio(name: str, value: float) -> None:
    print(f"ratio {name} {value:.3f}", flush=True)


def figure(name: str, value: float, unit: str) -> None:
    print(f"figure {name} {value:.3f} {unit}", flush=True)


def note(message: str) -> None:
    """Progress on stderr, so stdout holds only the result lines."""
    print(message, file=sys.stderr, flush=True)


def median_seconds(run: Callable[[], object], runs: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def postgres_server() -> str | None:
    """The PostgreSQL server for datasets, or None when none answers (then SQLite only)."""
    url = (
        os.environ.get("CARECOORD_BENCH_POSTGRES_URL")
        or os.environ.get("CARECOORD_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES
    )
    try:
        engine = create_engine(_psycopg(url))
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure means: no PostgreSQL here
        note(f"PostgreSQL not reachable at {url}: {type(error).__name__}; SQLite only")
        return None
    return url


def _psycopg(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return url if "+" in scheme else f"postgresql+psycopg://{rest}"


def selected_sizes() -> list[str]:
    sizes = os.environ.get("CARECOORD_BENCH_SIZES", "national").split(",")
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        raise SystemExit(f"CARECOORD_BENCH_SIZES: unknown size {unknown[0]!r}; use national,stress")
    return sizes


def selected_dialects() -> list[str]:
    chosen = os.environ.get("CARECOORD_BENCH_DATABASES")
    if chosen:
        return chosen.split(",")
    return ["sqlite", "postgresql"] if postgres_server() else ["sqlite"]


def datasets() -> Iterator[Dataset]:
    """Every selected dataset, seeded first when missing or made by other seeding code."""
    for dialect in selected_dialects():
        for size in selected_sizes():
            yield dataset(dialect, size)


def _seed_mark(trajectories: int) -> str:
    from carecoord.demo.seed import BULK_VERSION

    return f"{trajectories} trajectories, bulk version {BULK_VERSION}"


@contextmanager
def _seeding_lock() -> Iterator[None]:
    BENCH_DIR.mkdir(exist_ok=True)
    with (BENCH_DIR / "seeding.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def dataset(dialect: str, size: str) -> Dataset:
    with _seeding_lock():
        return _dataset(dialect, size)


def _dataset(dialect: str, size: str) -> Dataset:
    trajectories = SIZES[size]
    mark = BENCH_DIR / f"{dialect}-{size}.seeded"
    wanted = _seed_mark(trajectories)
    if dialect == "sqlite":
        path = BENCH_DIR / f"carecoord-{size}.db"
        found = Dataset(dialect, size, trajectories, f"sqlite:///{path}")
        fresh = not (mark.exists() and mark.read_text() == wanted and path.exists())
        if fresh:
            for stale in BENCH_DIR.glob(f"carecoord-{size}.db*"):
                stale.unlink()
    elif dialect == "postgresql":
        server = postgres_server()
        if server is None:
            raise SystemExit("CARECOORD_BENCH_DATABASES asks for postgresql, but none answers")
        name = f"carecoord_bench_{size}"
        url = make_url(_psycopg(server)).set(database=name)
        found = Dataset(dialect, size, trajectories, url.render_as_string(hide_password=False))
        fresh = not (mark.exists() and mark.read_text() == wanted)
        if fresh:
            _recreate_postgres_database(server, name)
    else:
        raise SystemExit(f"CARECOORD_BENCH_DATABASES: unknown database {dialect!r}")
    if fresh:
        mark.unlink(missing_ok=True)
        note(f"seeding {found.name}: {trajectories} trajectories (kept in {BENCH_DIR.name}/)")
        started = time.perf_counter()
        flask(found, "db", "upgrade")
        flask(found, "demo", "seed", "--trajectories", str(trajectories))
        # Bulk inserts bypass the dashboard's rollups (they fall back to live queries until
        # rebuilt), as a bulk import in production would: rebuild them, as its runbook says.
        flask(found, "rollups", "rebuild")
        seconds = time.perf_counter() - started
        figure(f"seed.{found.name}", seconds, "s")
        mark.write_text(wanted)
    if dialect == "postgresql":
        # Planner statistics: autovacuum may be off or not have run yet after a bulk load, and
        # without them PostgreSQL picks nested scans that no production database would.
        _analyze(found.url)
    return found


def _analyze(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def _recreate_postgres_database(server: str, name: str) -> None:
    engine = create_engine(_psycopg(server), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def flask(found: Dataset, *args: str, **extra_env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=found.environment(**extra_env),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def app_for(found: Dataset, **config: object) -> Iterator[object]:
    """The app on a dataset, in an app context (development settings and keys)."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("CARECOORD_")}
    os.environ.update({k: v for k, v in found.environment().items() if k.startswith("CARECOORD_")})
    try:
        from carecoord import create_app
        from carecoord.extensions import db

        app = create_app(config)
        with app.app_context():
            yield app
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    finally:
        for key in [k for k in os.environ if k.startswith("CARECOORD_")]:
            del os.environ[key]
        os.environ.update(saved)
