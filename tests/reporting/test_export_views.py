"""The coordinator's export pages: list, create, download (audited), and who may not."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from carecoord.codes import Role
from carecoord.extensions import db
from carecoord.reporting.exports import run_export
from carecoord.reporting.models import ExportBatch
from tests.conftest import post
from tests.reporting.export_fixtures import AFTER_Q3, Q3, files_in, give_consent


@pytest.fixture
def export_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def consented(make_trajectory):
    give_consent(make_trajectory(name="A"), date(2026, 9, 1))
    make_trajectory(name="B")


def batches() -> list[ExportBatch]:
    db.session.expire_all()
    return list(db.session.scalars(select(ExportBatch)))


def exports_of(entries, detail=None):
    return [e for e in entries() if e.action == "export" and (detail is None or e.detail == detail)]


def test_a_coordinator_makes_lists_and_downloads_an_export(
    client, login_as, export_dir, consented, audit_entries
):
    coordinator = login_as(Role.COORDINATOR)
    page = client.get("/exports/")
    assert page.status_code == 200 and "No exports have been made" in page.get_data(as_text=True)
    response = post(client, "/exports/", {"period": "2026-Q3"})
    assert response.status_code == 302
    (batch,) = batches()
    assert (batch.row_count, batch.left_out_count, batch.created_by_id) == (1, 1, coordinator.id)
    files = files_in(export_dir / "GV")
    assert sorted(files) == ["comensha-GV-2026-Q3.csv", "comensha-GV-2026-Q3.json"]
    assert [e.user_id for e in exports_of(audit_entries, "comensha.created")] == [coordinator.id]

    listing = client.get("/exports/").get_data(as_text=True)
    for shown in ("2026-Q3", coordinator.name, batch.csv_sha256, batch.json_sha256):
        assert shown in listing

    for kind, name in (("csv", batch.csv_name), ("json", batch.json_name)):
        download = client.get(f"/exports/{batch.public_id}/{kind}")
        assert download.status_code == 200
        assert download.data == files[name]
        assert download.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert download.headers["Cache-Control"] == "no-store"
    downloads = exports_of(audit_entries, "download")
    assert [(e.user_id, e.object_id, e.outcome) for e in downloads] == [
        (coordinator.id, str(batch.id), "success")
    ] * 2


def test_changed_data_is_refused_until_replace_is_ticked(
    client, login_as, export_dir, consented, make_trajectory
):
    login_as(Role.COORDINATOR)
    post(client, "/exports/", {"period": "2026-Q3"})
    before = files_in(export_dir / "GV")
    give_consent(make_trajectory(name="C"), date(2026, 8, 1))
    refused = post(client, "/exports/", {"period": "2026-Q3"})
    assert refused.status_code == 409
    assert "the data has changed since" in refused.get_data(as_text=True)
    assert files_in(export_dir / "GV") == before and batches()[0].row_count == 1
    replaced = post(client, "/exports/", {"period": "2026-Q3", "replace": "y"})
    assert replaced.status_code == 302
    assert batches()[0].row_count == 2


@pytest.mark.parametrize("period", ["2099-Q1", "2026-Q9", "", "2026"])
def test_a_period_not_offered_is_refused(client, login_as, export_dir, consented, period):
    login_as(Role.COORDINATOR)
    response = post(client, "/exports/", {"period": period})
    assert response.status_code == 422
    assert batches() == [] and files_in(export_dir) == {}


def test_a_tampered_file_is_not_handed_out(client, login_as, export_dir, consented, audit_entries):
    login_as(Role.COORDINATOR)
    post(client, "/exports/", {"period": "2026-Q3"})
    (batch,) = batches()
    (export_dir / "GV" / batch.csv_name).write_text("person_pseudonym\r\n=evil()\r\n")
    response = client.get(f"/exports/{batch.public_id}/csv")
    assert response.status_code == 302
    assert "=evil()" not in response.get_data(as_text=True)
    assert [e.outcome for e in exports_of(audit_entries, "download.mismatch")] == ["failed"]


def test_another_regions_batch_is_not_found_and_the_attempt_audited(
    app, client, login_as, export_dir, make_region, make_trajectory, audit_entries
):
    give_consent(make_trajectory(name="R", region="Rotterdam-Rijnmond"), date(2026, 9, 1))
    rotterdam = make_region("Rotterdam-Rijnmond")
    result = run_export(rotterdam, Q3, out_dir=export_dir / "RR", actor=None, now=AFTER_Q3)
    db.session.commit()
    coordinator = login_as(Role.COORDINATOR)
    for kind in ("csv", "json"):
        response = client.get(f"/exports/{result.batch.public_id}/{kind}")
        assert response.status_code == 404
        assert result.csv_sha256 not in response.get_data(as_text=True)
    denied = [e for e in audit_entries() if e.outcome == "denied"]
    assert [(e.user_id, e.detail, e.object_type) for e in denied] == [
        (coordinator.id, "not_found_in_scope", "export_batches")
    ] * 2
    assert str(result.batch.public_id) not in client.get("/exports/").get_data(as_text=True)
    assert exports_of(audit_entries, "download") == []


@pytest.mark.parametrize("role", [Role.CHAIN_DIRECTOR, Role.ADMIN])
def test_other_roles_may_not_see_or_make_exports(
    client, login_as, export_dir, make_region, consented, role
):
    result = run_export(make_region(), Q3, out_dir=export_dir / "GV", actor=None, now=AFTER_Q3)
    db.session.commit()
    login_as(role)
    assert client.get("/exports/").status_code == 403
    assert post(client, "/exports/", {"period": "2026-Q2"}).status_code == 403
    response = client.get(f"/exports/{result.batch.public_id}/csv")
    assert response.status_code == 403
    assert hashlib.sha256(response.data).hexdigest() != result.csv_sha256
    assert len(batches()) == 1
