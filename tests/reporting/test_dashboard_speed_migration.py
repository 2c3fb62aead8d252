"""Migration 6a1c3e5f7b92 (the dashboard's rollups) up and down on a database with data."""

from __future__ import annotations

import uuid
from datetime import date

from alembic import command
from sqlalchemy import func, insert, inspect, select

from carecoord.accounts.models import Region
from carecoord.clients.models import Client
from carecoord.extensions import db
from carecoord.reporting.aggregates import Period
from carecoord.reporting.dashboard import LiveCounts
from carecoord.reporting.rollups import maintenance
from carecoord.reporting.rollups.reads import RolledUpCounts, counts_for
from carecoord.trajectories.models import Trajectory
from tests.reporting.test_dashboard_rollups import everything
from tests.test_migrations import alembic_config

BEFORE, REVISION = "5e7a9b1d3f52", "6a1c3e5f7b92"
ROLLUP_TABLES = {
    "dashboard_flow_counts",
    "dashboard_day_counts",
    "dashboard_stock_events",
    "dashboard_rollup_state",
}


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _trajectories(n: int) -> None:
    """`n` notifications in region GV, written as at the revision before (no rollups)."""
    with db.engine.begin() as connection:
        region = connection.execute(
            insert(Region.__table__).values(name="Gooi en Vechtstreek", code="GV")
        ).inserted_primary_key[0]
        for i in range(n):
            client = connection.execute(
                insert(Client.__table__).values(
                    public_id=uuid.uuid4(), region_id=region, gender="male", nationality_group="nl"
                )
            ).inserted_primary_key[0]
            connection.execute(
                insert(Trajectory.__table__).values(
                    public_id=uuid.uuid4(),
                    client_id=client,
                    region_id=region,
                    case_number=f"GV-2025-{i:04d}",
                    phase="intake",
                    notified_on=date(2025, 5, 1 + i),
                    referrer_type="police",
                    age_band="23-29",
                    version=1,
                )
            )


def test_the_rollups_come_empty_count_live_until_rebuilt_and_go_down(migrating_app):
    config = alembic_config()
    command.upgrade(config, BEFORE)
    _trajectories(6)
    command.upgrade(config, REVISION)
    assert _tables() >= ROLLUP_TABLES
    region = db.session.scalar(select(Region))
    assert not maintenance.built()
    assert isinstance(counts_for(region.id, Period(2025)), LiveCounts)

    assert maintenance.rebuild() == 6
    db.session.commit()
    for period in (Period(2025), Period(2025, 2)):
        rolled, live = RolledUpCounts(region.id, period), LiveCounts(region.id, period)
        assert everything(rolled) == everything(live)
        assert rolled.flow("notifications")
    db.session.remove()

    command.downgrade(config, BEFORE)
    assert not ROLLUP_TABLES & _tables()
    with db.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Trajectory.__table__)) == 6
    command.upgrade(config, REVISION)
    assert not maintenance.built()  # the rollups must be rebuilt after coming up again
    db.session.remove()
