"""Flask commands (`flask --app wsgi …`): each feature owns its group, registered here."""

from __future__ import annotations

from flask import Flask

from carecoord.accounts.cli import regions, users
from carecoord.audit.cli import audit
from carecoord.demo.cli import demo
from carecoord.reporting.cli import comensha
from carecoord.reporting.rollups.cli import rollups
from carecoord.retention.cli import retention
from carecoord.security.cli import keys


def register(app: Flask) -> None:
    for group in (regions, users, keys, audit, demo, comensha, rollups, retention):
        app.cli.add_command(group)
