"""The settings of a production host (docs/deployment.md): the read replica, the shared throttle
storage, what production refuses, and that the page names only settings and commands that exist."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from flask import Flask

from carecoord import cli
from config import ConfigurationError, load_config, new_key

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deployment.md"
PRODUCTION = {
    "CARECOORD_DATABASE_URL": "postgresql://carecoord_app@db1.internal/carecoord",
    "CARECOORD_SECRET_KEY": "s" * 48,
    "CARECOORD_DATA_KEYS": f"k1:{new_key()}",
    "CARECOORD_BLIND_INDEX_KEY": new_key(),
    "CARECOORD_PSEUDONYM_KEY": new_key(),
}
OPTIONAL = (
    "CARECOORD_DATABASE_REPLICA_URL",
    "CARECOORD_RATELIMIT_STORAGE_URL",
    "CARECOORD_BENCHMARK_ENDPOINTS",
)


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The required production settings, none of the optional ones."""
    for name in OPTIONAL:
        monkeypatch.delenv(name, raising=False)
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_replica_url_becomes_the_replica_bind_for_psycopg(production, scheme):
    production.setenv("CARECOORD_DATABASE_REPLICA_URL", f"{scheme}://reader@db2.internal/carecoord")
    binds = load_config("production")["SQLALCHEMY_BINDS"]
    assert binds == {"replica": "postgresql+psycopg://reader@db2.internal/carecoord"}


def test_the_replica_url_may_come_from_a_credential_file(production, tmp_path):
    secret = tmp_path / "replica_url"
    secret.write_text("postgresql://reader:pw@db2.internal/carecoord\n", encoding="utf-8")
    production.setenv("CARECOORD_DATABASE_REPLICA_URL_FILE", str(secret))
    binds = load_config("production")["SQLALCHEMY_BINDS"]
    assert binds == {"replica": "postgresql+psycopg://reader:pw@db2.internal/carecoord"}


def test_without_a_replica_there_is_no_replica_bind(production):
    assert "SQLALCHEMY_BINDS" not in load_config("production")


def test_production_reads_the_shared_throttle_storage_and_test_ignores_it(production):
    production.setenv("CARECOORD_RATELIMIT_STORAGE_URL", "redis://redis.internal:6379/0")
    assert load_config("production")["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"
    # Why the topology test runs its servers in production: the test settings keep memory://.
    assert load_config("test")["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize("value", ["1", "true"])
def test_benchmark_endpoints_are_refused_in_production(production, value):
    production.setenv("CARECOORD_BENCHMARK_ENDPOINTS", value)
    with pytest.raises(ConfigurationError, match=r"^CARECOORD_BENCHMARK_ENDPOINTS is refused"):
        load_config("production")


def test_every_setting_the_deployment_page_names_is_read_by_the_app():
    named = set(re.findall(r"\bCARECOORD_[A-Z_]*[A-Z]\b", DOC.read_text(encoding="utf-8")))
    # The app's settings, and the test settings the page's last section names.
    readers = [ROOT / "config.py", *sorted((ROOT / "carecoord").rglob("*.py"))]
    readers += [ROOT / "tests" / "conftest.py", Path(__file__).with_name("conftest.py")]
    code = "\n".join(path.read_text(encoding="utf-8") for path in readers)
    unknown = {
        name
        for name in named
        if name not in code and name.removesuffix("_FILE") not in code  # *_FILE: config._setting
    }
    assert len(named) > 10
    assert unknown == set()


def test_every_command_the_deployment_page_runs_exists():
    app = Flask("commands")
    cli.register(app)
    groups = {name: group for name, group in app.cli.commands.items()}
    commands = set(re.findall(r"flask --app wsgi ([a-z-]+) ([a-z-]+)", DOC.read_text("utf-8")))
    assert len(commands) > 4
    missing = []
    for group, command in commands:
        if group == "db":
            continue  # Flask-Migrate's group: `db upgrade`
        found = groups.get(group)
        if not isinstance(found, click.Group) or command not in found.commands:
            missing.append(f"{group} {command}")
    assert missing == []
