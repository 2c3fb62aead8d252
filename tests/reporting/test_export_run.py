"""Running an export: identical re-runs, refused changes, faults leave nothing, one at a time."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from carecoord.accounts.models import Region
from carecoord.audit.models import AuditEntry
from carecoord.extensions import db
from carecoord.reporting import exports
from carecoord.reporting.exports import ExportRefused, run_export
from carecoord.reporting.models import ExportBatch
from tests.reporting.export_fixtures import AFTER_Q3, Q3, files_in, give_consent

GV = "Gooi en Vechtstreek"


def batches() -> list[ExportBatch]:
    db.session.expire_all()
    return list(db.session.scalars(select(ExportBatch)))


def run(make_region, folder, **kwargs):
    result = run_export(make_region(GV), Q3, out_dir=folder, actor=None, now=AFTER_Q3, **kwargs)
    db.session.commit()
    return result


@pytest.fixture
def consented(make_trajectory):
    t = make_trajectory()
    give_consent(t, date(2026, 9, 1))
    return t


def test_a_rerun_over_unchanged_data_gives_identical_files_and_no_new_batch(
    app, make_region, tmp_path, consented
):
    first = run(make_region, tmp_path / "a")
    second = run(make_region, tmp_path / "b")
    assert (first.outcome, second.outcome) == ("created", "unchanged")
    assert files_in(tmp_path / "a") == files_in(tmp_path / "b")
    assert set(files_in(tmp_path / "a")) == {"comensha-GV-2026-Q3.csv", "comensha-GV-2026-Q3.json"}
    assert len(batches()) == 1


def test_changed_data_is_refused_unless_replaced_and_the_replacement_is_audited(
    app, make_region, make_trajectory, tmp_path, consented
):
    run(make_region, tmp_path)
    before = files_in(tmp_path)
    give_consent(make_trajectory(name="Another"), date(2026, 8, 1))
    with pytest.raises(ExportRefused):
        run(make_region, tmp_path)
    db.session.rollback()
    assert files_in(tmp_path) == before
    assert batches()[0].row_count == 1
    result = run(make_region, tmp_path, replace=True)
    assert result.outcome == "replaced"
    (batch,) = batches()
    assert batch.row_count == 2 and files_in(tmp_path) != before
    details = db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "export"))
    assert list(details) == ["comensha.created", "comensha.replaced"]


def test_a_period_not_over_is_refused(app, make_region, tmp_path, consented):
    with pytest.raises(ExportRefused):
        run_export(make_region(GV), Q3, out_dir=tmp_path, actor=None, now=AFTER_Q3.replace(month=9))
    assert files_in(tmp_path) == {} and batches() == []


def database_error(*_args, **_kwargs):
    raise OperationalError("INSERT INTO audit_entries", {}, Exception("disk I/O error"))


def test_a_database_error_after_the_files_leaves_no_batch_and_no_files(
    app, make_region, tmp_path, consented, monkeypatch
):
    monkeypatch.setattr(exports, "record", database_error)
    with pytest.raises(OperationalError):
        run_export(make_region(GV), Q3, out_dir=tmp_path, actor=None, now=AFTER_Q3)
    db.session.rollback()
    assert files_in(tmp_path) == {} and batches() == []


def test_a_failed_rename_removes_the_file_already_renamed(
    app, make_region, tmp_path, consented, monkeypatch
):
    real_replace = exports.os.replace

    def replace_once_then_fail(source, target):
        if str(target).endswith(".json"):
            raise OSError("no space left on device")
        real_replace(source, target)

    monkeypatch.setattr(exports.os, "replace", replace_once_then_fail)
    with pytest.raises(OSError):
        run_export(make_region(GV), Q3, out_dir=tmp_path, actor=None, now=AFTER_Q3)
    db.session.rollback()
    assert files_in(tmp_path) == {} and batches() == []


def test_two_runs_at_once_record_one_batch(app, make_region, tmp_path, consented, monkeypatch):
    """The lock serialises the runs: without it both would see no batch and both insert."""
    real_facts = exports.export_facts

    def slow_facts(*args):
        found = real_facts(*args)
        time.sleep(0.5)  # hold the lock while the other run arrives
        return found

    monkeypatch.setattr(exports, "export_facts", slow_facts)
    region_id = make_region(GV).id
    db.session.commit()  # SQLite: the test's own transaction would hold the write lock
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker(folder):
        with app.app_context():
            try:
                start.wait()
                region = db.session.get(Region, region_id)
                result = run_export(region, Q3, out_dir=folder, actor=None, now=AFTER_Q3)
                db.session.commit()
                outcomes.append(result.outcome)
            except BaseException as error:
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(tmp_path,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(outcomes) == ["created", "unchanged"]
    assert db.session.scalar(select(func.count()).select_from(ExportBatch)) == 1
    assert sorted(files_in(tmp_path)) == ["comensha-GV-2026-Q3.csv", "comensha-GV-2026-Q3.json"]
