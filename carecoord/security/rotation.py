"""Key rotation and verification over every encrypted value, in batches that resume."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, inspect, select, update
from sqlalchemy.orm import raiseload

from carecoord.audit.models import Action, Outcome
from carecoord.audit.operations import record
from carecoord.extensions import db
from carecoord.security.crypto import DecryptionError, Keyring, key_id_of
from carecoord.security.encrypted import UNREADABLE, encrypted, encrypted_attributes
from carecoord.security.keys import keyring

log = logging.getLogger(__name__)

# The ids `config.new_key_id()` makes: `k` + the UTC creation date + 4 random hex digits.
GENERATED_KEY_ID = re.compile(r"^k(\d{4})(\d{2})(\d{2})-[0-9a-f]{4}$")


@dataclass(frozen=True)
class EncryptedField:
    """One encrypted attribute of a mapped model and the column holding its ciphertext."""

    model: type
    attribute: encrypted
    column: Column

    @property
    def label(self) -> str:
        return f"{self.model.__name__}.{self.attribute.name}"


@dataclass
class FieldCounts:
    rotated: int = 0
    current: int = 0
    unreadable: int = 0

    def add(self, other: FieldCounts) -> None:
        self.rotated += other.rotated
        self.current += other.current
        self.unreadable += other.unreadable


@dataclass
class RotationReport:
    key_id: str
    counts: dict[str, FieldCounts] = field(default_factory=dict)

    def total(self) -> FieldCounts:
        total = FieldCounts()
        for counts in self.counts.values():
            total.add(counts)
        return total


@dataclass(frozen=True)
class Failure:
    """A value that does not decrypt: where it is and why, never what it is."""

    label: str
    public_id: str
    reason: str


@dataclass
class VerifyReport:
    per_key: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)


def encrypted_models() -> dict[type, list[EncryptedField]]:
    """Every mapped model with encrypted attributes, by class name, with those attributes."""
    found: dict[type, list[EncryptedField]] = {}
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.class_.__name__):
        fields = [
            EncryptedField(mapper.class_, attribute, mapper.columns[attribute.column_attr])
            for attribute in encrypted_attributes(mapper.class_)
        ]
        if fields:
            if len(mapper.primary_key) != 1:
                raise TypeError(f"{mapper.class_.__name__}: rotation needs a single-column key")
            found[mapper.class_] = fields
    return found


def _batch(model: type, after: Any, size: int, *, lock: bool) -> list[Any]:
    """The next `size` rows after primary key `after`, freshly read (and locked when writing)."""
    key = model.__mapper__.primary_key[0]
    # No relationship is loaded: nothing is needed but the row, and FOR UPDATE takes no joins.
    query = select(model).options(raiseload("*")).order_by(key).limit(size)
    if after is not None:
        query = query.where(key > after)
    if lock:
        query = query.with_for_update()
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def _primary_key(row: Any) -> Any:
    """The row's key as loaded; read from its identity, so an expired row is not reloaded."""
    return inspect(row).identity[0]


def rotate_batch(
    model: type, fields: list[EncryptedField], after: Any, size: int, ring: Keyring
) -> tuple[dict[str, FieldCounts], Any]:
    """Re-encrypt the stale values of one batch in one transaction; returns the counts and the
    last primary key seen (None when there were no rows left)."""
    rows = _batch(model, after, size, lock=True)
    counts = {f.label: FieldCounts() for f in fields}
    key = model.__mapper__.primary_key[0]
    for row in rows:
        changes: dict[Column, bytes] = {}
        for f in fields:
            blob = getattr(row, f.attribute.column_attr)
            if blob is None:
                continue
            blob = bytes(blob)
            aad = f.attribute.aad(row)
            try:
                if key_id_of(blob) == ring.active_id:
                    counts[f.label].current += 1
                    continue
                changes[f.column] = ring.encrypt(ring.decrypt(blob, aad), aad)
            except DecryptionError as error:
                log.warning("cannot rotate %s of row %s: %s", f.label, row.public_id, error)
                counts[f.label].unreadable += 1
                continue
            counts[f.label].rotated += 1
        if changes:
            # Core update, so rotation never bumps an optimistic-lock version column.
            db.session.execute(
                update(model.__table__).where(key == _primary_key(row)).values(changes)
            )
    last = _primary_key(rows[-1]) if rows else None
    db.session.commit()
    return counts, last


def rotate_all(batch_size: int) -> RotationReport:
    """Bring every encrypted value under the newest key; commits once per batch, so a run that
    stops halfway keeps its work and the next run skips what is already current."""
    ring = keyring()
    report = RotationReport(key_id=ring.active_id)
    for model, fields in encrypted_models().items():
        for f in fields:
            report.counts[f.label] = FieldCounts()
        after = None
        while True:
            counts, after = rotate_batch(model, fields, after, batch_size, ring)
            for label, batch_counts in counts.items():
                report.counts[label].add(batch_counts)
            if after is None:
                break
    total = report.total()
    record(
        None,
        Action.KEY_ROTATION,
        outcome=Outcome.FAILED if total.unreadable else Outcome.SUCCESS,
        detail=f"rotated:{total.rotated}:current:{total.current}:unreadable:{total.unreadable}",
        object_type="data_keys",
        object_id=ring.active_id,
    )
    db.session.commit()
    return report


def verify_all(batch_size: int) -> VerifyReport:
    """Decrypt every encrypted value; count them per key id and list each failure."""
    ring = keyring()
    report = VerifyReport()
    for model, fields in encrypted_models().items():
        after = None
        while True:
            rows = _batch(model, after, batch_size, lock=False)
            for row in rows:
                for f in fields:
                    _verify_value(report, ring, f, row)
            after = _primary_key(rows[-1]) if rows else None
            # End the read transaction per batch: on SQLite it holds the write lock.
            db.session.rollback()
            if after is None:
                break
    return report


def _verify_value(report: VerifyReport, ring: Keyring, f: EncryptedField, row: Any) -> None:
    blob = getattr(row, f.attribute.column_attr)
    if blob is None:
        return
    try:
        ring.decrypt(bytes(blob), f.attribute.aad(row))
    except DecryptionError as error:
        report.failures.append(Failure(f.label, str(row.public_id), str(error)))
        return
    if f.attribute.__get__(row) is UNREADABLE:
        report.failures.append(Failure(f.label, str(row.public_id), "not valid text"))
        return
    report.per_key[key_id_of(bytes(blob))] += 1


@dataclass
class KeyUsage:
    """How many stored values each key id encrypts, per `Model.field`; no value, no row id."""

    per_key: dict[str, Counter[str]] = field(default_factory=dict)
    # Values whose key id cannot even be read (not in the stored format), per `Model.field`.
    malformed: Counter[str] = field(default_factory=Counter)

    def of(self, key_id: str) -> Counter[str]:
        return self.per_key.get(key_id, Counter())


def key_usage(batch_size: int) -> KeyUsage:
    """Read the key id of every stored encrypted value, in batches; decrypts nothing."""
    usage = KeyUsage()
    for model, fields in encrypted_models().items():
        key = model.__mapper__.primary_key[0]
        after = None
        while True:
            # Only the ciphertext columns: reading a key id needs no row, no key, no decryption.
            query = select(key, *(f.column for f in fields)).order_by(key).limit(batch_size)
            if after is not None:
                query = query.where(key > after)
            rows = db.session.execute(query).all()
            for row in rows:
                for f, blob in zip(fields, row[1:], strict=True):
                    if blob is not None:
                        _count_key_id(usage, f.label, bytes(blob))
            # End the read transaction per batch: on SQLite it holds the write lock.
            db.session.rollback()
            if not rows:
                break
            after = rows[-1][0]
    return usage


def _count_key_id(usage: KeyUsage, label: str, blob: bytes) -> None:
    try:
        key_id = key_id_of(blob)
    except DecryptionError:
        usage.malformed[label] += 1
        return
    usage.per_key.setdefault(key_id, Counter())[label] += 1


def key_created_on(key_id: str) -> date | None:
    """The creation date encoded in an id made by `config.new_key_id()`; None for other ids."""
    if not (match := GENERATED_KEY_ID.match(key_id)):
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


class Verdict(StrEnum):
    RETIRED = "retired"
    ACTIVE = "active"
    IN_USE = "in_use"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Retirement:
    verdict: Verdict
    in_use: Counter[str] = field(default_factory=Counter)
    in_keyring: bool = True


def retire(key_id: str, batch_size: int) -> Retirement:
    """Whether `key_id` may leave the keyring: not the key that encrypts, and no stored value
    uses it. Audits (and commits) only a retirement that is allowed; changes nothing else."""
    ring = keyring()
    if key_id == ring.active_id:
        return Retirement(Verdict.ACTIVE)
    in_keyring = key_id in ring.key_ids
    in_use = key_usage(batch_size).of(key_id)
    if in_use:
        return Retirement(Verdict.IN_USE, in_use, in_keyring)
    if not in_keyring:
        return Retirement(Verdict.UNKNOWN, in_keyring=False)
    record(None, Action.KEY_ROTATION, detail="retire_ok", object_type="data_keys", object_id=key_id)
    db.session.commit()
    return Retirement(Verdict.RETIRED)
