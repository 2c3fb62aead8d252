"""`flask --app wsgi demo …`: demo data for development and benchmarks."""

from __future__ import annotations

import time

import click
from sqlalchemy import select

from carecoord.accounts.models import User
from carecoord.demo import data, regions
from carecoord.demo.bulk import add_bulk
from carecoord.demo.seed import DemoRefused, seed_base
from carecoord.extensions import db
from carecoord.timeutil import today

demo = click.Group("demo", help="Demo data (development only).")


@demo.command("seed")
@click.option(
    "--trajectories",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also add this many extra clients with a trajectory each (for benchmarks).",
)
def seed_command(trajectories: int) -> None:
    """Add the demo regions, providers, accounts and about 40 clients; adds only what is missing.

    Refused when CARECOORD_ENV=production. Prints the demo accounts on every run.
    """
    started = time.perf_counter()
    try:
        counts = seed_base(today())
        db.session.commit()
        if counts.total:
            click.echo(
                f"demo data added: {counts.regions} regions, {counts.municipalities} "
                f"municipalities, {counts.providers} care providers, {counts.users} users, "
                f"{counts.clients} clients"
            )
        else:
            click.echo("demo data already present: nothing added")
        if trajectories:
            for done in add_bulk(trajectories, today()):
                db.session.commit()
                elapsed = time.perf_counter() - started
                click.echo(f"  {done}/{trajectories} extra trajectories ({elapsed:.1f} s)")
    except DemoRefused as refused:
        db.session.rollback()
        raise click.ClickException(str(refused)) from None
    _print_accounts()


def _print_accounts() -> None:
    """The base accounts, and the coordinators of the national regions once a bulk run added
    them."""
    bulk = {a.email: a for a in regions.BULK_ACCOUNTS}
    present = set(db.session.scalars(select(User.email).where(User.email.in_(list(bulk)))))
    accounts = [*data.ACCOUNTS, *(a for a in regions.BULK_ACCOUNTS if a.email in present)]
    rows = [("role", "region", "e-mail", "password")]
    rows += [(a.role.value, a.region, a.email, a.password) for a in accounts]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    click.echo("\nDemo accounts (development only; these passwords are public):")
    for row in rows:
        click.echo(
            "  "
            + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
