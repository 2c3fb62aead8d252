"""CoMensha export: `run_export` against a raw loop over the same rows, and its peak memory.

Time: per selected dataset, the export of the busiest region (most trajectories active in the
period) for the last whole year, into a temporary folder and rolled back (no batch is kept),
against a raw loop over the same rows: one plain SQL query (consented trajectories active in
the year, forms and handovers aggregated in correlated subqueries), the nationality decrypted
with the app's keyring, both pseudonyms by the same HMAC functions and key, CSV lines written.
The raw loop skips what the export adds: the facts as at the period's end, validation, the
pseudonym order, the JSON file, hashing, fsync, the lock and the batch with its audit entry.
Runs alternate; medians of RUNS.
  ratio export_vs_raw.<dataset>                 export ÷ raw loop (goal ≤ 2)

Memory: the same export once in a fresh subprocess at N and at 10N rows. Peak RSS is the
child's ru_maxrss as the parent gets it from os.wait4 (Linux: KiB), imports included; a second
child per size reports the tracemalloc peak of run_export alone (the Python heap it needs); a
third runs 10N with in-memory runs of N rows, as exports above RUN_ROWS do.
  ratio export_peak_memory_10n_vs_n.<dialect>   peak RSS at 10N ÷ at N (goal ≤ 1.2)
  ratio export_heap_peak_10n_vs_n.<dialect>     the same for the tracemalloc peak
N and 10N: the busiest region's last year in the national and in the stress dataset when the
stress one is seeded (or selected); otherwise in a temporary dataset of a tenth of national
size (`flask demo seed`, own SQLite file or PostgreSQL database, removed afterwards) and in the
national one. A PostgreSQL dataset never analysed is skipped (see `analysed`).
Run: `.venv/bin/python -m benchmarks.export`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Date, bindparam, create_engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.common import (
    BENCH_DIR,
    SIZES,
    Dataset,
    _seed_mark,
    app_for,
    dataset,
    datasets,
    figure,
    flask,
    note,
    postgres_server,
    ratio,
    selected_dialects,
    selected_sizes,
)
from carecoord import create_app
from carecoord.accounts.models import Region
from carecoord.codes import ConsentPurpose
from carecoord.extensions import db
from carecoord.reporting import exports
from carecoord.reporting.aggregates import Period
from carecoord.reporting.comensha import REFERRER_CATEGORY
from carecoord.reporting.exports import run_export
from carecoord.reporting.queries import active_in, regions
from carecoord.security.crypto import associated_data
from carecoord.security.keys import app_keys
from carecoord.security.pseudonyms import person_pseudonym, trajectory_pseudonym
from carecoord.timeutil import today, utcnow

RUNS = 7
MIB = 1024 * 1024
TENTH = SIZES["national"] // 10


@dataclass(frozen=True)
class Target:
    """What is exported: the busiest region and the last whole year."""

    region_code: str
    period: str


def last_year() -> str:

    return str(today().year - 1)


def busiest(period_label: str) -> Target:
    """The region with the most trajectories active in the period (in an app context)."""

    period = Period.parse(period_label)
    counts = {
        region.code: db.session.scalar(
            select(func.count()).select_from(active_in(region, period).subquery())
        )
        for region in db.session.scalars(select(Region))
    }
    return Target(max(counts, key=counts.__getitem__), period_label)


def export_once(target: Target, folder: Path) -> int:
    """One run_export, rolled back: no batch, no audit entry; the files stay in `folder`."""

    (region,) = regions(target.region_code)
    try:
        result = run_export(
            region, Period.parse(target.period), out_dir=folder, actor=None, now=utcnow()
        )
        return result.row_count
    finally:
        db.session.rollback()


RAW_SQL = """
SELECT t.public_id, c.public_id, c.nationality_ct, m.cbs_code, t.age_band, c.gender,
  c.nationality_group,
  (SELECT {agg}(e.form, ';') FROM trajectory_exploitation_forms e WHERE e.trajectory_id = t.id),
  t.referrer_type, t.notified_on, t.phase, t.intake_completed_on, t.reflection_started_on,
  t.police_report, t.residence_permit, t.criminal_case,
  (SELECT {agg}(p.provider_type || ':' || h.status, ';') FROM help_questions q
     JOIN handovers h ON h.help_question_id = q.id JOIN care_providers p ON p.id = h.provider_id
     WHERE q.trajectory_id = t.id AND h.proposed_on <= :end),
  t.closed_on, t.closure_reason
FROM trajectories t JOIN clients c ON c.id = t.client_id
LEFT JOIN municipalities m ON m.id = c.municipality_id
WHERE t.region_id = :region AND t.notified_on <= :end
  AND (t.closed_on IS NULL OR t.closed_on >= :start)
  AND EXISTS (SELECT 1 FROM consents k WHERE k.trajectory_id = t.id AND k.purpose = :purpose
    AND k.given_on <= :end AND (k.withdrawn_on IS NULL OR k.withdrawn_on > :end))
"""


def raw_once(target: Target, folder: Path) -> int:
    """The raw loop: fetch, decrypt, HMAC, write CSV lines."""

    (region,) = regions(target.region_code)
    period = Period.parse(target.period)
    keys = app_keys()
    category = {kind.value: value.value for kind, value in REFERRER_CATEGORY.items()}
    agg = "string_agg" if db.session.get_bind().dialect.name == "postgresql" else "group_concat"
    query = text(RAW_SQL.format(agg=agg)).bindparams(
        bindparam("start", type_=Date), bindparam("end", type_=Date)
    )
    params = {
        "region": region.id,
        "start": period.start,
        "end": period.end,
        "purpose": ConsentPurpose.COMENSHA_REGISTRATION.value,
    }
    count = 0
    try:
        with (folder / "raw.csv").open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream, lineterminator="\r\n")
            for row in db.session.execute(query, params):
                trajectory_id, client_id = _uuid(row[0]), _uuid(row[1])
                nationality = ""
                if row[2] is not None:
                    aad = associated_data("clients", "nationality", client_id.bytes)
                    nationality = keys.keyring.decrypt(bytes(row[2]), aad).decode()
                writer.writerow(
                    (
                        person_pseudonym(keys.pseudonym, client_id),
                        trajectory_pseudonym(keys.pseudonym, trajectory_id),
                        region.name,
                        row[3] or "",
                        row[4],
                        row[5],
                        nationality,
                        row[6],
                        row[7] or "",
                        row[8],
                        category[row[8]],
                        _month(row[9]),
                        row[10],
                        _month(row[11]),
                        _month(row[12]),
                        row[13] or "",
                        row[14] or "",
                        row[15] or "",
                        row[16] or "",
                        _month(row[17]),
                        row[18] or "",
                    )
                )
                count += 1
    finally:
        db.session.rollback()
    return count


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _month(value: object) -> str:
    return "" if value is None else str(value)[:7]


def time_against_raw(found: Dataset) -> None:
    with app_for(found), tempfile.TemporaryDirectory(prefix="carecoord-export-") as tmp:
        if not analysed(found):
            return
        target = busiest(last_year())
        folder = Path(tmp)
        rows, raw_rows = export_once(target, folder), raw_once(target, folder)
        note(f"{found.name}: {target.region_code} {target.period}: {rows} rows ({raw_rows} raw)")
        exported, raw = [], []
        for _ in range(RUNS):  # alternating, so a burst of load on the machine hits both
            started = time.perf_counter()
            export_once(target, folder)
            exported.append(time.perf_counter() - started)
            started = time.perf_counter()
            raw_once(target, folder)
            raw.append(time.perf_counter() - started)
    export_s, raw_s = statistics.median(exported), statistics.median(raw)
    figure(f"export_rows.{found.name}", rows, "rows")
    figure(f"export_seconds.{found.name}", export_s, "s")
    figure(f"export_raw_seconds.{found.name}", raw_s, "s")
    ratio(f"export_vs_raw.{found.name}", export_s / raw_s)


def analysed(found: Dataset) -> bool:
    """False for a bulk-loaded PostgreSQL database never analysed (autovacuum may be off): the
    planner then scans every handover once per row, for minutes, and both timings here would
    say nothing about production. Call in an app context on `found`."""
    if found.dialect != "postgresql":
        return True
    done = db.session.scalar(
        text(
            "SELECT coalesce(last_analyze, last_autoanalyze) IS NOT NULL FROM pg_stat_user_tables"
            " WHERE relname = 'handovers'"
        )
    )
    db.session.rollback()
    if not done:
        note(f"{found.name}: skipped, no planner statistics: run ANALYZE on its database first")
    return bool(done)


def child_main(target: Target, trace: bool, run_rows: int | None) -> None:
    """In the subprocess: one export on CARECOORD_DATABASE_URL; prints rows and heap figures."""
    if run_rows:
        exports.RUN_ROWS = run_rows
    app = create_app()
    with app.app_context(), tempfile.TemporaryDirectory(prefix="carecoord-export-") as tmp:
        before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        rows = export_once(target, Path(tmp))
        heap_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    print(json.dumps({"rows": rows, "before_kib": before_kib, "heap_peak": heap_peak}))


def measure_child(
    found: Dataset, target: Target, *, trace: bool = False, run_rows: int | None = None
) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.export", "--child", target.region_code]
    command += [target.period, *(["--trace"] if trace else [])]
    command += ["--run-rows", str(run_rows)] if run_rows else []
    child = subprocess.Popen(
        command, cwd=BENCH_DIR.parent, env=found.environment(), stdout=subprocess.PIPE
    )
    assert child.stdout is not None
    output = child.stdout.read()
    # wait4, not wait: the rusage of this child alone (RUSAGE_CHILDREN keeps the largest so far).
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"export child failed on {found.name} (status {child.returncode})")
    report = json.loads(output)
    report["peak_kib"] = usage.ru_maxrss
    return report


def memory(dialect: str) -> None:
    """Peak RSS (the goal) and the heap run_export itself needs, at N and at 10N rows; then 10N
    again with runs of N rows, to show the heap stays flat once exports spill."""
    with n_and_ten_n(dialect) as (small, large):
        with app_for(small):
            aim_n = busiest(last_year()) if analysed(small) else None
        with app_for(large):
            aim_10n = busiest(last_year()) if analysed(large) else None
        if aim_n is None or aim_10n is None:
            return
        n, n_heap = measure_child(small, aim_n), measure_child(small, aim_n, trace=True)
        ten, ten_heap = measure_child(large, aim_10n), measure_child(large, aim_10n, trace=True)
        capped = measure_child(large, aim_10n, trace=True, run_rows=int(n["rows"]))
        note(
            f"{dialect}: N = {small.name} {aim_n.region_code} {aim_n.period} ({n['rows']} rows), "
            f"10N = {large.name} {aim_10n.region_code} {aim_10n.period} ({ten['rows']} rows)"
        )
    for label, plain, traced in (("n", n, n_heap), ("10n", ten, ten_heap)):
        figure(f"export_rows_{label}.{dialect}", plain["rows"], "rows")
        figure(f"export_peak_rss_{label}.{dialect}", plain["peak_kib"] / 1024, "MiB")
        growth = (plain["peak_kib"] - plain["before_kib"]) / 1024
        figure(f"export_rss_growth_{label}.{dialect}", growth, "MiB")
        figure(f"export_heap_peak_{label}.{dialect}", traced["heap_peak"] / MIB, "MiB")
    figure(f"export_heap_peak_10n_runs_of_n.{dialect}", capped["heap_peak"] / MIB, "MiB")
    figure(f"export_rows_10n_vs_n.{dialect}", ten["rows"] / n["rows"], "x")
    ratio(f"export_peak_memory_10n_vs_n.{dialect}", ten["peak_kib"] / n["peak_kib"])
    ratio(f"export_heap_peak_10n_vs_n.{dialect}", ten_heap["heap_peak"] / n_heap["heap_peak"])


def _stress_ready(dialect: str) -> bool:

    mark = BENCH_DIR / f"{dialect}-stress.seeded"
    seeded = mark.exists() and mark.read_text() == _seed_mark(SIZES["stress"])
    return seeded or "stress" in selected_sizes()


@contextmanager
def n_and_ten_n(dialect: str) -> Iterator[tuple[Dataset, Dataset]]:
    if _stress_ready(dialect):
        yield dataset(dialect, "national"), dataset(dialect, "stress")
        return
    with tenth_dataset(dialect) as small:
        yield small, dataset(dialect, "national")


@contextmanager
def tenth_dataset(dialect: str) -> Iterator[Dataset]:
    """A dataset of a tenth of national size, seeded here and removed afterwards."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="carecoord-export-") as tmp:
            found = Dataset(dialect, "tenth", TENTH, f"sqlite:///{Path(tmp) / 'tenth.db'}")
            _seed(found)
            yield found
        return
    server = postgres_server()
    if server is None:
        raise SystemExit("CARECOORD_BENCH_DATABASES asks for postgresql, but none answers")
    admin = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"carecoord_bench_export_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.set(database=name).render_as_string(hide_password=False)
        found = Dataset(dialect, "tenth", TENTH, url)
        _seed(found)
        own = create_engine(url, isolation_level="AUTOCOMMIT")
        with own.connect() as connection:
            connection.execute(text("ANALYZE"))  # this database is ours: plans as in production
        own.dispose()
        yield found
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def _seed(found: Dataset) -> None:
    note(f"seeding a temporary {found.dialect} dataset of {found.trajectories} trajectories")
    flask(found, "db", "upgrade")
    flask(found, "demo", "seed", "--trajectories", str(found.trajectories))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("REGION", "PERIOD"))
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--run-rows", type=int)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if args.child:
        child_main(Target(*args.child), args.trace, args.run_rows)
        return 0
    for found in datasets():
        time_against_raw(found)
    if not args.skip_memory:
        for dialect in selected_dialects():
            memory(dialect)
    return 0


if __name__ == "__main__":
    sys.exit(main())
