"""retention: when a client's identifying data and free text were purged

Revision ID: 5e7a9b1d3f52
Revises: 4d6f8a0c2e41
Create Date: 2026-11-29 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e7a9b1d3f52"
down_revision = "4d6f8a0c2e41"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("clients", sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # Batch mode: SQLite rebuilds the table to drop a column.
    with op.batch_alter_table("clients") as batch_op:
        batch_op.drop_column("purged_at")
