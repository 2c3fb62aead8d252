"""`flask --app wsgi users …`: user accounts from the command line."""

from __future__ import annotations

import re

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from carecoord.accounts.admin_forms import REGION_CODE_PATTERN
from carecoord.accounts.forms import EMAIL_PATTERN
from carecoord.accounts.models import EMAIL_MAX, REGION_NAME_MAX, USER_NAME_MAX, Region, User
from carecoord.accounts.operations import (
    AccountRefused,
    create_region,
    create_user,
    deactivate_user,
    normalise_email,
)
from carecoord.accounts.twofactor import reset_two_factor
from carecoord.codes import Role
from carecoord.extensions import db

users = click.Group("users", help="Manage user accounts.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--region", required=True, help="The region's name, e.g. 'Gooi en Vechtstreek'.")
def create_user_command(email: str, name: str, role: str, region: str) -> None:
    """Create a user. The password is asked for twice; it is never an option, so it stays out
    of the shell history and the process list."""
    _check_shape(email.strip(), name.strip())
    found = db.session.scalar(select(Region).where(Region.name == region))
    if found is None:
        known = ", ".join(db.session.scalars(select(Region.name).order_by(Region.name)))
        raise click.ClickException(f"no region named {region!r}; known regions: {known or 'none'}")
    password = click.prompt(
        "Password (15–128 characters)", hide_input=True, confirmation_prompt=True
    )
    try:
        user = create_user(
            email=email, name=name, role=Role(role), region=found, password=password, actor=None
        )
    except AccountRefused as refused:
        raise click.ClickException(f"{refused.field}: {refused.message}") from None
    db.session.commit()
    click.echo(f"created {user.role} {user.email} in {found.name}")


def _check_shape(email: str, name: str) -> None:
    """What the admin form checks, for input that does not come through the form."""
    if len(email) > EMAIL_MAX or not EMAIL_PATTERN.match(email):
        raise click.ClickException("email: enter an e-mail address like name@example.org")
    if not name or len(name) > USER_NAME_MAX or not name.isprintable():
        raise click.ClickException(f"name: use 1 to {USER_NAME_MAX} printable characters")


@users.command("list")
def list_users_command() -> None:
    """Every user: e-mail, role, region, active, last sign-in. No password hashes or secrets."""
    rows = db.session.scalars(
        select(User).join(User.region).options(selectinload(User.region)).order_by(User.email)
    )
    for user in rows:
        last = user.last_sign_in_at.isoformat(timespec="seconds") if user.last_sign_in_at else "-"
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{user.name}\t{user.role}\t{user.region.name}\t{state}\t{last}")


@users.command("deactivate")
@click.option("--email", required=True)
def deactivate_user_command(email: str) -> None:
    """Stop a user signing in; her open sessions end at once."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no user with e-mail address {email!r}")
    if not deactivate_user(user, actor=None):
        click.echo(f"{user.email} was inactive already")
        return
    db.session.commit()
    click.echo(f"deactivated {user.email}; open sessions have ended")


@users.command("reset-2fa")
@click.option("--email", required=True)
def reset_two_factor_command(email: str) -> None:
    """Clear a user's two-factor sign-in and recovery codes (e.g. the last administrator lost
    her phone); her open sessions end and she sets it up again at her next sign-in."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no user with e-mail address {email!r}")
    reset_two_factor(user, actor=None)
    db.session.commit()
    click.echo(f"reset two-factor sign-in of {user.email}; open sessions have ended")


regions = click.Group("regions", help="Manage regions (the first one, before any admin exists).")


@regions.command("create")
@click.option("--name", required=True, help="e.g. 'Gooi en Vechtstreek'")
@click.option("--code", required=True, help="2–4 capital letters used in case numbers, e.g. GV")
def create_region_command(name: str, code: str) -> None:
    """Create a region, so that the first admin can be created in it with `users create`."""
    if not re.match(REGION_CODE_PATTERN, code) or not name.strip() or len(name) > REGION_NAME_MAX:
        raise click.ClickException(
            f"use a name of 1 to {REGION_NAME_MAX} characters and a code of 2–4 capital letters"
        )
    try:
        region = create_region(name=name.strip(), code=code, actor=None)
    except AccountRefused as refused:
        raise click.ClickException(f"{refused.field}: {refused.message}") from None
    db.session.commit()
    click.echo(f"created region {region.name} ({region.code})")
