"""The hash chain's serialisation and walk, without an app."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from carecoord.audit.chain import (
    FIELDS,
    GENESIS,
    VERSION,
    Break,
    BreakKind,
    ChainWalk,
    canonical,
    entry_hash,
    utc_iso,
)

AT = datetime(2026, 11, 29, 14, 20, 1, 123456, tzinfo=UTC)
ENTRY = {
    "at": AT,
    "user_id": 7,
    "role": "admin",
    "action": "view",
    "object_type": "trajectories",
    "object_id": "12",
    "client_id": 3,
    "outcome": "success",
    "detail": "caseload",
    "request_id": "0f" * 16,
    "source_address": "192.0.2.1",
}
CHANGED = {
    "at": AT + timedelta(microseconds=1),
    "user_id": 8,
    "role": "coordinator",
    "action": "update",
    "object_type": "clients",
    "object_id": "13",
    "client_id": 4,
    "outcome": "denied",
    "detail": "caseload2",
    "request_id": "1f" * 16,
    "source_address": "192.0.2.2",
}


def test_the_serialisation_is_versioned_and_fixed():
    assert canonical(ENTRY) == VERSION + (
        b'["2026-11-29T14:20:01.123456Z",7,"admin","view","trajectories","12",3,"success",'
        b'"caseload","' + b"0f" * 16 + b'","192.0.2.1"]'
    )
    assert entry_hash(ENTRY, GENESIS) == hashlib.sha256(GENESIS + canonical(ENTRY)).digest()


@pytest.mark.parametrize("name", FIELDS)
def test_every_field_is_sealed(name):
    assert entry_hash({**ENTRY, name: CHANGED[name]}, GENESIS) != entry_hash(ENTRY, GENESIS)
    assert entry_hash({**ENTRY, name: None}, GENESIS) != entry_hash(ENTRY, GENESIS)


def test_the_previous_hash_is_sealed():
    assert entry_hash(ENTRY, b"\x01" * 32) != entry_hash(ENTRY, GENESIS)
    with pytest.raises(ValueError):
        entry_hash(ENTRY, b"short")


def test_a_time_hashes_the_same_in_any_zone_and_naive_as_utc():
    amsterdam = AT.astimezone(timezone(timedelta(hours=1)))
    naive = AT.replace(tzinfo=None)
    assert utc_iso(amsterdam) == utc_iso(naive) == "2026-11-29T14:20:01.123456Z"
    assert entry_hash({**ENTRY, "at": naive}, GENESIS) == entry_hash(ENTRY, GENESIS)


def test_numbers_and_texts_hash_the_same_as_the_database_gives_them_back():
    assert entry_hash({**ENTRY, "object_id": 12}, GENESIS) == entry_hash(ENTRY, GENESIS)


def chain_of(count: int) -> list[tuple[int, dict, bytes, bytes]]:
    rows, tip = [], GENESIS
    for n in range(1, count + 1):
        fields = {**ENTRY, "object_id": str(n)}
        sealed = entry_hash(fields, tip)
        rows.append((n, fields, tip, sealed))
        tip = sealed
    return rows


def walk(rows) -> tuple[ChainWalk, Break | None]:
    w = ChainWalk()
    for row in rows:
        if found := w.check(*row):
            return w, found
    return w, None


def test_an_intact_chain_ends_at_its_tip():
    rows = chain_of(4)
    w, found = walk(rows)
    assert found is None
    assert (w.count, w.tip) == (4, rows[-1][3])


def test_a_changed_entry_breaks_its_content():
    rows = chain_of(4)
    n, fields, prev, sealed = rows[2]
    rows[2] = (n, {**fields, "detail": "other"}, prev, sealed)
    w, found = walk(rows)
    assert found == Break(3, BreakKind.CONTENT)
    assert w.count == 2


def test_a_removed_entry_breaks_the_next_ones_link():
    rows = chain_of(4)
    del rows[1]
    assert walk(rows)[1] == Break(3, BreakKind.LINK)


def test_a_rehashed_entry_breaks_the_link_after_it():
    rows = chain_of(4)
    n, fields, prev, _sealed = rows[1]
    forged = {**fields, "detail": "forged"}
    rows[1] = (n, forged, prev, entry_hash(forged, prev))
    assert walk(rows)[1] == Break(3, BreakKind.LINK)


def test_an_unsealed_entry_is_a_break():
    rows = chain_of(2)
    rows[1] = (2, rows[1][1], None, None)
    assert walk(rows)[1] == Break(2, BreakKind.UNSEALED)
