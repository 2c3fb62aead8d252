"""The rollup tables: derived counts only (codes, quarters, days), never a client's row or id.

Keyed by region first, as the dashboard reads them. No foreign keys: every row can be
rebuilt from the trajectories (maintenance.rebuild), and a count is never a fact of its own.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.extensions import db

DIMENSION_MAX = 20
# The longest code: "<provider type>:<handover status>" (32 + 1 + 20).
CODE_MAX = 60


class FlowCount(db.Model):
    """Trajectories (or handover events) per region, quarter, dimension and code."""

    __tablename__ = "dashboard_flow_counts"

    region_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(DIMENSION_MAX), primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_MAX), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class DayCount(db.Model):
    """How many trajectories took `days` days to a milestone reached in the quarter."""

    __tablename__ = "dashboard_day_counts"

    region_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    measure: Mapped[str] = mapped_column(String(DIMENSION_MAX), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StockEvent(db.Model):
    """The change on `day` of a stock (open in intake, in assistance, in reflection)."""

    __tablename__ = "dashboard_stock_events"

    region_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(DIMENSION_MAX), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class RollupState(db.Model):
    """One row while the rollups hold every trajectory: written by a rebuild, removed by any
    write the maintenance cannot follow. Without it the dashboard runs its live queries."""

    __tablename__ = "dashboard_rollup_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
