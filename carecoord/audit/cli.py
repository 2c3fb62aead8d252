"""`flask --app wsgi audit verify`: walk the audit hash chain and name the first break."""

from __future__ import annotations

import click
from sqlalchemy import select

from carecoord.audit import chain
from carecoord.audit.chain import Break, BreakKind, ChainWalk
from carecoord.audit.models import AuditEntry
from carecoord.extensions import db

DEFAULT_BATCH = 1000
BREAK_TEXTS = {
    BreakKind.CONTENT: "its content changed (it no longer matches its own hash)",
    BreakKind.LINK: "its link to the previous entry is broken (an entry before it was removed "
    "or replaced)",
    BreakKind.UNSEALED: "it carries no hash",
}
COLUMNS = [getattr(AuditEntry, name) for name in chain.FIELDS]

audit = click.Group("audit", help="The access log (NEN 7513): check its hash chain.")


def walk_chain(batch_size: int = DEFAULT_BATCH) -> tuple[ChainWalk, Break | None]:
    """Check every entry in id order, `batch_size` rows at a time; stop at the first break."""
    walk, last_id = ChainWalk(), 0
    while True:
        rows = db.session.execute(
            select(AuditEntry.id, AuditEntry.prev_hash, AuditEntry.entry_hash, *COLUMNS)
            .where(AuditEntry.id > last_id)
            .order_by(AuditEntry.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return walk, None
        for row in rows:
            found = walk.check(row.id, row._mapping, row.prev_hash, row.entry_hash)
            if found is not None:
                return walk, found
            last_id = row.id
        # Nothing is kept between batches but the tip: the walk's memory stays flat.
        db.session.expire_all()


@audit.command("verify")
@click.option("--batch-size", default=DEFAULT_BATCH, show_default=True, type=click.IntRange(1))
@click.pass_context
def verify_command(ctx: click.Context, batch_size: int) -> None:
    """Recompute the hash chain of the access log in id order. Prints the number of entries and
    the tip hash and exits 0 when intact; exits 1 naming the first broken entry (its id and
    what broke, never its content).

    Entries removed from the END of the log leave an intact, shorter chain: that cannot be
    detected from inside the database. Keep the printed tip hash outside it (e.g. in the
    operations log) and compare it with the next run.
    """
    walk, found = walk_chain(batch_size)
    db.session.rollback()
    if found is not None:
        click.echo(
            f"audit chain broken at entry {found.entry_id}: {BREAK_TEXTS[found.kind]}; "
            f"{walk.count} entries before it are intact",
            err=True,
        )
        ctx.exit(1)
    click.echo(f"audit chain intact: {walk.count} entries")
    click.echo(f"tip: {walk.tip.hex()}")
