"""Entries are sealed onto the chain at commit, in order; `audit verify` finds any break."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from carecoord.accounts.models import User
from carecoord.audit.chain import GENESIS, entry_hash
from carecoord.audit.cli import walk_chain
from carecoord.audit.models import Action, AuditEntry
from carecoord.audit.operations import record
from carecoord.extensions import db
from tests.conftest import post


def entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def assert_chained(rows: list[AuditEntry]) -> None:
    tip = GENESIS
    for entry in rows:
        assert entry.prev_hash == tip, entry.id
        assert entry.entry_hash == entry_hash(entry.chain_fields(), tip), entry.id
        tip = entry.entry_hash


@pytest.fixture
def some_requests(client, login_as, make_trajectory):
    """A coordinator signs in, opens the caseload and a file, and is refused another's."""
    t = make_trajectory()
    other = make_trajectory(region="Rotterdam-Rijnmond", name="Ander Persoon")
    login_as("coordinator")
    assert client.get("/trajectories/").status_code == 200
    assert client.get(f"/trajectories/{t.public_id}").status_code == 200
    assert client.get(f"/trajectories/{other.public_id}").status_code == 404
    assert post(client, "/sign-out").status_code == 302
    rows = entries()
    assert len(rows) >= 5
    return rows


def test_requests_leave_an_unbroken_chain_in_id_order(some_requests):
    assert_chained(some_requests)
    assert [e.outcome for e in some_requests].count("denied") == 1


def test_verify_passes_and_prints_the_count_and_the_tip(some_requests, verify):
    result = verify()
    assert result.exit_code == 0, result.output
    assert f"audit chain intact: {len(some_requests)} entries" in result.output
    assert f"tip: {some_requests[-1].entry_hash.hex()}" in result.output


def test_verify_of_an_empty_log_passes(app, verify):
    result = verify()
    assert result.exit_code == 0, result.output
    assert "intact: 0 entries" in result.output
    assert f"tip: {GENESIS.hex()}" in result.output


@pytest.mark.parametrize("batch_size", ["1", "2", "1000"])
def test_a_changed_entry_is_named_by_id_without_its_content(
    some_requests, verify, tamper, batch_size
):
    victim = some_requests[2]
    tamper("UPDATE audit_entries SET detail = 'tampered_value' WHERE id = :id", id=victim.id)
    result = verify("--batch-size", batch_size)
    assert result.exit_code == 1
    assert f"broken at entry {victim.id}: its content changed" in result.output
    assert "tampered_value" not in result.output
    assert victim.entry_hash.hex() not in result.output


def test_a_changed_time_is_found(some_requests, verify, tamper):
    victim = some_requests[1]
    tamper(
        "UPDATE audit_entries SET at = :at WHERE id = :id",
        at=datetime(2020, 1, 1, tzinfo=UTC),
        id=victim.id,
    )
    result = verify()
    assert result.exit_code == 1
    assert f"broken at entry {victim.id}: its content changed" in result.output


def test_a_removed_entry_breaks_the_link_of_the_next(some_requests, verify, tamper):
    removed, following = some_requests[2], some_requests[3]
    tamper("DELETE FROM audit_entries WHERE id = :id", id=removed.id)
    result = verify("--batch-size", "2")
    assert result.exit_code == 1
    assert f"broken at entry {following.id}: its link to the previous entry" in result.output


def test_a_resealed_entry_breaks_the_link_of_the_next(some_requests, verify, tamper):
    victim, following = some_requests[1], some_requests[2]
    forged = {**victim.chain_fields(), "detail": "forged"}
    tamper(
        "UPDATE audit_entries SET detail = 'forged', entry_hash = :sealed WHERE id = :id",
        sealed=entry_hash(forged, victim.prev_hash),
        id=victim.id,
    )
    result = verify()
    assert result.exit_code == 1
    assert f"broken at entry {following.id}: its link" in result.output


def test_record_returns_the_entry_sealed_at_commit_with_its_record_time(app, make_user):
    user = make_user()
    before = datetime.now(UTC)
    entry = record(user, Action.VIEW, user, detail="first")
    second = record(user, Action.VIEW, detail="second")
    assert entry.id is None and entry.entry_hash is None  # queued, not yet written
    db.session.commit()
    assert entry.id is not None and second.id == entry.id + 1
    rows = entries()
    assert [e.detail for e in rows] == ["first", "second"]
    assert rows[0].at >= before.replace(tzinfo=rows[0].at.tzinfo)
    assert_chained(rows)


def test_a_rolled_back_transaction_leaves_no_entry(app, make_user, verify):
    user = make_user()
    record(user, Action.VIEW, detail="kept")
    db.session.commit()
    record(user, Action.VIEW, detail="rolled_back")
    db.session.rollback()
    record(user, Action.VIEW, detail="after")
    db.session.commit()
    assert [e.detail for e in entries()] == ["kept", "after"]
    assert verify().exit_code == 0


def test_a_rolled_back_savepoint_discards_only_its_own_entries(app, make_user):
    user = make_user()
    record(user, Action.VIEW, detail="outer")
    savepoint = db.session.begin_nested()
    record(user, Action.VIEW, detail="inner_rolled_back")
    savepoint.rollback()
    with db.session.begin_nested():
        record(user, Action.VIEW, detail="inner_released")
    db.session.commit()
    assert [e.detail for e in entries()] == ["outer", "inner_released"]
    assert_chained(entries())


def test_a_closed_session_forgets_its_queue(app, make_user):
    user = make_user()
    record(user, Action.VIEW, detail="never_committed")
    db.session.close()
    db.session.commit()
    assert entries() == []


def test_an_entry_that_cannot_be_written_fails_the_commit_and_keeps_nothing(app, make_user):
    user = make_user()
    user.name = "Nieuwe Naam"
    entry = record(user, Action.UPDATE, user, detail="rename")
    entry.role = "x" * 500  # too long for PostgreSQL; the NOT NULL below fails on both
    entry.action = None
    with pytest.raises(Exception):  # noqa: B017 - the driver's error class differs per database
        db.session.commit()
    db.session.rollback()
    assert entries() == []
    assert db.session.scalar(select(User.name).where(User.id == user.id)) == "Test Gebruiker"


def test_walk_chain_counts_in_batches(app, make_user):
    user = make_user()
    for n in range(5):
        record(user, Action.VIEW, detail=f"n{n}")
        db.session.commit()
    walk, found = walk_chain(batch_size=2)
    assert found is None
    assert walk.count == 5 == db.session.scalar(select(func.count()).select_from(AuditEntry))
