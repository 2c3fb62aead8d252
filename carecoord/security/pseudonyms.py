"""Keyed hashes: the per-region blind index and CoMensha pseudonyms (SECURITY.md). Pure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from datetime import date
from uuid import UUID

BLIND_INDEX_BYTES = 16
PSEUDONYM_CONTEXT = b"comensha:v1:"
TRAJECTORY_PSEUDONYM_CONTEXT = b"comensha:v1:trajectory:"


def normalise_name(name: str) -> str:
    """Case, whitespace and diacritics folded: "Jóse  Díaz" and "jose diaz" are equal."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def blind_index(key: bytes, region_id: int, name: str, date_of_birth: date | None) -> bytes:
    """Truncated HMAC-SHA256 over region, normalised name and date of birth; equality only."""
    born = date_of_birth.isoformat() if date_of_birth else "-"
    message = f"{region_id}\x1f{normalise_name(name)}\x1f{born}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()[:BLIND_INDEX_BYTES]


def _encode(digest: bytes) -> str:
    return base64.b32encode(digest).decode().rstrip("=").lower()


def person_pseudonym(key: bytes, client_public_id: UUID) -> str:
    """Stable across exports, irreversible without the key, unlinkable to ids in the app."""
    return _encode(hmac.new(key, PSEUDONYM_CONTEXT + client_public_id.bytes, "sha256").digest())


def trajectory_pseudonym(key: bytes, trajectory_public_id: UUID) -> str:
    message = TRAJECTORY_PSEUDONYM_CONTEXT + trajectory_public_id.bytes
    return _encode(hmac.new(key, message, "sha256").digest())
