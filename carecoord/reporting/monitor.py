"""The yearly regional monitor: the dashboard's suppressed year tables beside the year before.

Nothing here counts anything: every figure comes from `dashboard_tables.build` for a whole year,
exactly as the dashboard shows that year. The monitor only sets two such years side by side; a
change is given only where both years show their figure, so it never reveals a hidden count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from carecoord.accounts.models import Region
from carecoord.reporting.aggregates import Period
from carecoord.reporting.dashboard_tables import Row, Table, build
from carecoord.reporting.suppression import SUPPRESSED_MARK, Cell

# Stocks at the year's end are left out: the monitor reports the year's flows (issue 4, §3).
TABLES = (
    "notifications",
    "exploitation",
    "gender",
    "age_band",
    "minor_adult",
    "nationality_group",
    "referrer",
    "municipality",
    "closure_reasons",
    "handovers",
    "medians",
)
NO_CHANGE = "—"
# A row one year's table has and the other's has not (e.g. "unknown"): not published there.
ABSENT = Cell(None, "–")


@dataclass(frozen=True)
class Figure:
    """One published figure in both years, and the change when both are shown."""

    previous: Cell
    current: Cell

    @property
    def change(self) -> str:
        if self.previous.value is None or self.current.value is None:
            return NO_CHANGE
        difference = self.current.value - self.previous.value
        return f"{difference:+d}".replace("-", "−") if difference else "0"


@dataclass(frozen=True)
class ComparedRow:
    row: Row | None  # None for the totals row
    figures: dict[str, Figure]  # per column key of the table

    @property
    def is_total(self) -> bool:
        return self.row is None


@dataclass(frozen=True)
class ComparedTable:
    key: str
    title: str
    row_header: str
    columns: Sequence[tuple[str, str]]
    rows: list[ComparedRow]


@dataclass(frozen=True)
class MonitorReport:
    region_name: str
    region_code: str
    year: int
    made_on: date
    threshold: int
    mark: str
    tables: list[ComparedTable]

    @property
    def previous_year(self) -> int:
        return self.year - 1


class YearRefused(ValueError):
    """A year whose figures cannot be published yet: it has not ended."""


def period_of(year: int) -> Period:
    """The year as a Period; ValueError when it or the year before is no valid period."""
    Period(year - 1)
    return Period(year)


def check_year(year: int, today: date) -> Period:
    """The year to publish: only a year that has ended, as on the dashboard."""
    period = period_of(year)
    if period.end >= today:
        raise YearRefused(year)
    return period


def build_report(region: Region, year: int, *, today: date, threshold: int) -> MonitorReport:
    """The monitor of `region` for `year` (checked with `check_year`), with the year before."""
    period = check_year(year, today)
    current = _tables(region, period, threshold)
    previous = _tables(region, Period(year - 1), threshold)
    tables = [_compare(current[key], previous.get(key)) for key in TABLES if key in current]
    return MonitorReport(
        region_name=region.name,
        region_code=region.code,
        year=year,
        made_on=today,
        threshold=threshold,
        mark=SUPPRESSED_MARK,
        tables=tables,
    )


def _tables(region: Region, period: Period, threshold: int) -> dict[str, Table]:
    return {table.key: table for table in build(region, period, threshold)}


def _compare(current: Table, previous: Table | None) -> ComparedTable:
    previous_rows = {row.code: row for row in previous.rows} if previous else {}
    rows = list(current.rows) + [r for c, r in previous_rows.items() if c not in _codes(current)]
    columns = list(current.columns)
    compared = [
        ComparedRow(
            row,
            {
                key: Figure(_cell(previous, row.code, key), _cell(current, row.code, key))
                for key, _header in columns
            },
        )
        for row in rows
    ]
    if current.totals is not None:
        compared.append(
            ComparedRow(
                None,
                {
                    key: Figure(_total(previous, key), current.totals.get(key, ABSENT))
                    for key, _header in columns
                },
            )
        )
    return ComparedTable(current.key, current.title, current.row_header, columns, compared)


def _codes(table: Table) -> set[str]:
    return {row.code for row in table.rows}


def _cell(table: Table | None, code: str, column: str) -> Cell:
    if table is None:
        return ABSENT
    return table.cells.get(code, {}).get(column, ABSENT)


def _total(table: Table | None, column: str) -> Cell:
    if table is None or table.totals is None:
        return ABSENT
    return table.totals.get(column, ABSENT)
