"""`flask --app wsgi keys …`: key rotation, verification and new keys."""

from __future__ import annotations

import click
from flask import current_app

from carecoord.security import rotation
from config import new_key, new_key_id

keys = click.Group("keys", help="Encryption keys: rotate, verify, generate.")


@keys.command("rotate")
@click.pass_context
def rotate_command(ctx: click.Context) -> None:
    """Re-encrypt every value under the newest key (the first in CARECOORD_DATA_KEYS).

    Commits per batch: after an interruption, run it again and it continues. Exits 1 when a
    value could not be decrypted; such values are left as they are.
    """
    report = rotation.rotate_all(current_app.config["KEY_ROTATION_BATCH"])
    click.echo(f"newest key: {report.key_id}")
    for label, counts in report.counts.items():
        click.echo(
            f"{label}: re-encrypted {counts.rotated}, already current {counts.current}, "
            f"unreadable {counts.unreadable}"
        )
    total = report.total()
    click.echo(
        f"total: re-encrypted {total.rotated}, already current {total.current}, "
        f"unreadable {total.unreadable}"
    )
    if total.unreadable:
        click.echo("unreadable values were left as they are; run `keys verify` for where", err=True)
        ctx.exit(1)


@keys.command("verify")
@click.pass_context
def verify_command(ctx: click.Context) -> None:
    """Decrypt every value; count them per key id and name each value that fails (not its
    content). Exits 1 when any fails."""
    report = rotation.verify_all(current_app.config["KEY_ROTATION_BATCH"])
    for key_id, count in sorted(report.per_key.items()):
        click.echo(f"key {key_id}: {count} values")
    click.echo(f"failures: {len(report.failures)}")
    for failure in report.failures:
        click.echo(f"{failure.label} row {failure.public_id}: {failure.reason}", err=True)
    if report.failures:
        ctx.exit(1)


@keys.command("generate")
def generate_command() -> None:
    """Print a new `id:key`; put it first in CARECOORD_DATA_KEYS, then run `keys rotate`."""
    click.echo(f"{new_key_id()}:{new_key()}")
    click.echo(
        "Put this first in CARECOORD_DATA_KEYS, keep the older keys after it, restart, and run "
        "`flask --app wsgi keys rotate`. Nothing was written.",
        err=True,
    )
