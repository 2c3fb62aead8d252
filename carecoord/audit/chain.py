"""The audit hash chain: a canonical, versioned serialisation of an entry and its SHA-256. Pure.

Each entry's hash covers its fields and the previous entry's hash, so changing an entry, or
removing one from the middle, breaks the chain at that point. Removing entries from the end
cannot be seen from inside the table: record the tip hash elsewhere to detect that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

# Bump the version (and keep the old serialisation for old entries) to change what is hashed.
VERSION = b"carecoord-audit/v1\n"
GENESIS = bytes(32)
HASH_SIZE = 32
TEXT_FIELDS = (
    "role",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "detail",
    "request_id",
    "source_address",
)
NUMBER_FIELDS = ("user_id", "client_id")
# The order in which the fields are serialised: part of the format, never reorder.
FIELDS = (
    "at",
    "user_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "client_id",
    "outcome",
    "detail",
    "request_id",
    "source_address",
)


def utc_iso(at: datetime) -> str:
    """`at` in UTC, to the microsecond; a naive time (SQLite gives those back) is UTC."""
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _value(name: str, value: object) -> object:
    if value is None:
        return None
    if name == "at":
        if not isinstance(value, datetime):
            raise TypeError("the entry's time must be a datetime")
        return utc_iso(value)
    if name in NUMBER_FIELDS:
        return int(value)  # type: ignore[call-overload]
    return str(value)


def canonical(fields: Mapping[str, object]) -> bytes:
    """The bytes that are hashed: the version, then a JSON array of FIELDS in their order."""
    values = [_value(name, fields.get(name)) for name in FIELDS]
    return VERSION + json.dumps(values, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def entry_hash(fields: Mapping[str, object], prev_hash: bytes) -> bytes:
    """The hash sealing one entry onto the chain after `prev_hash`."""
    if len(prev_hash) != HASH_SIZE:
        raise ValueError("the previous hash must be 32 bytes")
    return hashlib.sha256(prev_hash + canonical(fields)).digest()


class BreakKind(StrEnum):
    CONTENT = "content"  # the entry's fields no longer match its own hash
    LINK = "link"  # the entry does not point at the entry before it (one was removed)
    UNSEALED = "unsealed"  # the entry carries no hash at all


@dataclass(frozen=True)
class Break:
    entry_id: int
    kind: BreakKind


class ChainWalk:
    """Checks entries handed over in id order, one batch after another."""

    def __init__(self) -> None:
        self.count = 0
        self.tip = GENESIS

    def check(
        self,
        entry_id: int,
        fields: Mapping[str, object],
        prev_hash: bytes | None,
        sealed_hash: bytes | None,
    ) -> Break | None:
        """The break at this entry, if any; otherwise the entry becomes the tip."""
        if prev_hash is None or sealed_hash is None:
            return Break(entry_id, BreakKind.UNSEALED)
        prev, sealed = bytes(prev_hash), bytes(sealed_hash)
        if len(prev) != HASH_SIZE or entry_hash(fields, prev) != sealed:
            return Break(entry_id, BreakKind.CONTENT)
        if prev != self.tip:
            return Break(entry_id, BreakKind.LINK)
        self.count += 1
        self.tip = sealed
        return None
