"""Fixtures for the access log: the `audit verify` command and deliberate tampering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import text

from carecoord.extensions import db
from tests.conftest import audit_log_writable


@pytest.fixture
def verify(app: Flask) -> Callable[..., Result]:
    """Run `flask audit verify` as an operator would."""
    runner = app.test_cli_runner()

    def run(*args: str) -> Result:
        db.session.commit()
        return runner.invoke(args=["audit", "verify", *args])

    return run


@pytest.fixture
def tamper(app: Flask) -> Callable[..., None]:
    """Run SQL on the log past its triggers, as someone with the owner's rights could."""

    def run(statement: str, **params: object) -> None:
        db.session.commit()
        with db.engine.begin() as connection, audit_log_writable(connection):
            connection.execute(text(statement), params)
        db.session.expire_all()

    return run
