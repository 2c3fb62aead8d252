"""`flask --app wsgi keys …`: key rotation, verification, inventory, retirement, new keys."""

from __future__ import annotations

from collections import Counter

import click
from flask import current_app

from carecoord.security import rotation
from carecoord.security.keys import keyring
from config import new_key, new_key_id

keys = click.Group("keys", help="Encryption keys: rotate, verify, list, retire, generate.")


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


@keys.command("list")
def list_command() -> None:
    """The key inventory: each key id with its creation date and how many stored values use it,
    per model and field. Prints key ids and counts only, never a key, a value or a row."""
    ring = keyring()
    usage = rotation.key_usage(current_app.config["KEY_ROTATION_BATCH"])
    missing = sorted(set(usage.per_key) - set(ring.key_ids))
    for key_id in (*ring.key_ids, *missing):
        if key_id == ring.active_id:
            mark = " (encrypts)"
        elif key_id in missing:
            mark = " (missing: not in CARECOORD_DATA_KEYS)"
        else:
            mark = ""
        created = rotation.key_created_on(key_id)
        counts = usage.of(key_id)
        click.echo(
            f"key {key_id}{mark}: created {created.isoformat() if created else '—'}, "
            f"{counts.total()} values"
        )
        _echo_counts(counts)
    if usage.malformed:
        click.echo(f"values without a readable key id: {usage.malformed.total()}")
        _echo_counts(usage.malformed)


@keys.command("retire")
@click.argument("key_id")
@click.pass_context
def retire_command(ctx: click.Context, key_id: str) -> None:
    """Check that no stored value uses KEY_ID any more, so it may leave CARECOORD_DATA_KEYS.

    Exits 1 while values use it or when it is the key that encrypts, 2 for an unknown id.
    Changes no key: removing it from the environment is the operator's step.
    """
    result = rotation.retire(key_id, current_app.config["KEY_ROTATION_BATCH"])
    if result.verdict is rotation.Verdict.UNKNOWN:
        click.echo(
            f"unknown key id {key_id}: not in CARECOORD_DATA_KEYS nor in any value", err=True
        )
        ctx.exit(2)
    if result.verdict is rotation.Verdict.ACTIVE:
        click.echo(
            f"key {key_id} encrypts new values and cannot be retired: "
            "put a newer key first and run keys rotate",
            err=True,
        )
        ctx.exit(1)
    if result.verdict is rotation.Verdict.IN_USE:
        click.echo(f"key {key_id} cannot be retired: {result.in_use.total()} values still use it")
        _echo_counts(result.in_use)
        if result.in_keyring:
            click.echo("run `flask --app wsgi keys rotate` first, then retire again", err=True)
        else:
            click.echo(
                "this key is missing from CARECOORD_DATA_KEYS: these values cannot be read "
                "until it is put back (after the newest key) and `keys rotate` has run",
                err=True,
            )
        ctx.exit(1)
    click.echo(
        f"no stored value uses key {key_id}: it may now be removed from CARECOORD_DATA_KEYS "
        "(edit the environment and restart; nothing was changed here)"
    )


def _echo_counts(counts: Counter[str]) -> None:
    for label, count in sorted(counts.items()):
        click.echo(f"  {label}: {count}")


@keys.command("generate")
def generate_command() -> None:
    """Print a new `id:key`; put it first in CARECOORD_DATA_KEYS, then run `keys rotate`."""
    click.echo(f"{new_key_id()}:{new_key()}")
    click.echo(
        "Put this first in CARECOORD_DATA_KEYS, keep the older keys after it, restart, and run "
        "`flask --app wsgi keys rotate`. Nothing was written.",
        err=True,
    )
