"""Whole-table inserts for bulk demo data, inside the session's transaction: COPY on
PostgreSQL, one executemany on SQLite, values stored exactly as SQLAlchemy's types store them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import Connection, Date, DateTime, Table, bindparam, func, insert, select, text
from sqlalchemy.types import TypeEngine

NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")


class IncompleteRows(ValueError):
    """Rows leave out a column that has no database default and must not be NULL."""


class TableWriter:
    """Inserts many rows of one table at a time, bypassing the ORM and SQLAlchemy's per-row
    parameter handling; ids of parent rows are reserved first, so children can refer to them."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect
        self.postgres = self.dialect.name == "postgresql"
        # The driver connection of this very transaction: the rows commit with the session.
        self.dbapi = connection.connection.dbapi_connection
        self.checked: set[tuple[str, tuple[str, ...]]] = set()
        if not self.postgres:
            # A bulk run grows indexes of millions of rows: keep up to 256 MiB of their pages
            # in memory (this connection only), not SQLite's default 2 MiB.
            self.dbapi.execute("PRAGMA cache_size = -262144")
        self.date = self._stored(Date())
        self.timestamp = self._stored(DateTime(timezone=True))

    def reserve_ids(self, table: Table, count: int) -> list[int]:
        """`count` new primary keys for `table`, taken from its sequence on PostgreSQL; on
        SQLite the ones after the highest, safe because the write lock is held until commit."""
        if count == 0:
            return []
        if self.postgres:
            rows = self.connection.execute(NEXT_IDS, {"table": table.name, "n": count})
            return [row_id for (row_id,) in rows]
        highest = self.connection.scalar(select(func.coalesce(func.max(table.c.id), 0)))
        return list(range(highest + 1, highest + 1 + count))

    def write_seen(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Insert `rows` through SQLAlchemy Core, so listeners of Core writes see the table
        change (the dashboard's rollups stop trusting their counts until rebuilt); for the
        parent rows, a few per history, where the per-row cost does not matter."""
        if rows:
            self._check(table, tuple(rows[0]))
            self.connection.execute(insert(table), rows)

    def write(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert `rows`, tuples in the order of `columns` of values as stored: dates and
        times through `date` and `timestamp`, UUIDs as 32 hex digits (SQLAlchemy's form on
        SQLite, and one PostgreSQL reads), binary columns as bytes."""
        if not rows:
            return
        self._check(table, tuple(columns))
        if self.postgres:
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with self.dbapi.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # SQLAlchemy writes the statement; positional parameters in the order of `columns`.
        statement = insert(table).values({name: bindparam(name) for name in columns})
        cursor = self.dbapi.cursor()
        try:
            cursor.executemany(str(statement.compile(dialect=self.dialect)), rows)
        finally:
            cursor.close()

    def _check(self, table: Table, columns: tuple[str, ...]) -> None:
        """Refuse rows that leave out a NOT NULL column without a database default: the
        models' Python defaults do not apply here."""
        if (table.name, columns) in self.checked:
            return
        missing = [
            c.name
            for c in table.columns
            if c.name not in columns
            and not c.nullable
            and c.server_default is None
            and not (c.primary_key and c.autoincrement in (True, "auto"))
        ]
        if missing:
            raise IncompleteRows(f"{table.name}: no value for {', '.join(missing)}")
        self.checked.add((table.name, columns))

    def _stored(self, type_: TypeEngine[Any]) -> Callable[[Any], Any]:
        """How SQLAlchemy's `type_` stores a value here (on SQLite dates become text); the
        results are kept, as the same days recur throughout."""
        process = type_.dialect_impl(self.dialect).bind_processor(self.dialect)
        if process is None:
            return _same
        seen: dict[Any, Any] = {}

        def stored(value: Any) -> Any:
            if value not in seen:
                seen[value] = process(value)
            return seen[value]

        return stored


def _same(value: Any) -> Any:
    return value
