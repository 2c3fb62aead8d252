"""The chain director's dashboard against the raw SQL of the same aggregations.

For each selected dataset (benchmarks/common.py), on the busiest region and the last complete
quarter (the page's default period):
- dashboard: `dashboard_tables.build`, as the page runs it (the rollups when built, which this
  benchmark does first when they are not), with suppression and table building;
- live: the same tables from the live GROUP BY queries (the rollups' fallback and definition);
- sql: the live queries' aggregations as hand-written SQL text, run on the same DBAPI
  connection and fetched, without SQLAlchemy, suppression or tables;
- own_sql: the rollup reads of the dashboard as SQL text, the same way;
- page: GET /dashboard/ through the Flask test client, signed in as the region's chain
  director (or the admin with the region chosen), template and audit entry included.
Each is the median of several runs. Before timing, the rollup and live tables are compared:
a difference is a failure (exit status 1).

Prints `ratio dashboard_vs_sql.<dataset>` (goal at most 1.2), `ratio dashboard_live_vs_sql`,
`ratio dashboard_vs_own_sql`, and `figure dashboard_ms|dashboard_live_ms|dashboard_sql_ms|
dashboard_page_ms.<dataset> <ms> ms` (goal: a page at most 300 ms at stress size on PostgreSQL).
Run: `.venv/bin/python -m benchmarks.dashboard` (sizes and databases: benchmarks/common.py).
Writes to the dataset: the rollups (when not built) and one audit entry per page view.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date

from flask.globals import _cv_app
from sqlalchemy import func, inspect, select

from benchmarks.common import Dataset, app_for, datasets, figure, flask, note, ratio
from carecoord.accounts.models import Region, User
from carecoord.accounts.sessions import LAST_SEEN, STARTED_AT
from carecoord.codes import Role
from carecoord.extensions import db
from carecoord.reporting.aggregates import Period
from carecoord.reporting.dashboard import LiveCounts, earliest_running_start
from carecoord.reporting.dashboard_tables import build
from carecoord.reporting.dashboard_views import last_complete_quarter
from carecoord.reporting.rollups import maintenance
from carecoord.reporting.rollups.reads import RolledUpCounts
from carecoord.reporting.suppression import check_threshold
from carecoord.timeutil import today
from carecoord.trajectories.models import Trajectory

RUNS = 9
PLACEHOLDER = re.compile(r"(?<!:):(\w+)")
QUARTER = "CASE WHEN {c} <= :q1 THEN 1 WHEN {c} <= :q2 THEN 2 WHEN {c} <= :q3 THEN 3 ELSE 4 END"
IN_YEAR = "{c} >= :year_start AND {c} <= :year_end"
NOTIFIED = (
    "FROM trajectories t JOIN clients c ON c.id = t.client_id "
    "WHERE t.region_id = :region AND " + IN_YEAR.format(c="t.notified_on")
)


def _flow(key: str | None, joins: str = "") -> str:
    """Counts per key (or of all notifications, without one) and quarter of the year."""
    quarter = QUARTER.format(c="t.notified_on")
    source = NOTIFIED.replace("WHERE", f"{joins} WHERE") if joins else NOTIFIED
    if key is None:
        return f"SELECT 'new', {quarter} AS q, count(*) {source} GROUP BY q"
    return f"SELECT {key}, {quarter} AS q, count(*) {source} GROUP BY {key}, q"


def _event(c: str) -> str:
    return f"CASE WHEN {IN_YEAR.format(c=c)} THEN {QUARTER.format(c=c)} END"


STOCK_PHASE = (
    "CASE WHEN coalesce(t.intake_completed_on, CASE WHEN t.phase = 'assistance' OR "
    "t.left_from_phase = 'assistance' THEN t.assistance_started_on END) <= :end "
    "THEN 'assistance' ELSE 'intake' END"
)
# The live queries of reporting/dashboard.py, written out by hand (S608: constants only).
LIVE_SQL = (
    _flow(None),
    _flow("f.form", "JOIN trajectory_exploitation_forms f ON f.trajectory_id = t.id"),
    _flow("c.gender"),
    _flow("t.age_band"),
    _flow("c.nationality_group"),
    _flow("t.referrer_type"),
    _flow(
        "coalesce(m.cbs_code, 'unknown')", "LEFT JOIN municipalities m ON m.id = c.municipality_id"
    ),
    "SELECT cbs_code, name FROM municipalities WHERE region_id = :region ORDER BY name",
    f"SELECT t.closure_reason, {QUARTER.format(c='t.closed_on')} AS q, count(*) "  # noqa: S608
    "FROM trajectories t JOIN clients c ON c.id = t.client_id WHERE t.region_id = :region "
    f"AND {IN_YEAR.format(c='t.closed_on')} GROUP BY t.closure_reason, q",
    f"SELECT {STOCK_PHASE} AS stock_phase, count(t.id), sum(CASE WHEN "  # noqa: S608
    "t.reflection_started_on <= :end AND t.reflection_started_on >= :reflection_from "
    "THEN 1 ELSE 0 END) FROM trajectories t "
    "WHERE t.region_id = :region AND t.notified_on <= :end "
    "AND (t.closed_on IS NULL OR t.closed_on > :end) GROUP BY stock_phase",
    f"SELECT p.provider_type, {_event('h.accepted_on')} AS a, {_event('h.declined_on')} AS d, "  # noqa: S608
    f"{_event('h.completed_on')} AS c, count(*) FROM handovers h "
    "JOIN care_providers p ON p.id = h.provider_id "
    "JOIN help_questions q ON q.id = h.help_question_id "
    "JOIN trajectories t ON t.id = q.trajectory_id WHERE t.region_id = :region AND ("
    + " OR ".join(
        IN_YEAR.format(c=f"h.{c}") for c in ("accepted_on", "declined_on", "completed_on")
    )
    + ") GROUP BY p.provider_type, a, d, c",
    "SELECT t.notified_on, t.intake_completed_on FROM trajectories t WHERE t.region_id = :region "
    "AND t.intake_completed_on >= :start AND t.intake_completed_on <= :end",
    "SELECT t.notified_on, t.closed_on FROM trajectories t WHERE t.region_id = :region "
    "AND t.closed_on >= :start AND t.closed_on <= :end",
    "SELECT t.notified_on, min(h.accepted_on) FROM trajectories t "
    "JOIN help_questions q ON q.trajectory_id = t.id JOIN handovers h ON h.help_question_id = q.id "
    "WHERE t.region_id = :region AND h.accepted_on IS NOT NULL GROUP BY t.id, t.notified_on "
    "HAVING min(h.accepted_on) >= :start AND min(h.accepted_on) <= :end",
)
# The dashboard's reads when the rollups serve it, written out by hand.
ROLLUP_SQL = (
    "SELECT id FROM dashboard_rollup_state LIMIT 1",
    "SELECT dimension, code, quarter, n FROM dashboard_flow_counts "
    "WHERE region_id = :region AND year = :year AND n != 0",
    "SELECT measure, days, sum(n) FROM dashboard_day_counts WHERE region_id = :region "
    "AND year = :year AND quarter = :quarter AND n != 0 GROUP BY measure, days",
    "SELECT series, sum(n) FROM dashboard_stock_events WHERE region_id = :region "
    "AND day <= :end GROUP BY series",
    "SELECT cbs_code, name FROM municipalities WHERE region_id = :region ORDER BY name",
)


def _parameters(region: Region, period: Period, dialect: str) -> dict[str, object]:
    quarters = [Period(period.year, q).end for q in (1, 2, 3)]
    values: dict[str, object] = {
        "region": region.id,
        "year": period.year,
        "quarter": period.quarter,
        "q1": quarters[0],
        "q2": quarters[1],
        "q3": quarters[2],
        "year_start": Period(period.year).start,
        "year_end": Period(period.year).end,
        "start": period.start,
        "end": period.end,
        "reflection_from": earliest_running_start(period.end),
    }
    if dialect == "sqlite":  # SQLAlchemy stores SQLite dates as ISO text
        values = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
    return values


def _raw(statements: tuple[str, ...], parameters: dict[str, object]) -> None:
    """Each statement through the DBAPI cursor of the session's own connection, fetched."""
    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        for sql in statements:
            cursor.execute(PLACEHOLDER.sub(r"%(\1)s", sql) if postgres else sql, parameters)
            cursor.fetchall()
    finally:
        cursor.close()


def _busiest_region() -> Region:
    query = (
        select(Trajectory.region_id)
        .group_by(Trajectory.region_id)
        .order_by(func.count().desc())
        .limit(1)
    )
    return db.session.get(Region, db.session.scalar(query))


def _prepare(found: Dataset) -> None:
    """The dataset at the newest schema with built rollups (a dataset seeded in bulk has none)."""
    if not inspect(db.engine).has_table("dashboard_rollup_state"):
        note(f"{found.name}: flask db upgrade (the rollup tables are missing)")
        db.session.remove()
        flask(found, "db", "upgrade")
    if not maintenance.built():
        started = time.perf_counter()
        counted = maintenance.rebuild()
        db.session.commit()
        seconds = time.perf_counter() - started
        note(f"{found.name}: rollups rebuilt over {counted} trajectories in {seconds:.1f} s")
        figure(f"dashboard_rollup_rebuild_s.{found.name}", seconds, "s")


def _page_client(app, region: Region):
    """A test client signed in as the region's chain director, or as the admin choosing it."""
    director = db.session.scalar(
        select(User).where(User.role == Role.CHAIN_DIRECTOR.value, User.region_id == region.id)
    )
    user = director or db.session.scalar(select(User).where(User.role == Role.ADMIN.value))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.get_id(), True
        session[STARTED_AT] = session[LAST_SEEN] = int(time.time())
    query = "" if director else f"?region={region.code}"
    db.session.rollback()  # on SQLite the read holds the write lock (BEGIN IMMEDIATE)
    return client, f"/dashboard/{query}"


def measure(found: Dataset) -> bool:
    with app_for(found) as app:
        _prepare(found)
        region, period = _busiest_region(), last_complete_quarter(today())
        threshold = check_threshold(app.config["SUPPRESSION_THRESHOLD"])
        rolled, live = RolledUpCounts(region.id, period), LiveCounts(region.id, period)
        same = build(region, period, threshold, counts=rolled) == build(
            region, period, threshold, counts=live
        )
        db.session.rollback()
        if not same:
            note(f"{found.name}: the rollups differ from the live counts")
            return False
        note(f"{found.name}: region {region.code}, period {period}")
        parameters = _parameters(region, period, db.engine.dialect.name)

        client, url = _page_client(app, region)
        # Interleaved, so that a burst of load on the shared machine hits every variant alike.
        medians = _interleaved(
            {
                "dashboard": lambda: build(region, period, threshold),
                "live": lambda: build(region, period, threshold, counts=live),
                "sql": lambda: _raw(LIVE_SQL, parameters),
                "own_sql": lambda: _raw(ROLLUP_SQL, parameters),
                "page": lambda: _get(client, url),
            }
        )
        dashboard, live_build, sql, own_sql, page = medians.values()
        name = found.name
        ratio(f"dashboard_vs_sql.{name}", dashboard / sql)
        ratio(f"dashboard_live_vs_sql.{name}", live_build / sql)
        ratio(f"dashboard_vs_own_sql.{name}", dashboard / own_sql)
        for what, seconds in (
            ("dashboard_ms", dashboard),
            ("dashboard_live_ms", live_build),
            ("dashboard_sql_ms", sql),
            ("dashboard_page_ms", page),
        ):
            figure(f"{what}.{name}", seconds * 1000, "ms")
    return True


def _interleaved(variants: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The median seconds of each variant, the variants taking turns run after run."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for run in range(RUNS + 1):
        for name, variant in variants.items():
            started = time.perf_counter()
            variant()
            elapsed = time.perf_counter() - started
            db.session.rollback()
            if run:  # the first round warms caches up
                times[name].append(elapsed)
    return {name: statistics.median(values) for name, values in times.items()}


def _get(client, url: str) -> None:
    """One request in an app context of its own, as in production (not the benchmark's)."""
    token = _cv_app.set(None)
    try:
        response = client.get(url)
    finally:
        _cv_app.reset(token)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")


def main() -> int:
    failed = [found.name for found in datasets() if not measure(found)]
    if failed:
        note(f"rollups differ from the live counts on: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
