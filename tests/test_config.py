"""Production refuses to start without its keys, naming the setting; development keys stay put."""

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import config
from config import ConfigurationError, load_config

ROOT = Path(__file__).resolve().parent.parent
KEY = base64.urlsafe_b64encode(b"\x07" * 32).decode().rstrip("=")
REQUIRED = {
    "CARECOORD_DATABASE_URL": "postgresql://carecoord@db.internal/carecoord",
    "CARECOORD_SECRET_KEY": "s" * 48,
    "CARECOORD_DATA_KEYS": f"k2026-a:{KEY}",
    "CARECOORD_BLIND_INDEX_KEY": KEY,
    "CARECOORD_PSEUDONYM_KEY": KEY,
}


@pytest.fixture
def environment(monkeypatch):
    """A production environment with every required setting, and nothing else of ours."""
    for name in list(os.environ):
        if name.startswith("CARECOORD_"):
            monkeypatch.delenv(name)
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_complete_production_settings_load(environment):
    cfg = load_config("production")
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://carecoord@db.internal/carecoord"
    assert cfg["DATA_KEYS"] == [("k2026-a", b"\x07" * 32)]
    assert cfg["BLIND_INDEX_KEY"] == cfg["PSEUDONYM_KEY"] == b"\x07" * 32
    assert cfg["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("missing", list(REQUIRED))
def test_each_missing_setting_is_named(environment, missing):
    environment.delenv(missing)
    with pytest.raises(ConfigurationError, match=f"^{missing} is missing$"):
        load_config("production")


@pytest.mark.parametrize("missing", list(REQUIRED))
def test_an_empty_setting_counts_as_missing(environment, missing):
    environment.setenv(missing, "")
    with pytest.raises(ConfigurationError, match=f"^{missing} is missing$"):
        load_config("production")


SHORT_KEY = base64.urlsafe_b64encode(b"\x07" * 16).decode()
LONG_KEY = base64.urlsafe_b64encode(b"\x07" * 40).decode()
BAD_BASE64 = "a" * 41


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("CARECOORD_BLIND_INDEX_KEY", SHORT_KEY),
        ("CARECOORD_PSEUDONYM_KEY", LONG_KEY),
        ("CARECOORD_BLIND_INDEX_KEY", BAD_BASE64),
        ("CARECOORD_DATA_KEYS", f"k1:{SHORT_KEY}"),
        ("CARECOORD_DATA_KEYS", f"k1:{BAD_BASE64}"),
        ("CARECOORD_DATA_KEYS", KEY),
        ("CARECOORD_DATA_KEYS", f"Key One:{KEY}"),
        ("CARECOORD_DATA_KEYS", f"{'k' * 33}:{KEY}"),
        ("CARECOORD_DATA_KEYS", f"k1:{KEY},k1:{KEY}"),
        ("CARECOORD_DATA_KEYS", f"k1:{KEY},"),
        ("CARECOORD_SECRET_KEY", "too-short-secret"),
    ],
    ids=[
        "short-key",
        "long-key",
        "bad-base64",
        "short-data-key",
        "bad-base64-data-key",
        "no-key-id",
        "bad-key-id",
        "long-key-id",
        "duplicate-key-id",
        "trailing-comma",
        "short-secret",
    ],
)
def test_malformed_setting_is_named_without_its_value(environment, setting, value):
    environment.setenv(setting, value)
    with pytest.raises(ConfigurationError, match=f"^{setting} is malformed") as caught:
        load_config("production")
    message = str(caught.value)
    assert KEY not in message
    assert value not in message


def test_settings_can_come_from_files(environment, tmp_path):
    for name in ("CARECOORD_SECRET_KEY", "CARECOORD_DATA_KEYS"):
        path = tmp_path / name.lower()
        path.write_text(REQUIRED[name] + "\n", encoding="utf-8")
        environment.delenv(name)
        environment.setenv(f"{name}_FILE", str(path))
    cfg = load_config("production")
    assert cfg["SECRET_KEY"] == REQUIRED["CARECOORD_SECRET_KEY"]
    assert cfg["DATA_KEYS"] == [("k2026-a", b"\x07" * 32)]


def test_an_unreadable_settings_file_is_named(environment, tmp_path):
    environment.delenv("CARECOORD_DATA_KEYS")
    environment.setenv("CARECOORD_DATA_KEYS_FILE", str(tmp_path / "absent"))
    with pytest.raises(ConfigurationError, match=r"^CARECOORD_DATA_KEYS_FILE cannot be read"):
        load_config("production")


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigurationError, match="CARECOORD_ENV"):
        load_config("staging")


def start_wsgi(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CARECOORD_")}
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("missing", ["CARECOORD_DATABASE_URL", "CARECOORD_DATA_KEYS"])
def test_production_app_refuses_to_start_with_one_line(missing):
    env = {"CARECOORD_ENV": "production", **REQUIRED}
    del env[missing]
    if missing != "CARECOORD_DATABASE_URL":
        env["CARECOORD_DATABASE_URL"] = "sqlite://"
    result = start_wsgi(env)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert missing in lines[0]
    assert KEY not in result.stderr
    assert "Traceback" not in result.stderr


def test_production_app_with_no_keys_at_all_names_the_first_missing():
    result = start_wsgi({"CARECOORD_ENV": "production", "CARECOORD_DATABASE_URL": "sqlite://"})
    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        "carecoord: configuration error: CARECOORD_SECRET_KEY is missing"
    ]


def test_development_keys_file_is_private_and_never_overwritten(tmp_path):
    instance = tmp_path / "instance"
    path = config.development_keys_file(instance)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    content, mtime = path.read_bytes(), path.stat().st_mtime_ns
    again = config.development_keys_file(instance)
    assert again == path
    assert path.read_bytes() == content
    assert path.stat().st_mtime_ns == mtime


def test_development_keys_are_valid_and_distinct(tmp_path, monkeypatch):
    keys = json.loads(config.development_keys_file(tmp_path).read_text(encoding="utf-8"))
    for name in list(os.environ):
        if name.startswith("CARECOORD_"):
            monkeypatch.delenv(name)
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CARECOORD_DATABASE_URL", "sqlite://")
    cfg = load_config("production")
    assert len({cfg["DATA_KEYS"][0][1], cfg["BLIND_INDEX_KEY"], cfg["PSEUDONYM_KEY"]}) == 3
