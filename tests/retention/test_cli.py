"""`flask retention purge [--dry-run]`: what it prints, what it changes, how it exits."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import SQLAlchemyError

from carecoord.retention import cli as retention_cli
from carecoord.retention import purge, rules
from tests.retention.conftest import TODAY, encrypted_columns, plain_cells, where_found


@pytest.fixture
def cli_files(make_file, monkeypatch):
    monkeypatch.setattr(retention_cli, "today", lambda: TODAY)
    return {
        "due": make_file(
            "QXDUEA", (date(2012, 1, 10), date(2013, 2, 1)), (date(2017, 3, 1), date(2019, 11, 28))
        ),
        "due_rr": make_file(
            "QXDUEB", (date(2016, 5, 1), date(2018, 1, 15)), region="Rotterdam-Rijnmond"
        ),
        "one_day_short": make_file("QXEDGE", (date(2018, 1, 1), date(2019, 11, 29))),
        "open": make_file("QXOPEN", (date(2026, 9, 1), None)),
    }


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["retention", "purge", *args])


def test_dry_run_lists_ids_case_numbers_and_dates_and_changes_nothing(app, cli_files):
    encrypted_before, cells_before = encrypted_columns(), sorted(plain_cells())

    result = invoke(app, "--dry-run")

    assert result.exit_code == 0, result.output
    out = result.output
    due, due_rr = cli_files["due"], cli_files["due_rr"]
    assert "closed, the last on or before 2019-11-28 (today 2026-11-29)" in out
    assert "GV (Gooi en Vechtstreek): 1 clients would be purged" in out
    assert "RR (Rotterdam-Rijnmond): 1 clients would be purged" in out
    numbers = ", ".join(t.case_number for t in due.trajectories)
    assert f"client {due.client.public_id} last closed 2019-11-28: {numbers}" in out
    assert f"client {due_rr.client.public_id} last closed 2018-01-15" in out
    assert "total: 2 clients, 3 trajectories would be purged" in out
    assert "dry run: nothing was changed" in out
    for f in cli_files.values():
        assert f.tag not in out and f.born.isoformat() not in out
    for name in ("one_day_short", "open"):
        assert str(cli_files[name].client.public_id) not in out
    # Nothing changed, byte for byte, the audit log included.
    assert encrypted_columns() == encrypted_before
    assert sorted(plain_cells()) == cells_before


def test_purge_prints_counts_and_a_second_run_finds_nothing(app, cli_files):
    result = invoke(app)
    assert result.exit_code == 0, result.output
    assert "GV (Gooi en Vechtstreek): 1 clients purged" in result.output
    assert "total: 2 clients, 3 trajectories purged" in result.output
    assert "  Client.name: 2 values removed" in result.output
    assert "  ClientInformed.language: 3 values removed" in result.output
    assert str(cli_files["due"].client.public_id) not in result.output
    assert where_found(cli_files["due"]) == set()
    assert where_found(cli_files["one_day_short"]) != set()

    again = invoke(app)
    assert again.exit_code == 0
    assert "total: 0 clients, 0 trajectories purged" in again.output


def test_the_configured_period_is_used(app, cli_files, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_YEARS", 10)
    result = invoke(app, "--dry-run")
    assert "retention period 10 years" in result.output
    assert "last on or before 2016-11-28" in result.output
    assert "total: 0 clients" in result.output


def test_a_bad_period_in_the_app_config_purges_nothing(app, cli_files, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_YEARS", 0)
    result = invoke(app)
    assert result.exit_code == 1
    assert "RETENTION_YEARS" in result.output and "nothing was purged" in result.output
    assert where_found(cli_files["due"]) != set()


def test_a_failed_batch_exits_1_and_says_what_stays(app, cli_files, monkeypatch):
    real = purge.purge_clients
    calls = {"n": 0}

    def fail_second(due, *, now):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SQLAlchemyError("boom with a value that must not show")
        return real(due, now=now)

    monkeypatch.setattr(purge, "purge_clients", fail_second)
    result = invoke(app, "--batch-size", "1")
    assert result.exit_code == 1
    assert "a batch failed (SQLAlchemyError) and was rolled back" in result.output
    assert "1 clients purged before it stay purged; run it again" in result.output
    assert "boom" not in result.output


def test_an_unclassified_encrypted_field_stops_the_purge_before_anything(
    app, cli_files, monkeypatch
):
    monkeypatch.setattr(
        rules, "PURGED", {k: v for k, v in rules.PURGED.items() if k != "Step.participants"}
    )
    before = encrypted_columns()
    result = invoke(app)
    assert result.exit_code == 1
    assert "Step.participants is not classified" in result.output
    assert encrypted_columns() == before


def test_a_batch_size_below_one_is_a_usage_error(app):
    result = invoke(app, "--batch-size", "0")
    assert result.exit_code == 2


def test_a_failed_dry_run_says_nothing_changed(app, cli_files, monkeypatch):
    def fail(*_args, **_kwargs):
        raise SQLAlchemyError("boom")

    monkeypatch.setattr(purge, "due_batch", fail)
    result = invoke(app, "--dry-run")
    assert result.exit_code == 1
    assert "the dry run failed (SQLAlchemyError); nothing was changed" in result.output
