"""Behind the TLS proxy: forwarded client addresses are trusted only for the configured hops."""

from __future__ import annotations

import pytest

from carecoord import create_app
from carecoord.audit.models import AuditEntry
from carecoord.extensions import db
from config import ConfigurationError, load_config
from tests.conftest import csrf_token

# Over HTTPS Flask-WTF also checks that the form came from our own origin.
FORWARDED = {
    "X-Forwarded-For": "198.51.100.7",
    "X-Forwarded-Proto": "https",
    "Referer": "https://localhost/sign-in",
}


def failed_sign_in_address(app) -> str | None:
    client = app.test_client()
    token = csrf_token(client)
    client.post(
        "/sign-in",
        data={"csrf_token": token, "email": "nobody@example.org", "password": "x" * 20},
        headers=FORWARDED,
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    return db.session.query(AuditEntry.source_address).order_by(AuditEntry.id.desc()).scalar()


@pytest.mark.parametrize(("hops", "expected"), [(0, "10.0.0.2"), (1, "198.51.100.7")])
def test_the_audit_log_records_the_client_address_only_through_a_trusted_proxy(app, hops, expected):
    proxied = create_app(
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "PROXY_HOPS": hops},
        env="test",
    )
    with proxied.app_context():
        try:
            assert failed_sign_in_address(proxied) == expected
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("value", ["-1", "6", "one", "1.5"])
def test_a_malformed_number_of_hops_is_named(monkeypatch, value):
    monkeypatch.setenv("CARECOORD_PROXY_HOPS", value)
    with pytest.raises(ConfigurationError, match=r"^CARECOORD_PROXY_HOPS is malformed"):
        load_config("test")


def test_the_number_of_hops_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("CARECOORD_PROXY_HOPS", "2")
    assert load_config("test")["PROXY_HOPS"] == 2
