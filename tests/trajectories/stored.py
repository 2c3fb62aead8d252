"""Reading and writing stored ciphertext with plain SQL, as someone with database access would."""

from __future__ import annotations

from sqlalchemy import text

from carecoord.extensions import db

# Only these names are ever put into the statements below.
COLUMNS = {
    "clients": {"name_ct", "address_ct", "phone_ct", "bsn_ct", "date_of_birth_ct"},
    "steps": {"text_ct"},
}


def _checked(table: str, column: str) -> None:
    if column not in COLUMNS.get(table, set()):
        raise ValueError("not a ciphertext column of these tests")


def read_blob(table: str, column: str, row_id: int) -> bytes:
    _checked(table, column)
    value = db.session.execute(
        text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}
    ).scalar_one()
    return bytes(value)


def write_blob(table: str, column: str, row_id: int, blob: bytes) -> None:
    """UPDATE the stored bytes behind the application's back and forget what the session held."""
    _checked(table, column)
    db.session.execute(
        text(f"UPDATE {table} SET {column} = :blob WHERE id = :id"), {"blob": blob, "id": row_id}
    )
    db.session.commit()
    db.session.expire_all()
