"""dashboard rollups: the dashboard's counts per region and quarter, kept on every write

Revision ID: 6a1c3e5f7b92
Revises: 5e7a9b1d3f52
Create Date: 2026-11-29 16:00:00

Four derived tables (carecoord/reporting/rollups). They start empty and without the state row,
so the dashboard keeps running its live queries until `flask rollups rebuild` has counted the
existing trajectories once (docs/performance.md); from then on every write through the app
keeps them equal to the live counts. No foreign keys: every row can be counted again.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6a1c3e5f7b92"
down_revision = "5e7a9b1d3f52"
branch_labels = None
depends_on = None

DIMENSION_MAX = 20
CODE_MAX = 60


def upgrade():
    op.create_table(
        "dashboard_flow_counts",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("dimension", sa.String(DIMENSION_MAX), nullable=False),
        sa.Column("code", sa.String(CODE_MAX), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "region_id", "year", "quarter", "dimension", "code", name="pk_dashboard_flow_counts"
        ),
    )
    op.create_table(
        "dashboard_day_counts",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("measure", sa.String(DIMENSION_MAX), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "region_id", "year", "quarter", "measure", "days", name="pk_dashboard_day_counts"
        ),
    )
    op.create_table(
        "dashboard_stock_events",
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(DIMENSION_MAX), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region_id", "series", "day", name="pk_dashboard_stock_events"),
    )
    op.create_table(
        "dashboard_rollup_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dashboard_rollup_state"),
    )


def downgrade():
    for table in (
        "dashboard_rollup_state",
        "dashboard_stock_events",
        "dashboard_day_counts",
        "dashboard_flow_counts",
    ):
        op.drop_table(table)
