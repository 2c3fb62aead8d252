"""audit append-only: seal existing entries onto the hash chain; refuse changes in the database

Revision ID: 4d6f8a0c2e41
Revises: 3c5e7a9b1d2f
Create Date: 2026-11-29 15:20:00

Entries written before the chain existed are sealed in id order. Then the database refuses
UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit_entries by trigger, and on PostgreSQL the
privileges are revoked from PUBLIC and from the application's role named by
CARECOORD_DATABASE_APP_ROLE (production runs migrations as the owner, the app as that role).
The downgrade removes the triggers; it does not grant the privileges back.
"""

import os

import sqlalchemy as sa
from alembic import op

from carecoord.audit import append_only, chain

# revision identifiers, used by Alembic.
revision = "4d6f8a0c2e41"
down_revision = "3c5e7a9b1d2f"
branch_labels = None
depends_on = None

BATCH = 1000
entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user_id", sa.Integer),
    *(sa.column(name, sa.String) for name in chain.TEXT_FIELDS),
    sa.column("client_id", sa.Integer),
    sa.column("prev_hash", sa.LargeBinary),
    sa.column("entry_hash", sa.LargeBinary),
)


def _seal_existing_entries(bind: sa.Connection) -> None:
    """Chain the entries that have no hash yet, in id order, after the last sealed one."""
    tip, last_id = chain.GENESIS, 0
    while True:
        rows = bind.execute(
            sa.select(entries).where(entries.c.id > last_id).order_by(entries.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            last_id = row.id
            if row.entry_hash is not None:
                tip = bytes(row.entry_hash)
                continue
            sealed = chain.entry_hash(row._mapping, tip)
            bind.execute(
                entries.update()
                .where(entries.c.id == row.id)
                .values(prev_hash=tip, entry_hash=sealed)
            )
            tip = sealed


def upgrade():
    bind = op.get_bind()
    _seal_existing_entries(bind)
    dialect = bind.dialect.name
    for statement in append_only.CREATE.get(dialect, ()):
        op.execute(sa.text(statement))
    role = os.environ.get(append_only.APP_ROLE_SETTING)
    if dialect == "postgresql" and role:
        op.execute(sa.text(append_only.revoke_from(role)))


def downgrade():
    for statement in append_only.DROP.get(op.get_bind().dialect.name, ()):
        op.execute(sa.text(statement))
