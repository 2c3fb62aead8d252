"""`flask --app wsgi rollups …`: build the dashboard's rollups, or check them against a recount."""

from __future__ import annotations

import click

from carecoord.extensions import db
from carecoord.reporting.rollups.maintenance import built, rebuild, recount, stored
from carecoord.reporting.rollups.rules import Contribution

rollups = click.Group("rollups", help="The dashboard's rollups (docs/performance.md).")


@rollups.command("rebuild")
def rebuild_command() -> None:
    """Count every trajectory afresh. Run once after `flask db upgrade` and after any write
    that bypasses the app (bulk loads, SQL by hand); until then the dashboard counts live."""
    counted = rebuild()
    db.session.commit()
    click.echo(f"rollups rebuilt: {counted} trajectories counted")


@rollups.command("check")
@click.option("--repair", is_flag=True, help="Rebuild when the rollups differ or are not built.")
def check_command(repair: bool) -> None:
    """Compare the rollups with a recount of every trajectory (for the periodic job); exit
    status 1 when they differ or are not built and --repair is not given."""
    if not built():
        problem = "the rollups are not built: the dashboard counts live"
    elif recount(db.session)[0].minus(stored(db.session)) != Contribution():
        problem = "the rollups differ from a recount"
    else:
        click.echo("rollups match a recount of every trajectory")
        return
    if not repair:
        raise click.ClickException(problem)
    counted = rebuild()
    db.session.commit()
    click.echo(f"{problem}; rebuilt: {counted} trajectories counted")
