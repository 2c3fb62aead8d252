"""CARECOORD_RETENTION_YEARS is checked at start-up; every encrypted field is classified."""

from __future__ import annotations

import os

import pytest

from carecoord.retention import rules
from carecoord.retention.operations import Unclassified, owned_rows, purged_columns
from carecoord.security.rotation import encrypted_models
from config import ConfigurationError, load_config


@pytest.fixture
def test_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("CARECOORD_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_the_default_is_seven_years(test_environment):
    assert load_config("test")["RETENTION_YEARS"] == 7


@pytest.mark.parametrize(("value", "years"), [("1", 1), ("10", 10), (" 20 ", 20)])
def test_a_whole_number_of_years_is_taken(test_environment, value, years):
    test_environment.setenv("CARECOORD_RETENTION_YEARS", value)
    assert load_config("test")["RETENTION_YEARS"] == years


def test_the_setting_can_come_from_a_file(test_environment, tmp_path):
    (tmp_path / "years").write_text("9\n", encoding="utf-8")
    test_environment.setenv("CARECOORD_RETENTION_YEARS_FILE", str(tmp_path / "years"))
    assert load_config("test")["RETENTION_YEARS"] == 9


@pytest.mark.parametrize("value", ["0", "21", "-3", "7.5", "seven", "7y", "١٢", "1e1"])
def test_anything_else_is_refused_naming_the_setting(test_environment, value):
    test_environment.setenv("CARECOORD_RETENTION_YEARS", value)
    with pytest.raises(ConfigurationError) as refused:
        load_config("test")
    assert str(refused.value) == (
        "CARECOORD_RETENTION_YEARS is malformed: use a whole number of years from 1 to 20"
    )


def test_every_encrypted_field_is_classified(app):
    """A new encrypted attribute fails here until rules.PURGED or NOT_CLIENT_DATA names it."""
    labels = {f.label for fields in encrypted_models().values() for f in fields}
    assert labels == set(rules.PURGED) | rules.NOT_CLIENT_DATA
    assert not set(rules.PURGED) & rules.NOT_CLIENT_DATA


def test_the_purge_reaches_every_model_it_clears(app):
    reachable = {model.__name__ for model in owned_rows([])}
    cleared = {label.partition(".")[0] for label in (*rules.PURGED, *rules.PURGED_PLAIN)}
    assert cleared <= reachable
    columns = {label for found in purged_columns().values() for label, _ in found}
    assert columns == set(rules.PURGED) | set(rules.PURGED_PLAIN)


def test_an_unclassified_encrypted_field_is_refused(app, monkeypatch):
    original = dict(rules.PURGED)
    monkeypatch.setattr(rules, "PURGED", {k: v for k, v in original.items() if k != "Step.text"})
    with pytest.raises(Unclassified, match=r"Step\.text is not classified"):
        purged_columns()


def test_an_encrypted_field_the_purge_cannot_reach_is_refused(app, monkeypatch):
    monkeypatch.setattr(rules, "NOT_CLIENT_DATA", frozenset())
    monkeypatch.setattr(
        rules, "PURGED", {**rules.PURGED, "User.totp_secret": rules.Kind.IDENTIFYING}
    )
    with pytest.raises(Unclassified, match="cannot reach User"):
        purged_columns()
