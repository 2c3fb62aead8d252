"""`flask comensha export`: what it prints, what it refuses, and a fault leaves nothing behind."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from carecoord.extensions import db
from carecoord.reporting import exports
from carecoord.reporting.models import ExportBatch
from tests.reporting.export_fixtures import files_in, give_consent


def invoke(app, *args: str):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["comensha", "export", *args])
    db.session.expire_all()
    return result


def batches() -> list[ExportBatch]:
    return list(db.session.scalars(select(ExportBatch).order_by(ExportBatch.period)))


@pytest.fixture
def two_regions(make_trajectory):
    give_consent(make_trajectory(name="A"), date(2026, 9, 1))
    make_trajectory(name="B")  # no consent: left out
    give_consent(make_trajectory(name="C", region="Rotterdam-Rijnmond"), date(2026, 7, 1))


def test_every_region_is_exported_and_reported(app, tmp_path, two_regions):
    result = invoke(app, "--period", "2026-Q3", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "GV (Gooi en Vechtstreek) 2026-Q3: 1 rows exported, 1 left out" in result.output
    assert "RR (Rotterdam-Rijnmond) 2026-Q3: 1 rows exported, 0 left out" in result.output
    assert len(re.findall(r"sha256 [0-9a-f]{64}\b", result.output)) == 4
    assert sorted(files_in(tmp_path)) == [
        "comensha-GV-2026-Q3.csv",
        "comensha-GV-2026-Q3.json",
        "comensha-RR-2026-Q3.csv",
        "comensha-RR-2026-Q3.json",
    ]
    assert [(b.region.code, b.row_count, b.left_out_count) for b in batches()] in (
        [("GV", 1, 1), ("RR", 1, 0)],
        [("RR", 1, 0), ("GV", 1, 1)],
    )
    again = invoke(app, "--period", "2026-Q3", "--out", str(tmp_path))
    assert again.exit_code == 0 and again.output.count("unchanged") == 2
    assert len(batches()) == 2


def test_one_region_by_code_and_a_year(app, tmp_path, two_regions, make_trajectory):
    old = make_trajectory(name="D", region="Rotterdam-Rijnmond", notified_on=date(2025, 5, 2))
    give_consent(old, date(2025, 5, 2))
    result = invoke(app, "--period", "2025", "--out", str(tmp_path), "--region", "RR")
    assert result.exit_code == 0, result.output
    assert "RR (Rotterdam-Rijnmond) 2025: 1 rows exported, 0 left out" in result.output
    assert "GV" not in result.output
    assert sorted(files_in(tmp_path)) == ["comensha-RR-2025.csv", "comensha-RR-2025.json"]


@pytest.mark.parametrize("period", ["2026-Q5", "2026Q3", "26-Q3", "2026-q3", "", "2026-Q3 "])
def test_a_malformed_period_is_a_usage_error(app, tmp_path, two_regions, period):
    result = invoke(app, "--period", period, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "YYYY-Qn" in result.output
    assert files_in(tmp_path) == {} and batches() == []


@pytest.mark.parametrize("period", ["2099-Q1", "2099"])
def test_a_period_not_over_is_refused(app, tmp_path, two_regions, period):
    result = invoke(app, "--period", period, "--out", str(tmp_path))
    assert result.exit_code == 2 and "has not ended" in result.output
    assert files_in(tmp_path) == {} and batches() == []


def test_an_unknown_region_is_refused(app, tmp_path, two_regions):
    result = invoke(app, "--period", "2026-Q3", "--out", str(tmp_path), "--region", "XX")
    assert result.exit_code == 2 and "no region" in result.output
    assert files_in(tmp_path) == {} and batches() == []


def test_a_database_error_in_the_second_region_undoes_the_first(
    app, tmp_path, two_regions, monkeypatch
):
    real_facts = exports.export_facts
    calls = []

    def fail_second(*args):
        calls.append(args)
        if len(calls) == 2:
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))
        return real_facts(*args)

    monkeypatch.setattr(exports, "export_facts", fail_second)
    result = invoke(app, "--period", "2026-Q3", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "nothing was recorded" in result.output
    assert "server closed" not in result.output  # the type only, never the driver's message
    assert files_in(tmp_path) == {} and batches() == []


def test_without_out_the_files_go_where_the_browser_serves_them(
    app, client, login_as, tmp_path, two_regions, monkeypatch
):
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path))
    result = invoke(app, "--period", "2026-Q3", "--region", "GV")
    assert result.exit_code == 0, result.output
    assert sorted(files_in(tmp_path / "GV")) == [
        "comensha-GV-2026-Q3.csv",
        "comensha-GV-2026-Q3.json",
    ]
    (batch,) = batches()
    assert batch.created_by_id is None
    login_as()
    assert (
        client.get(f"/exports/{batch.public_id}/csv").data
        == (tmp_path / "GV" / batch.csv_name).read_bytes()
    )
