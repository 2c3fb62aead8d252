"""The purge: a due client's identity and free text are gone from every table; the rest stays."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, text

from carecoord.audit.models import Action, AuditEntry
from carecoord.clients.models import Client
from carecoord.extensions import db
from carecoord.retention import purge, rules
from carecoord.retention.operations import AUDIT_DETAIL, owned_rows
from tests.retention.conftest import (
    TODAY,
    YEARS,
    encrypted_columns,
    plain_cells,
    where_found,
)

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
# What the purge removes besides the encrypted values: the blind index and the plain language;
# and what it sets: `purged_at`. Every other cell is a coded fact, a date or an id, and stays.
CHANGED_CELLS = {("clients", "blind_index"), ("clients", "purged_at")} | {
    ("client_informed", "language")
}
EVERY_PURGED_PLACE = set(rules.PURGED) | {"client_informed.language"}


@pytest.fixture
def files(make_file):
    """Two due clients (one at the exact boundary, one in another region) and four kept."""
    return {
        "due": make_file(
            "QXDUEA", (date(2012, 1, 10), date(2013, 2, 1)), (date(2017, 3, 1), date(2019, 11, 28))
        ),
        "due_rr": make_file(
            "QXDUEB", (date(2016, 5, 1), date(2018, 1, 15)), region="Rotterdam-Rijnmond"
        ),
        "one_day_short": make_file("QXEDGE", (date(2018, 1, 1), date(2019, 11, 29))),
        "recent": make_file("QXRECENT", (date(2023, 1, 1), date(2025, 6, 30))),
        "started_again": make_file(
            "QXAGAIN", (date(2010, 1, 1), date(2011, 1, 1)), (date(2022, 1, 1), None)
        ),
        "open": make_file("QXOPEN", (date(2026, 9, 1), None)),
    }


def run(dry_run: bool = False, batch_size: int = 2) -> purge.PurgeReport:
    return purge.run(today=TODAY, years=YEARS, now=NOW, dry_run=dry_run, batch_size=batch_size)


def kept_cells() -> list[tuple[str, str, str]]:
    """Every plain cell the purge must leave as it is, audit log aside (it only grows)."""
    return sorted(
        cell
        for cell in plain_cells()
        if (cell[0], cell[1]) not in CHANGED_CELLS and cell[0] != "audit_entries"
    )


def test_every_canary_of_a_due_client_is_gone_and_the_others_keep_theirs(app, files):
    before = {name: where_found(f) for name, f in files.items()}
    # The sweep can fail: it finds each client's canary in every place the purge clears.
    assert all(found == EVERY_PURGED_PLACE for found in before.values()), before

    report = run()

    assert sorted(d.public_id for d in report.clients) == sorted(
        files[n].client.public_id for n in ("due", "due_rr")
    )
    after = {name: where_found(f) for name, f in files.items()}
    assert after["due"] == set() and after["due_rr"] == set()
    for name in ("one_day_short", "recent", "started_again", "open"):
        assert after[name] == EVERY_PURGED_PLACE, name
    assert report.removed["Client.name"] == 2
    assert report.removed["Step.text"] == 2 * 2 + 2  # three trajectories: two texts each


def test_encrypted_columns_of_a_due_client_are_null_and_of_others_byte_identical(app, files):
    due_ids = [files["due"].client.id, files["due_rr"].client.id]
    owned = {
        model.__tablename__: set(
            db.session.scalars(select(model.__mapper__.primary_key[0]).where(condition))
        )
        for model, condition in owned_rows(due_ids).items()
    }
    before = encrypted_columns()
    run()
    after = encrypted_columns()
    assert before.keys() == after.keys()
    nulled = Counter()
    for (table, column), rows in before.items():
        for (key, old), (same_key, new) in zip(rows, after[(table, column)], strict=True):
            assert key == same_key
            if key in owned.get(table, ()):
                assert new is None, (table, column)
                nulled[table] += old is not None
            else:
                assert new == old, (table, column)
    # 9 identity fields of 2 clients; per trajectory (3) two step texts, one participants list,
    # one needs note, one help question, one decline reason; the notification step has no text.
    assert nulled == {
        "clients": 18,
        "steps": 9,
        "needs_assessments": 3,
        "help_questions": 3,
        "handovers": 3,
    }
    kept = [
        db.session.get(Client, files[n].client.id)
        for n in ("one_day_short", "recent", "started_again", "open")
    ]
    assert [c.name for c in kept] == [
        "Naam QXEDGE",
        "Naam QXRECENT",
        "Naam QXAGAIN",
        "Naam QXOPEN",
    ]
    assert all(c.blind_index is not None and c.purged_at is None for c in kept)


def test_coded_facts_stay_and_the_purge_is_marked(app, files):
    before = kept_cells()
    run()
    assert kept_cells() == before
    purged = db.session.get(Client, files["due"].client.id)
    # SQLite hands back a naive datetime (UTC); PostgreSQL an aware one.
    stamped = purged.purged_at
    assert (stamped.replace(tzinfo=UTC) if stamped.tzinfo is None else stamped) == NOW
    assert purged.blind_index is None
    assert (purged.gender, purged.nationality_group) == ("female", "non_eea")
    t = purged.trajectories[0]
    assert (t.phase, t.closed_on, t.closure_reason) == (
        "closed",
        date(2019, 11, 28),
        "declined_help",
    )
    assert [h.status for q in t.help_questions for h in q.handovers] == ["declined", "accepted"]
    assert purged.name is None and purged.date_of_birth is None and purged.nationality is None


def test_one_audit_entry_per_purged_client_by_the_system_without_a_name(app, files):
    first = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    run()
    entries = list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.id > first).order_by(AuditEntry.id))
    )
    expected = sorted(files[n].client.id for n in ("due", "due_rr"))
    assert [(e.action, e.detail, e.object_type) for e in entries] == [
        (Action.DELETE.value, AUDIT_DETAIL, "clients")
    ] * 2
    assert sorted(int(e.object_id) for e in entries) == expected
    assert sorted(e.client_id for e in entries) == expected
    assert all(e.user_id is None and e.role is None for e in entries)
    written = " ".join(str(value) for e in entries for value in vars(e).values())
    assert "QXDUE" not in written and "Naam" not in written


def test_a_second_run_purges_nothing_and_writes_nothing(app, files):
    assert len(run().clients) == 2
    audit_count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    before = encrypted_columns()
    assert run().clients == []
    assert encrypted_columns() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_count


def test_an_interrupted_run_keeps_its_batches_and_the_next_run_finishes(app, files, monkeypatch):
    calls = {"n": 0}
    real = purge.purge_clients

    def fail_second_batch(due, *, now):
        calls["n"] += 1
        if calls["n"] == 2:
            db.session.execute(text("SELECT * FROM no_such_table"))
        return real(due, now=now)

    monkeypatch.setattr(purge, "purge_clients", fail_second_batch)
    with pytest.raises(purge.PurgeFailed) as failed:
        run(batch_size=1)
    assert len(failed.value.report.clients) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Client.purged_at.is_not(None))) == 1

    monkeypatch.setattr(purge, "purge_clients", real)
    assert len(run(batch_size=1).clients) == 1
    assert where_found(files["due"]) == set() and where_found(files["due_rr"]) == set()


def test_a_reopened_trajectory_keeps_the_whole_file(app, make_file):
    f = make_file("QXREOPEN", (date(2010, 1, 1), date(2011, 1, 1)))
    t = f.trajectories[0]
    t.phase, t.closed_on, t.closure_reason = t.left_from_phase, None, None
    db.session.commit()
    assert run().clients == []
    assert where_found(f) == EVERY_PURGED_PLACE
