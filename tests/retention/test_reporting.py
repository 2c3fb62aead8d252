"""Figures after the purge: the dashboard is unchanged; a CoMensha export of an old period
differs only in the exact nationality of purged clients (docs/privacy.md)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from carecoord.accounts.models import Region
from carecoord.extensions import db
from carecoord.reporting import dashboard_tables
from carecoord.reporting.aggregates import Period
from carecoord.reporting.comensha import to_row
from carecoord.reporting.exports import REPLACED, ExportRefused, run_export
from carecoord.reporting.queries import export_facts
from carecoord.retention import purge
from carecoord.security.keys import app_keys
from tests.retention.conftest import TODAY, YEARS

YEAR_2017 = Period(2017)
NOW = datetime(2026, 11, 29, 3, tzinfo=UTC)


@pytest.fixture
def old_year(make_file):
    """Six clients notified in 2017 and closed in 2018 (due), two of 2017 still open (kept)."""
    due = [
        make_file(f"QXOLD{i}", (date(2017, 1 + 2 * i, 3), date(2018, 2, 1 + i))) for i in range(6)
    ]
    kept = [make_file(f"QXSTAY{i}", (date(2017, 6, 5 + i), None)) for i in range(2)]
    return due, kept


def region() -> Region:
    return db.session.scalar(db.select(Region).where(Region.code == "GV"))


def export_rows() -> list[dict[str, str]]:
    key = app_keys().pseudonym
    return [to_row(facts, pseudonym_key=key) for facts in export_facts(region(), YEAR_2017).facts]


def run_purge() -> purge.PurgeReport:
    return purge.run(today=TODAY, years=YEARS, now=NOW, dry_run=False)


def test_the_dashboard_of_an_old_year_is_identical_after_the_purge(app, old_year):
    before = dashboard_tables.build(region(), YEAR_2017, threshold=5)
    notifications = next(t for t in before if t.key == "notifications")
    # Not a vacuous comparison: the year's eight notifications are counted and shown.
    assert notifications.totals is not None
    assert any(cell.value == 8 for cell in notifications.totals.values())

    assert len(run_purge().clients) == 6

    db.session.expire_all()
    assert dashboard_tables.build(region(), YEAR_2017, threshold=5) == before


def test_an_export_of_an_old_period_loses_only_the_exact_nationality(app, old_year):
    due, kept = old_year
    before = export_rows()
    assert len(before) == 8 and {r["nationality"] for r in before} - {""}

    run_purge()

    db.session.expire_all()
    after = export_rows()
    assert [r["person_pseudonym"] for r in after] == [r["person_pseudonym"] for r in before]
    purged = {f.nationality for f in due}
    for old, new in zip(before, after, strict=True):
        if old["nationality"] in purged:
            assert new == {**old, "nationality": ""}
        else:
            assert new == old
    assert sum(r["nationality"] == "" for r in after) == 6
    assert {r["nationality"] for r in after} - {""} == {f.nationality for f in kept}


def test_a_recorded_export_is_not_silently_replaced_after_the_purge(app, old_year, tmp_path):
    first = run_export(region(), YEAR_2017, out_dir=tmp_path, actor=None, now=NOW)
    db.session.commit()
    recorded = (tmp_path / first.batch.csv_name).read_bytes()
    run_purge()

    with pytest.raises(ExportRefused) as refused:
        run_export(region(), YEAR_2017, out_dir=tmp_path, actor=None, now=NOW)
    assert refused.value.code == "changed_since"
    db.session.rollback()
    assert (tmp_path / first.batch.csv_name).read_bytes() == recorded

    again = run_export(region(), YEAR_2017, out_dir=tmp_path, actor=None, now=NOW, replace=True)
    db.session.commit()
    assert again.outcome == REPLACED
    old_rows = list(csv.DictReader(io.StringIO(recorded.decode("utf-8"))))
    new_rows = list(csv.DictReader(io.StringIO((tmp_path / again.batch.csv_name).read_text())))
    assert [{**r, "nationality": ""} for r in old_rows] == [
        {**r, "nationality": ""} for r in new_rows
    ]
