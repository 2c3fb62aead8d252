"""What an export contains: consented trajectories as at the period's end, and nothing secret."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from carecoord.codes import ClosureReason, Phase
from carecoord.extensions import db
from carecoord.reporting.exports import run_export
from carecoord.reporting.models import ExportBatch
from carecoord.reporting.queries import exact_nationality
from carecoord.security.keys import keyring
from tests.reporting import export_fixtures
from tests.reporting.export_fixtures import (
    AFTER_Q3,
    CANARIES,
    CANARY_BORN,
    CANARY_TEXTS,
    Q3,
    give_consent,
)

canary_file = export_fixtures.canary_file
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "comensha-export.schema.json"


def export(make_region, tmp_path, region="Gooi en Vechtstreek", period=Q3):
    result = run_export(make_region(region), period, out_dir=tmp_path, actor=None, now=AFTER_Q3)
    db.session.commit()
    csv_bytes = (tmp_path / result.batch.csv_name).read_bytes()
    json_bytes = (tmp_path / result.batch.json_name).read_bytes()
    return result, csv_bytes, json_bytes


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_no_encrypted_value_ever_reaches_a_file(app, make_region, tmp_path, canary_file):
    result, csv_bytes, json_bytes = export(make_region, tmp_path)
    assert result.row_count == 1
    t = canary_file
    for data in (csv_bytes.decode(), json_bytes.decode()):
        for secret in [*CANARIES.values(), *CANARY_TEXTS.values()]:
            assert secret not in data
        # Nor parts of them, the exact birth date, or any internal id or case number.
        for secret in ("Canaryname", "Zwiebelfisch", "Kanariestraat", "safe house"):
            assert secret not in data
        for secret in (CANARY_BORN.isoformat(), "14-03-1988", t.case_number):
            assert secret not in data
        for secret in (str(t.public_id), str(t.client.public_id), t.public_id.hex):
            assert secret not in data
    row = csv_rows(csv_bytes)[0]
    assert row["age_band"] and row["nationality_group"] == "eea"
    # The one identity field CoMensha receives (DOMAIN.md): the ISO code, decrypted on purpose.
    assert row["nationality"] == "PL"
    assert row["handovers"] == "shelter:declined"
    assert row["municipality_code"] == "GM0402"


def test_the_json_validates_against_the_published_schema(app, make_region, tmp_path, canary_file):
    _result, _csv, json_bytes = export(make_region, tmp_path)
    document = json.loads(json_bytes)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document["period"] == "2026-Q3" and document["row_count"] == 1


def test_withdrawn_or_missing_consent_is_left_out_and_counted(
    app, make_region, make_trajectory, tmp_path
):
    consented = make_trajectory(name="A")
    give_consent(consented, date(2026, 9, 1))
    withdrawn_before_end = make_trajectory(name="B")
    give_consent(withdrawn_before_end, date(2026, 9, 1), withdrawn_on=date(2026, 9, 20))
    withdrawn_after_end = make_trajectory(name="C")
    give_consent(withdrawn_after_end, date(2026, 9, 1), withdrawn_on=date(2026, 10, 2))
    given_after_end = make_trajectory(name="D")
    give_consent(given_after_end, date(2026, 10, 1))
    make_trajectory(name="E")  # never asked
    result, csv_bytes, _json = export(make_region, tmp_path)
    assert (result.row_count, result.left_out) == (2, 3)
    batch = db.session.scalar(select(ExportBatch))
    assert (batch.row_count, batch.left_out_count) == (2, 3)
    assert len(csv_rows(csv_bytes)) == 2


def test_only_trajectories_active_in_the_period_count(app, make_region, make_trajectory, tmp_path):
    make_trajectory(name="Later", notified_on=date(2026, 10, 1))  # after the period
    early = make_trajectory(name="Early", notified_on=date(2026, 3, 1))
    early.phase, early.closed_on = Phase.CLOSED.value, date(2026, 6, 30)
    early.closure_reason = ClosureReason.COMPLETED.value
    other = make_trajectory(name="Elsewhere", region="Rotterdam-Rijnmond")
    give_consent(other, date(2026, 9, 1))
    give_consent(early, date(2026, 3, 1))
    make_trajectory(name="Open since February", notified_on=date(2026, 2, 1))
    result, csv_bytes, _json = export(make_region, tmp_path)
    # "Later" and "Early" are not in the period at all; the open one lacks consent.
    assert (result.row_count, result.left_out) == (0, 1)
    assert csv_rows(csv_bytes) == []


@pytest.mark.parametrize(
    ("closed_on", "intake_completed_on", "expected"),
    [
        (date(2026, 9, 15), date(2026, 8, 1), ("closed", "2026-09", "completed", "2026-08")),
        (date(2026, 10, 5), date(2026, 8, 1), ("assistance", "", "", "2026-08")),
        (date(2026, 10, 5), date(2026, 10, 1), ("intake", "", "", "")),
    ],
)
def test_facts_are_those_at_the_period_end(
    app, make_region, make_trajectory, tmp_path, closed_on, intake_completed_on, expected
):
    t = make_trajectory(notified_on=date(2026, 7, 3))
    t.intake_completed_on = intake_completed_on
    t.phase, t.closed_on = Phase.CLOSED.value, closed_on
    t.closure_reason, t.left_from_phase = ClosureReason.COMPLETED.value, Phase.ASSISTANCE.value
    give_consent(t, date(2026, 7, 3))
    _result, csv_bytes, _json = export(make_region, tmp_path)
    (row,) = csv_rows(csv_bytes)
    got = (
        row["phase_at_period_end"],
        row["closure_month"],
        row["closure_reason"],
        row["intake_completed_month"],
    )
    assert got == expected
    assert row["notification_month"] == "2026-07"


def test_an_unreadable_nationality_is_exported_as_unknown(app, caplog):
    public_id = uuid.uuid4()
    stored = keyring().encrypt(b"PL", b"clients|nationality|" + uuid.uuid4().bytes)
    assert exact_nationality(public_id, stored) is None
    assert exact_nationality(public_id, None) is None
    assert "PL" not in caplog.text
