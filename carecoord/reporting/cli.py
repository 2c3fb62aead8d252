"""`flask --app wsgi comensha …`: the pseudonymised CoMensha export from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from carecoord.extensions import db
from carecoord.reporting.aggregates import Period
from carecoord.reporting.exports import (
    ExportRefused,
    ExportResult,
    discard,
    export_dir,
    run_export,
)
from carecoord.reporting.queries import regions
from carecoord.timeutil import AMSTERDAM, utcnow

comensha = click.Group("comensha", help="The pseudonymised export for CoMensha.")


def parse_period(text: str) -> Period:
    """`YYYY-Qn` or `YYYY`; anything else is a usage error (exit status 2)."""
    try:
        return Period.parse(text)
    except ValueError:
        raise click.BadParameter(
            "use YYYY-Qn (a quarter, e.g. 2026-Q3) or YYYY (a year)", param_hint="--period"
        ) from None


@comensha.command("export")
@click.option("--period", "period_text", required=True, help="YYYY-Qn or YYYY, e.g. 2026-Q3.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    help="Folder for the files comensha-<region>-<period>.csv and .json; default the app's "
    "export folder (EXPORT_DIR/<region code>/), where the browser lists and serves them.",
)
@click.option("--region", "region_key", help="A region's code or name; default every region.")
@click.option("--replace", is_flag=True, help="Replace an existing export whose data changed.")
def export_command(
    period_text: str, out_dir: Path | None, region_key: str | None, replace: bool
) -> None:
    """Export each region's consented trajectories active in a past period.

    All regions in one transaction: on any failure nothing is recorded, no file of this run
    remains, and the exit status is non-zero.
    """
    period = parse_period(period_text)
    now = utcnow()
    if period.end >= now.astimezone(AMSTERDAM).date():
        raise click.BadParameter("the period has not ended yet", param_hint="--period")
    found = regions(region_key)
    if not found:
        raise click.BadParameter(
            f"no region with code or name {region_key!r}", param_hint="--region"
        )
    results: list[ExportResult] = []
    try:
        for region in found:
            results.append(
                run_export(
                    region,
                    period,
                    out_dir=out_dir or export_dir(region),
                    actor=None,
                    now=now,
                    replace=replace,
                )
            )
        db.session.commit()
    except ExportRefused as refused:
        _undo(results)
        raise click.ClickException(
            f"{region.code}: {refused.message} Nothing was recorded."
        ) from None
    except (SQLAlchemyError, OSError) as error:
        _undo(results)
        # The type only: a database message may quote parameters.
        raise click.ClickException(
            f"{region.code}: the export failed ({type(error).__name__}); nothing was recorded."
        ) from None
    for result in results:
        _print(result, out_dir or export_dir(result.region))


def _undo(results: list[ExportResult]) -> None:
    db.session.rollback()
    for result in results:
        discard(result.written)


def _print(result: ExportResult, out_dir: Path) -> None:
    batch = result.batch
    click.echo(
        f"{result.region.code} ({result.region.name}) {result.period}: "
        f"{result.row_count} rows exported, {result.left_out} left out "
        f"(no consent for CoMensha registration at the period end); {result.outcome}"
    )
    click.echo(f"  {out_dir / batch.csv_name}  sha256 {result.csv_sha256}")
    click.echo(f"  {out_dir / batch.json_name}  sha256 {result.json_sha256}")
