"""The audit entry: append-only, designed for a hash chain (SECURITY.md "Audit")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DDL,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.audit import append_only, chain
from carecoord.codes import N_, Coded, _labelled
from carecoord.extensions import db
from carecoord.timeutil import utcnow


class Action(Coded):
    VIEW = "view"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    PRINT = "print"
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    KEY_ROTATION = "key_rotation"
    TWO_FACTOR = "two_factor"


_labelled(
    Action,
    {
        "view": N_("view"),
        "search": N_("search"),
        "create": N_("create"),
        "update": N_("change"),
        "delete": N_("delete"),
        "export": N_("export"),
        "print": N_("print"),
        "sign_in": N_("sign in"),
        "sign_out": N_("sign out"),
        "key_rotation": N_("key rotation"),
        "two_factor": N_("two-factor sign-in"),
    },
)


class Outcome(Coded):
    SUCCESS = "success"
    DENIED = "denied"
    FAILED = "failed"


_labelled(Outcome, {"success": N_("success"), "denied": N_("denied"), "failed": N_("failed")})


class AuditEntry(db.Model):
    """One access or change. No code path updates or deletes a row."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_client_id_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    # The client file the object belongs to, for "who accessed this file" (no foreign key:
    # the log outlives what it describes).
    client_id: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(10))
    # A code (e.g. "out_of_region"), never a value typed by a user.
    detail: Mapped[str | None] = mapped_column(String(80))
    request_id: Mapped[str | None] = mapped_column(String(36))
    source_address: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    entry_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))

    def chain_fields(self) -> dict[str, object]:
        """What the hash chain seals, by name."""
        return {name: getattr(self, name) for name in chain.FIELDS}


# The database refuses changes to the log however the table was made (migration or create_all).
for _dialect, _statements in append_only.CREATE.items():
    for _statement in _statements:
        event.listen(
            AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect)
        )
for _statement in append_only.POSTGRESQL_AFTER_DROP:
    event.listen(
        AuditEntry.__table__, "after_drop", DDL(_statement).execute_if(dialect="postgresql")
    )
