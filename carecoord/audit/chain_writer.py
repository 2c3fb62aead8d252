"""Sealing audit entries onto the hash chain at commit, holding the chain's lock only then.

`record()` queues an entry in the session. Just before the session commits, the queued
entries take the chain lock, read the tip, are hashed in order and inserted; the commit right
after releases the lock. So a request waits on another only for the other's final insert, and
entry ids grow in chain order. A rollback (of the transaction, or of the savepoint an entry
was queued in) discards what it queued.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, SessionTransaction

from carecoord.audit import chain
from carecoord.audit.models import AuditEntry
from carecoord.extensions import db

QUEUE_KEY = "carecoord.audit.queue"
# The advisory lock serialising writers of the chain on PostgreSQL ("cc-audit" as a number).
POSTGRESQL_LOCK_KEY = int.from_bytes(b"cc-audit", "big")


@dataclass(frozen=True)
class _Queued:
    entry: AuditEntry
    transaction: SessionTransaction


def enqueue(session: Session, entry: AuditEntry) -> None:
    """Queue `entry` to be sealed and inserted when the session's transaction commits."""
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(QUEUE_KEY, []).append(_Queued(entry, transaction))


def queued(session: Session) -> list[AuditEntry]:
    """The entries waiting for the commit (for a caller that must see what it recorded)."""
    return [item.entry for item in session.info.get(QUEUE_KEY, [])]


def lock_chain(session: Session) -> None:
    """Wait for the chain's tip; held until this transaction ends. SQLite needs nothing: every
    write transaction there begins IMMEDIATE, holding the database's only write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRESQL_LOCK_KEY})


def chain_tip(session: Session) -> bytes:
    tip = session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    return bytes(tip) if tip is not None else chain.GENESIS


@event.listens_for(db.session, "before_commit")
def _seal_queued(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint being released; the entries wait for the real commit
    items = session.info.pop(QUEUE_KEY, None)
    if not items:
        return
    # The caller's own changes go first, outside the lock.
    session.flush()
    lock_chain(session)
    tip = chain_tip(session)
    for item in items:
        entry = item.entry
        entry.prev_hash = tip
        entry.entry_hash = tip = chain.entry_hash(entry.chain_fields(), tip)
        session.add(entry)
    session.flush()


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(db.session, "after_soft_rollback")
def _discard_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    items = session.info.get(QUEUE_KEY)
    if items:
        session.info[QUEUE_KEY] = [
            item for item in items if not _within(item.transaction, previous_transaction)
        ]


@event.listens_for(db.session, "after_transaction_end")
def _forget_on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(QUEUE_KEY, None)
