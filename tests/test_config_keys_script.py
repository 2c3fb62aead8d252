"""`python config.py` prints a full set of valid production settings without an app."""

import subprocess
import sys
from pathlib import Path

import pytest

import config

ROOT = Path(config.__file__).resolve().parent


def test_config_script_prints_settings_that_load(monkeypatch):
    out = subprocess.run(
        [sys.executable, "config.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    settings = dict(line.split("=", 1) for line in out.splitlines())
    assert set(settings) == {
        "CARECOORD_SECRET_KEY",
        "CARECOORD_DATA_KEYS",
        "CARECOORD_BLIND_INDEX_KEY",
        "CARECOORD_PSEUDONYM_KEY",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CARECOORD_DATABASE_URL", "postgresql://db.invalid/carecoord")
    loaded = config.load_config("production")
    assert len(loaded["DATA_KEYS"]) == 1
    with pytest.raises(config.ConfigurationError):
        monkeypatch.setenv("CARECOORD_PSEUDONYM_KEY", "too-short")
        config.load_config("production")
