"""The dashboard's tables: counts (rollups or live), suppressed, with fixed rows and columns.

Flows (notifications and their profile, closures) are suppressed as one table per year with the
quarters as columns: a quarter shows its column, the year the row totals, so a year can never be
set against its quarters to work out a hidden cell. Stocks at the period's end are series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from carecoord.accounts.models import Municipality, Region
from carecoord.codes import (
    N_,
    AgeBand,
    ClosureReason,
    ExploitationForm,
    Gender,
    HandoverStatus,
    NationalityGroup,
    Phase,
    ProviderType,
    ReferrerType,
)
from carecoord.database import reporting_bind_arguments
from carecoord.extensions import db
from carecoord.reporting.aggregates import UNKNOWN, Period, categories
from carecoord.reporting.dashboard import FLOWS, TO_ACCEPTANCE, TO_CLOSURE, TO_INTAKE, Counts
from carecoord.reporting.rollups.reads import counts_for
from carecoord.reporting.suppression import (
    SUPPRESSED_MARK,
    Cell,
    suppress_series,
    suppress_table,
)

MINOR_BANDS = (AgeBand.CHILD.value, AgeBand.ADOLESCENT.value)
COUNT = "count"
HANDOVER_COLUMNS = (HandoverStatus.ACCEPTED, HandoverStatus.DECLINED, HandoverStatus.COMPLETED)


@dataclass(frozen=True)
class Row:
    """A row: its code, with the code list of its label (`label` filter), a message id or a name."""

    code: str
    kind: str | None = None
    message: str | None = None
    name: str | None = None  # a municipality's name, shown as it is


@dataclass(frozen=True)
class Table:
    key: str
    columns: Sequence[tuple[str, str]]  # (key, message id of the header)
    rows: Sequence[Row]
    cells: dict[str, dict[str, Cell]]
    totals: dict[str, Cell] | None

    @property
    def title(self) -> str:
        return TITLES[self.key][0]

    @property
    def row_header(self) -> str:
        return TITLES[self.key][1]


def _coded(codes: Sequence[str], kind: str) -> list[Row]:
    return [Row(str(code), kind) for code in codes]


def _fixed(counts: dict[str, list[int]], codes: Sequence[str]) -> dict[str, list[int]]:
    """Every fixed code present; a count under a code outside the list goes to `unknown`."""
    fixed = {code: [0, 0, 0, 0] for code in codes}
    for code, numbers in counts.items():
        target = fixed.get(code) or fixed.setdefault(UNKNOWN, [0, 0, 0, 0])
        for index, n in enumerate(numbers):
            target[index] += n
    return fixed


def _flow(
    key: str,
    rows: list[Row],
    counts: dict[str, list[int]],
    period: Period,
    threshold: int,
) -> Table:
    fixed = _fixed(counts, [row.code for row in rows])
    if UNKNOWN in fixed and all(row.code != UNKNOWN for row in rows):
        rows = [*rows, Row(UNKNOWN)]
    quarters = {f"q{n}": n - 1 for n in range(1, 5)}
    table = suppress_table(
        {
            code: {name: numbers[i] for name, i in quarters.items()}
            for code, numbers in fixed.items()
        },
        threshold,
    )
    if period.quarter is None:
        cells = {code: {COUNT: table.row_totals[code]} for code in table.row_keys}
        total = table.grand_total
    else:
        column = f"q{period.quarter}"
        cells = {code: {COUNT: table.cells[code][column]} for code in table.row_keys}
        total = table.column_totals[column]
    return Table(key, [(COUNT, N_("Number"))], rows, cells, {COUNT: total})


def _series(key: str, rows: list[Row], counts: dict[str, int], threshold: int) -> Table:
    series = suppress_series({row.code: counts.get(row.code, 0) for row in rows}, threshold)
    cells = {code: {COUNT: cell} for code, cell in series.cells.items()}
    return Table(key, [(COUNT, N_("Number"))], rows, cells, {COUNT: series.total})


def _minor_adult(age: Table) -> Table:
    """Sums of published age bands only: a group with a hidden band is hidden too."""
    groups = {
        "minor": [c for c in age.cells if c in MINOR_BANDS],
        "adult": [c for c in age.cells if c not in MINOR_BANDS and c != UNKNOWN],
        UNKNOWN: [UNKNOWN],
    }
    cells = {}
    for group, bands in groups.items():
        parts = [age.cells[band][COUNT] for band in bands]
        value = None if any(p.suppressed for p in parts) else sum(p.value for p in parts)
        cells[group] = {
            COUNT: Cell(None, SUPPRESSED_MARK) if value is None else Cell(value, str(value))
        }
    rows = [
        Row("minor", message=N_("minor (under 18)")),
        Row("adult", message=N_("adult (18 or older)")),
        Row(UNKNOWN),
    ]
    return Table("minor_adult", age.columns, rows, cells, age.totals)


def _municipalities(region: Region) -> list[Row]:
    query = (
        select(Municipality.cbs_code, Municipality.name)
        .where(Municipality.region_id == region.id)
        .order_by(Municipality.name)
    )
    rows = db.session.execute(query, bind_arguments=reporting_bind_arguments())
    # Names as the administrator typed them: not codes, shown as they are.
    return [*(Row(code, name=name) for code, name in rows), Row(UNKNOWN)]


def _handovers(counts: Counts, period: Period, threshold: int) -> Table:
    """Provider type by status, suppressed as one table of (type, status) by quarter like the
    flows, so a year cannot be set against its quarters; hence no totals per status."""
    types = [t.value for t in ProviderType]
    keys = [f"{t}:{s.value}" for t in types for s in HANDOVER_COLUMNS]
    flat = _flow(
        "handovers",
        [Row(key) for key in keys],
        counts.handovers(),
        period,
        threshold,
    )
    cells = {
        t: {s.value: flat.cells[f"{t}:{s.value}"][COUNT] for s in HANDOVER_COLUMNS} for t in types
    }
    columns = [(s.value, s.label) for s in HANDOVER_COLUMNS]
    return Table("handovers", columns, _coded(types, "ProviderType"), cells, None)


def _medians(counts: Counts, threshold: int) -> Table:
    """Medians over fewer than `threshold` trajectories are not shown."""
    messages = {
        TO_INTAKE: N_("notification to intake complete"),
        TO_ACCEPTANCE: N_("notification to first accepted handover"),
        TO_CLOSURE: N_("notification to closure"),
    }
    rows, cells = [], {}
    for code, message in messages.items():
        median = counts.median(code, threshold)
        rows.append(Row(code, message=message))
        cells[code] = {"days": Cell(None, "–") if median is None else Cell(median, str(median))}
    return Table("medians", [("days", N_("Days (median)"))], rows, cells, None)


# Each table's title and row header (message ids), in the page's order.
TITLES = {
    "notifications": (N_("New notifications"), N_("Notifications")),
    "exploitation": (N_("Forms of exploitation"), N_("Form")),
    "gender": (N_("Gender"), N_("Gender")),
    "age_band": (N_("Age band at notification"), N_("Age band")),
    "minor_adult": (N_("Minor or adult at notification"), N_("Age")),
    "nationality_group": (N_("Nationality group"), N_("Nationality")),
    "referrer": (N_("Referrer type"), N_("Referrer")),
    "municipality": (N_("Municipality"), N_("Municipality")),
    "closure_reasons": (N_("Closure reasons (closed in the period)"), N_("Reason")),
    "open_by_phase": (N_("Open trajectories at the end of the period, by phase"), N_("Phase")),
    "reflection": (N_("Reflection period running at the end of the period"), N_("Trajectories")),
    "handovers": (N_("Handovers by provider type"), N_("Provider type")),
    "medians": (N_("Median days"), N_("From")),
}
TABLE_KEYS = tuple(TITLES)
# Tables that split the new notifications: each adds up to the notifications' total.
PARTITIONS = frozenset({"gender", "age_band", "nationality_group", "referrer", "municipality"})
CODED_ROWS = {
    "exploitation": (list(ExploitationForm), "ExploitationForm"),
    "gender": (categories(Gender), "Gender"),
    "age_band": (categories(AgeBand), "AgeBand"),
    "nationality_group": (categories(NationalityGroup), "NationalityGroup"),
    "referrer": (list(ReferrerType), "ReferrerType"),
    "closure_reasons": (list(ClosureReason), "ClosureReason"),
}


def _agreeing(table: Table, notifications: Table) -> Table:
    """A partition of the notifications whose total is hidden in one table and not in the other
    could give a hidden count away when the two are read together: then its counts are hidden,
    and its total shown as the notifications show it."""
    total = notifications.totals[COUNT]
    if table.totals[COUNT].suppressed == total.suppressed:
        return table
    cells = {code: {COUNT: Cell(None, SUPPRESSED_MARK)} for code in table.cells}
    return Table(table.key, table.columns, table.rows, cells, {COUNT: total})


def _flow_rows(key: str, region: Region) -> list[Row]:
    if key == "notifications":
        return [Row("new", message=N_("new notifications"))]
    if key == "municipality":
        return _municipalities(region)
    codes, kind = CODED_ROWS[key]
    return _coded(codes, kind)


def build(
    region: Region,
    period: Period,
    threshold: int,
    only: str | None = None,
    *,
    counts: Counts | None = None,
) -> list[Table]:
    """The page's tables in order, or only the one named `only` (with what it is derived from).

    The counts come from the rollups while they are complete, else from the live queries;
    `counts` names the source instead (the tests compare the two)."""
    counts = counts_for(region.id, period) if counts is None else counts
    wanted = {"age_band"} if only == "minor_adult" else set(TITLES) if only is None else {only}
    if wanted & PARTITIONS:
        wanted.add("notifications")
    tables: list[Table] = []
    for key in FLOWS:
        if key in wanted:
            flow = counts.flow(key)
            table = _flow(key, _flow_rows(key, region), flow, period, threshold)
            if key in PARTITIONS:
                table = _agreeing(table, tables[0])
            tables.append(table)
            if key == "age_band":
                tables.append(_minor_adult(table))
    if wanted & {"open_by_phase", "reflection"}:
        by_phase, running = counts.stocks()
        if "open_by_phase" in wanted:
            phases = _coded([Phase.INTAKE.value, Phase.ASSISTANCE.value], "Phase")
            tables.append(_series("open_by_phase", phases, by_phase, threshold))
        if "reflection" in wanted:
            rows = [Row("running", message=N_("reflection period running"))]
            tables.append(_series("reflection", rows, {"running": running}, threshold))
    if "handovers" in wanted:
        tables.append(_handovers(counts, period, threshold))
    if "medians" in wanted:
        tables.append(_medians(counts, threshold))
    order = list(TITLES)
    return sorted((t for t in tables if only in (None, t.key)), key=lambda t: order.index(t.key))
