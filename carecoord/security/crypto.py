"""AES-256-GCM with associated data and a named keyring (SECURITY.md). Pure."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
MAX_KEY_ID_BYTES = 32


class DecryptionError(Exception):
    """A value could not be decrypted: unknown key, wrong place, or tampered. Holds no value."""


def associated_data(table: str, column: str, public_id_bytes: bytes) -> bytes:
    """Binds a ciphertext to its table, column and row, so a moved copy fails to decrypt."""
    return b"%s|%s|%s" % (table.encode(), column.encode(), public_id_bytes)


@dataclass(frozen=True)
class Keyring:
    """Named data keys; the first is the newest and encrypts, every listed key decrypts."""

    keys: tuple[tuple[str, bytes], ...] = field(repr=False)
    _by_id: dict[str, AESGCM] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a keyring needs at least one key")
        by_id: dict[str, AESGCM] = {}
        for key_id, key in self.keys:
            if len(key) != KEY_BYTES:
                raise ValueError("data keys are 32 bytes")
            if not key_id or not key_id.isascii() or len(key_id) > MAX_KEY_ID_BYTES:
                raise ValueError("key ids are 1 to 32 ASCII characters")
            if key_id in by_id:
                raise ValueError("key ids must be unique")
            by_id[key_id] = AESGCM(key)
        object.__setattr__(self, "_by_id", by_id)

    @classmethod
    def of(cls, keys: Iterable[tuple[str, bytes]]) -> Keyring:
        return cls(tuple(keys))

    @property
    def active_id(self) -> str:
        return self.keys[0][0]

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(key_id for key_id, _ in self.keys)

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        """`version | len(key id) | key id | nonce | ciphertext+tag`, fresh random nonce."""
        key_id = self.active_id.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._by_id[self.active_id].encrypt(nonce, plaintext, aad)
        return bytes([FORMAT_VERSION, len(key_id)]) + key_id + nonce + sealed

    def decrypt(self, blob: bytes, aad: bytes) -> bytes:
        key_id = key_id_of(blob)
        cipher = self._by_id.get(key_id)
        if cipher is None:
            raise DecryptionError("unknown key id")
        start = 2 + len(key_id.encode())
        nonce, sealed = blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
        try:
            return cipher.decrypt(nonce, sealed, aad)
        except InvalidTag:
            raise DecryptionError("authentication failed") from None


def key_id_of(blob: bytes) -> str:
    """The key id a stored value was written with; raises DecryptionError when malformed."""
    if len(blob) < 2 or blob[0] != FORMAT_VERSION:
        raise DecryptionError("unknown format")
    length = blob[1]
    if not 0 < length <= MAX_KEY_ID_BYTES or len(blob) < 2 + length + NONCE_BYTES + 16:
        raise DecryptionError("truncated value")
    try:
        return blob[2 : 2 + length].decode("ascii")
    except UnicodeDecodeError:
        raise DecryptionError("unknown format") from None
