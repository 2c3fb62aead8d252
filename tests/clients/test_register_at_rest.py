"""What a leaked database shows of a registration: no identity value, in any table or column."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from carecoord.extensions import db
from tests.clients.registration import only_client, register

CANARIES = {
    "name": "Zyxwa Canarynaam Qloptrix",
    "phone": "+31 6 9371 5824 canaryphone",
    "email": "canary.qloptrix@mailcanary.example",
    "address": "Kanariestraat 77 Qloptrixdorp",
    "bsn": "759842905",
    "v_number": "8675309123",
    "document_number": "CANARYDOC4711",
}
BORN = date(1923, 7, 19)
NATIONALITY = "TV"  # Tuvalu


def every_cell() -> list[tuple[str, str, object]]:
    """(table, column, value) for every cell of every table, read as the database holds it."""
    db.session.expire_all()
    cells = []
    for table in db.metadata.sorted_tables:
        result = db.session.execute(text(f'SELECT * FROM "{table.name}"'))
        columns = list(result.keys())
        for row in result:
            cells.extend(
                (table.name, column, value) for column, value in zip(columns, row, strict=True)
            )
    return cells


def readable(needles: list[str]) -> list[tuple[str, str, str]]:
    """Every (table, column, needle) where a needle, or the nationality as a whole cell, shows."""
    hits = []
    cells = every_cell()
    assert any(table == "clients" for table, _, _ in cells), "the scan must see the client"
    for table, column, value in cells:
        if value is None:
            continue
        if isinstance(value, bytes | bytearray | memoryview):
            raw = bytes(value)
            found = [n for n in needles if n.encode() in raw or n.encode("utf-16-le") in raw]
            # Two bytes occur by chance in ciphertext; a whole cell equal to them does not.
            found += [NATIONALITY] if raw == NATIONALITY.encode() else []
        else:
            shown = str(value)
            found = [n for n in needles if n.casefold() in shown.casefold()]
            found += [NATIONALITY] if shown.strip() == NATIONALITY else []
        hits.extend((table, column, needle) for needle in found)
    return hits


def test_no_identity_value_is_stored_readably(client, login_as):
    login_as("coordinator")
    response = register(
        client,
        date_of_birth=BORN.isoformat(),
        nationality=NATIONALITY,
        notified_on="2025-03-10",
        **CANARIES,
    )
    assert response.status_code == 302
    stored = only_client()
    assert {field: getattr(stored, field) for field in CANARIES} == CANARIES
    assert (stored.date_of_birth, stored.nationality) == (BORN, NATIONALITY)

    needles = [*CANARIES.values(), BORN.isoformat(), BORN.strftime("%d-%m-%Y"), "19230719"]
    assert readable(needles) == []

    # The scan itself can fail: a plain value in a text or a binary column is found.
    stored._document_number = CANARIES["document_number"].encode()
    db.session.commit()
    assert readable(needles) == [("clients", "document_number_ct", CANARIES["document_number"])]
    assert ("users", "name", "Test Gebruiker") in readable(["Test Gebruiker"])


def test_the_file_shows_the_values_after_decryption(client, login_as):
    login_as("coordinator")
    response = register(client, **CANARIES)
    page = client.get(response.location).get_data(as_text=True)
    assert CANARIES["name"] in page
