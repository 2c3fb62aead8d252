"""The streamed export: the same bytes as the whole-file output, nothing left by a failure,
and the facts read from the read replica when one is configured."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import event, func, insert, select

from carecoord import create_app
from carecoord.accounts.models import Region
from carecoord.codes import (
    ClosureReason,
    ExploitationForm,
    HandoverStatus,
    LifeDomain,
    Phase,
    ProviderType,
)
from carecoord.database import REPLICA
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.reporting import exports, queries
from carecoord.reporting.comensha import csv_text, json_text, to_row
from carecoord.reporting.exports import run_export
from carecoord.reporting.models import ExportBatch
from carecoord.reporting.queries import export_facts
from carecoord.security.keys import app_keys
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation
from tests.reporting.export_fixtures import AFTER_Q3, Q3, files_in, give_consent

GV = "Gooi en Vechtstreek"
MORE_FORMS = (ExploitationForm.LABOUR, ExploitationForm.CRIMINAL, ExploitationForm.ORGAN_REMOVAL)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def handover(t: Trajectory, provider, proposed_on: date, **dates: date) -> None:
    question = HelpQuestion(domain=LifeDomain.SHELTER_HOUSING.value, created_on=proposed_on)
    question.handovers.append(Handover(provider=provider, proposed_on=proposed_on, **dates))
    t.help_questions.append(question)


@pytest.fixture
def mixed(make_trajectory, make_provider) -> list[Trajectory]:
    """Eleven trajectories of Gooi en Vechtstreek unlike each other, and one elsewhere."""
    shelter = make_provider()
    legal = make_provider(name="Advocaat", provider_type=ProviderType.LEGAL_AID)
    made = []
    for n, nationality in enumerate(["PL", None, "RO", "NG", "NL", "BG", "PL", None, "UA", "SY"]):
        t = make_trajectory(name=f"Client {n}", nationality=nationality)
        t.notified_on = date(2026, 7 + n % 3, 1 + n)
        for form in MORE_FORMS[: n % 4]:  # besides the form every made trajectory has
            t.exploitation.append(TrajectoryExploitation(form=form.value))
        if n % 3 == 0:
            t.intake_completed_on, t.phase = date(2026, 9, 2), Phase.ASSISTANCE.value
        if n in (4, 7):  # closed in the period, and after it
            t.phase, t.left_from_phase = Phase.CLOSED.value, Phase.INTAKE.value
            t.closed_on = date(2026, 9, 20) if n == 4 else date(2026, 11, 2)
            t.closure_reason = ClosureReason.COMPLETED.value
        if n % 2:
            handover(t, shelter, date(2026, 8, 3), sent_on=date(2026, 8, 4))
            handover(t, legal, date(2026, 9, 5), accepted_on=date(2026, 10, 9))
        db.session.commit()
        if n != 9:  # the last one never consented: counted as left out
            give_consent(t, date(2026, 7, 1), withdrawn_on=date(2026, 9, 1) if n == 5 else None)
        made.append(t)
    give_consent(make_trajectory(name="Elsewhere", region="Rotterdam-Rijnmond"), date(2026, 7, 1))
    return made


def whole_file_output(region: Region) -> tuple[bytes, bytes]:
    """csv_text and json_text over every row at once: the export as it was before streaming."""
    key = app_keys().pseudonym
    rows = [to_row(facts, pseudonym_key=key) for facts in export_facts(region, Q3).facts]
    return (
        csv_text(rows).encode("utf-8"),
        json_text(rows, period=str(Q3), region=region.name).encode("utf-8"),
    )


@pytest.mark.parametrize("chunked", [False, True], ids=["one-run", "chunked-and-spilled"])
def test_the_streamed_files_are_the_whole_file_output_byte_for_byte(
    app, make_region, tmp_path, mixed, monkeypatch, chunked
):
    spills = []
    if chunked:  # chunks of 2 fetched, runs of 3 spilled and merged, 2 rows per spilled line
        monkeypatch.setattr(queries, "CHUNK_ROWS", 2)
        monkeypatch.setattr(exports, "RUN_ROWS", 3)
        monkeypatch.setattr(exports, "SPILL_BLOCK_ROWS", 2)
        real_spill = exports.SortedRows._spill
        monkeypatch.setattr(
            exports.SortedRows, "_spill", lambda rows: spills.append(1) or real_spill(rows)
        )
    region = make_region(GV)
    result = run_export(region, Q3, out_dir=tmp_path, actor=None, now=AFTER_Q3)
    db.session.commit()
    assert (result.row_count, result.left_out) == (8, 2)
    assert len(spills) == (3 if chunked else 0)
    csv_bytes, json_bytes = whole_file_output(region)
    assert files_in(tmp_path) == {
        "comensha-GV-2026-Q3.csv": csv_bytes,
        "comensha-GV-2026-Q3.json": json_bytes,
    }
    batch = db.session.scalar(select(ExportBatch))
    assert (batch.csv_sha256, batch.json_sha256) == (sha256(csv_bytes), sha256(json_bytes))
    # The dataset is mixed indeed, as at the period's end (the acceptance came after it).
    for text in (b"legal_aid:proposed", b"shelter:sent", b"closed", b"completed", b"labour"):
        assert text in csv_bytes


def test_a_handover_counts_with_its_status_at_the_period_end(
    app, make_region, make_trajectory, make_provider
):
    """The latest status dated by the end; on one day the later one in the process holds."""
    t = make_trajectory()
    shelter = make_provider()
    day, after = date(2026, 8, 10), date(2026, 10, 2)
    handover(t, shelter, date(2026, 8, 1), sent_on=day, accepted_on=day, started_on=after)
    handover(t, shelter, date(2026, 8, 1), declined_on=day, withdrawn_on=day)
    handover(t, shelter, date(2026, 8, 1), sent_on=date(2026, 8, 20), declined_on=day)
    handover(t, shelter, date(2026, 10, 1), sent_on=date(2026, 10, 1))  # proposed after it
    db.session.commit()
    give_consent(t, date(2026, 7, 1))
    (facts,) = export_facts(make_region(GV), Q3).facts
    assert sorted(facts.handovers) == [
        (ProviderType.SHELTER, HandoverStatus.ACCEPTED),
        (ProviderType.SHELTER, HandoverStatus.SENT),
        (ProviderType.SHELTER, HandoverStatus.WITHDRAWN),
    ]


def test_a_stream_of_many_chunks_is_one_query(app, make_region, tmp_path, mixed, monkeypatch):
    """Not a query per row or per chunk: the forms and handovers come with the trajectories."""
    monkeypatch.setattr(queries, "CHUNK_ROWS", 2)
    region = make_region(GV)
    statements = []

    def seen(_conn, cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(type(cursor).__name__)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        found = export_facts(region, Q3)
        assert len(list(found.facts)) == 8
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(statements) == 2  # the count of the active ones, then the consented ones
    if db.engine.dialect.name == "postgresql":  # read from a server-side cursor, in chunks
        assert statements[1] == "ServerCursor"


def test_a_failure_in_mid_stream_leaves_no_file_and_no_batch(
    app, make_region, tmp_path, mixed, monkeypatch
):
    monkeypatch.setattr(exports, "RUN_ROWS", 3)  # spilled runs too, which must vanish as well
    real_write = exports.StagedFile.write
    writes = []

    def fail_at_the_third_write(staged, data):
        writes.append(data)
        if len(writes) == 3:  # the CSV and the JSON have a block on disk by now
            assert sorted(p.suffix for p in tmp_path.iterdir()) == [".part", ".part"]
            raise OSError("no space left on device")
        real_write(staged, data)

    monkeypatch.setattr(exports.StagedFile, "write", fail_at_the_third_write)
    with pytest.raises(OSError):
        run_export(make_region(GV), Q3, out_dir=tmp_path, actor=None, now=AFTER_Q3)
    db.session.rollback()
    assert len(writes) == 3
    assert files_in(tmp_path) == {}
    assert db.session.scalar(select(func.count()).select_from(ExportBatch)) == 0


def test_a_refused_change_removes_its_temporary_files_and_keeps_the_recorded_ones(
    app, make_region, make_trajectory, tmp_path, mixed
):
    run_export(make_region(GV), Q3, out_dir=tmp_path, actor=None, now=AFTER_Q3)
    db.session.commit()
    before = files_in(tmp_path)
    give_consent(make_trajectory(name="Later consent"), date(2026, 8, 1))
    with pytest.raises(exports.ExportRefused):
        run_export(make_region(GV), Q3, out_dir=tmp_path, actor=None, now=AFTER_Q3)
    db.session.rollback()
    assert files_in(tmp_path) == before


def test_the_facts_come_from_the_replica_and_the_batch_goes_to_the_primary(
    app, make_region, tmp_path, mixed, database_url
):
    """The test database plays the replica; the primary is a SQLite file holding only the
    regions, so an export that read the primary would find no row at all."""
    regions = [dict(row) for row in db.session.execute(select(Region.__table__)).mappings()]
    db.session.rollback()  # SQLite: the replica's connection needs the write lock
    replicated = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'primary.db'}",
            "SQLALCHEMY_BINDS": {"replica": database_url},
            "DEFAULT_LANGUAGE": "en",
        },
        env="test",
    )
    try:
        with replicated.app_context():
            db.create_all(bind_key=None)
            db.session.execute(insert(Region.__table__), regions)
            db.session.commit()
            region = db.session.scalar(select(Region).where(Region.name == GV))
            result = run_export(region, Q3, out_dir=tmp_path / "out", actor=None, now=AFTER_Q3)
            db.session.commit()
            on_primary = db.session.scalar(select(func.count()).select_from(ExportBatch))
            trajectories_on_primary = db.session.scalar(select(func.count(Trajectory.id)))
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    finally:
        # init_app registered the bind's (empty) metadata on the shared `db`; apps without
        # the bind would otherwise fail in create_all.
        db.metadatas.pop(REPLICA, None)
    assert (result.row_count, result.left_out) == (8, 2)
    assert (on_primary, trajectories_on_primary) == (1, 0)
    assert db.session.scalar(select(func.count()).select_from(ExportBatch)) == 0
