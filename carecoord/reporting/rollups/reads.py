"""The dashboard's counts read from the rollups: three small selects per page."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from sqlalchemy import Select, func, select

from carecoord.database import reporting_bind_arguments
from carecoord.extensions import db
from carecoord.reporting.aggregates import Period, median_of_counts
from carecoord.reporting.dashboard import Counts, LiveCounts
from carecoord.reporting.rollups.maintenance import built
from carecoord.reporting.rollups.models import DayCount, FlowCount, StockEvent
from carecoord.reporting.rollups.rules import ASSISTANCE, HANDOVERS, INTAKE, REFLECTION


def counts_for(region_id: int, period: Period) -> Counts:
    """The rollups while they hold every trajectory, else the live queries."""
    return RolledUpCounts(region_id, period) if built() else LiveCounts(region_id, period)


def _rows(query: Select) -> Any:
    return db.session.execute(query, bind_arguments=reporting_bind_arguments())


class RolledUpCounts:
    """The same counts as LiveCounts, summed from the rollups of the region."""

    def __init__(self, region_id: int, period: Period) -> None:
        self.region_id, self.period = region_id, period

    @cached_property
    def _flows(self) -> dict[str, dict[str, list[int]]]:
        """Every flow of the period's year, by dimension, code and quarter."""
        query = select(FlowCount.dimension, FlowCount.code, FlowCount.quarter, FlowCount.n).where(
            FlowCount.region_id == self.region_id,
            FlowCount.year == self.period.year,
            FlowCount.n != 0,
        )
        flows: dict[str, dict[str, list[int]]] = {}
        for dimension, code, quarter, n in _rows(query):
            flows.setdefault(dimension, {}).setdefault(code, [0, 0, 0, 0])[quarter - 1] = n
        return flows

    @cached_property
    def _days(self) -> dict[str, dict[int, int]]:
        """How many trajectories took each number of days, per measure, in the period."""
        query = (
            select(DayCount.measure, DayCount.days, func.sum(DayCount.n))
            .where(
                DayCount.region_id == self.region_id,
                DayCount.year == self.period.year,
                DayCount.n != 0,
            )
            .group_by(DayCount.measure, DayCount.days)
        )
        if self.period.quarter is not None:
            query = query.where(DayCount.quarter == self.period.quarter)
        days: dict[str, dict[int, int]] = {}
        for measure, number, n in _rows(query):
            days.setdefault(measure, {})[number] = int(n)
        return days

    def flow(self, key: str) -> dict[str, list[int]]:
        return self._flows.get(key, {})

    def handovers(self) -> dict[str, list[int]]:
        return self._flows.get(HANDOVERS, {})

    def stocks(self) -> tuple[dict[str, int], int]:
        """The running sums of the stock events up to the period's last day."""
        query = (
            select(StockEvent.series, func.sum(StockEvent.n))
            .where(StockEvent.region_id == self.region_id, StockEvent.day <= self.period.end)
            .group_by(StockEvent.series)
        )
        sums = {series: int(n or 0) for series, n in _rows(query)}
        by_phase = {phase: sums[phase] for phase in (INTAKE, ASSISTANCE) if sums.get(phase)}
        return by_phase, sums.get(REFLECTION, 0)

    def median(self, measure: str, minimum: int) -> int | None:
        return median_of_counts(self._days.get(measure, {}), minimum=minimum)
