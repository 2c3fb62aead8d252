"""`flask --app wsgi users …`: user accounts from the command line."""

from __future__ import annotations

import click
from sqlalchemy import select

from carecoord.accounts.models import Region
from carecoord.accounts.operations import AccountRefused, create_user
from carecoord.codes import Role
from carecoord.extensions import db

users = click.Group("users", help="Manage user accounts.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--region", required=True, help="The region's name, e.g. 'Gooi en Vechtstreek'.")
@click.password_option(prompt="Password (15–128 characters)")
def create_user_command(email: str, name: str, role: str, region: str, password: str) -> None:
    """Create a user; the password is asked for, never passed on the command line."""
    found = db.session.scalar(select(Region).where(Region.name == region))
    if found is None:
        raise click.ClickException(f"no region named {region!r}")
    try:
        user = create_user(
            email=email, name=name, role=Role(role), region=found, password=password, actor=None
        )
    except AccountRefused as refused:
        raise click.ClickException(f"{refused.field}: {refused.message}") from None
    db.session.commit()
    click.echo(f"created {user.role} {user.email} in {found.name}")
