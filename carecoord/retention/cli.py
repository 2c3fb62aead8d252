"""`flask --app wsgi retention purge [--dry-run]`: remove what the retention period no longer
allows to keep. Prints ids, case numbers, dates and counts only, never a name."""

from __future__ import annotations

import click
from flask import current_app

from carecoord.retention import purge, rules
from carecoord.retention.operations import Unclassified
from carecoord.timeutil import today, utcnow

retention = click.Group("retention", help="Retention: purge long-closed client files.")


@retention.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be purged; change nothing.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=purge.DEFAULT_BATCH,
    show_default=True,
    help="Clients per transaction.",
)
def purge_command(dry_run: bool, batch_size: int) -> None:
    """Remove the identifying data and free text of every client whose trajectories are all
    closed, the last one longer ago than CARECOORD_RETENTION_YEARS; keep the coded facts.

    Commits per batch: after an interruption, run it again and it continues. A second run
    purges nothing. Exits 1 when a batch failed (the earlier batches stay purged).
    """
    years = current_app.config["RETENTION_YEARS"]
    try:
        rules.check_years(years)
    except (TypeError, ValueError) as error:
        raise click.ClickException(f"RETENTION_YEARS: {error}; nothing was purged") from None
    try:
        report = purge.run(
            today=today(), years=years, now=utcnow(), dry_run=dry_run, batch_size=batch_size
        )
    except Unclassified as error:
        raise click.ClickException(f"{error}; nothing was purged") from None
    except purge.PurgeFailed as failed:
        if dry_run:
            raise click.ClickException(
                f"the dry run failed ({failed.error_type}); nothing was changed"
            ) from None
        _print(failed.report)
        raise click.ClickException(
            f"a batch failed ({failed.error_type}) and was rolled back; "
            f"{len(failed.report.clients)} clients purged before it stay purged; run it again"
        ) from None
    _print(report)


def _print(report: purge.PurgeReport) -> None:
    verb = "would be purged" if report.dry_run else "purged"
    click.echo(
        f"retention period {report.years} years (CARECOORD_RETENTION_YEARS): a client is due "
        f"when every trajectory is closed, the last on or before "
        f"{report.latest_due_closure.isoformat()} (today {report.today.isoformat()})"
    )
    for (code, name), clients in report.per_region().items():
        click.echo(f"{code} ({name}): {len(clients)} clients {verb}")
        if report.dry_run:
            for due in clients:
                click.echo(
                    f"  client {due.public_id} last closed {due.last_closed_on.isoformat()}: "
                    f"{', '.join(due.case_numbers)}"
                )
    click.echo(
        f"total: {len(report.clients)} clients, {report.trajectory_count} trajectories {verb}"
    )
    if report.dry_run:
        click.echo("dry run: nothing was changed")
        return
    for label, count in sorted(report.removed.items()):
        click.echo(f"  {label}: {count} values removed")
