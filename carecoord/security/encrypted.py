"""A model attribute stored AES-GCM-encrypted, bound to its table, column and row."""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from carecoord.security.crypto import DecryptionError, associated_data
from carecoord.security.keys import keyring

log = logging.getLogger(__name__)


class Unreadable:
    """Stands in for a value that could not be decrypted; shows as a marker, never as data."""

    __slots__ = ()

    def __str__(self) -> str:
        return str(_l("could not be decrypted"))

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNREADABLE"


UNREADABLE = Unreadable()


def _encode(value: Any, kind: type) -> bytes:
    if kind is date:
        if not isinstance(value, date):
            raise TypeError("expected a date")
        return value.isoformat().encode()
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value.encode("utf-8")


def _decode(raw: bytes, kind: type) -> Any:
    text = raw.decode("utf-8")
    return date.fromisoformat(text) if kind is date else text


class encrypted:
    """`name = encrypted("_name")`: reads decrypt (cached per ciphertext), writes encrypt.

    Associated data is table, attribute name and the row's public id, so a ciphertext copied to
    another row or column fails to decrypt and shows as UNREADABLE (logged without its value).
    """

    def __init__(self, column_attr: str, *, kind: type = str) -> None:
        self.column_attr = column_attr
        self.kind = kind
        self.name = column_attr.lstrip("_")

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def aad(self, obj: Any) -> bytes:
        return associated_data(obj.__tablename__, self.name, obj.public_id.bytes)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        blob = getattr(obj, self.column_attr)
        if blob is None:
            return None
        cache = obj.__dict__.setdefault("_decrypted_cache", {})
        hit = cache.get(self.name)
        if hit is not None and hit[0] == blob:
            return hit[1]
        try:
            value = _decode(keyring().decrypt(bytes(blob), self.aad(obj)), self.kind)
        except (DecryptionError, UnicodeDecodeError, ValueError):
            log.warning(
                "field could not be decrypted: table=%s field=%s row=%s",
                obj.__tablename__,
                self.name,
                obj.public_id,
            )
            value = UNREADABLE
        cache[self.name] = (blob, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        if value is None or value == "":
            setattr(obj, self.column_attr, None)
            return
        if obj.public_id is None:
            obj.public_id = uuid.uuid4()
        blob = keyring().encrypt(_encode(value, self.kind), self.aad(obj))
        setattr(obj, self.column_attr, blob)
        obj.__dict__.setdefault("_decrypted_cache", {})[self.name] = (blob, value)

    def reencrypt(self, obj: Any) -> bool:
        """Write the value again under the newest key; False when it is unreadable."""
        value = self.__get__(obj)
        if value is UNREADABLE:
            return False
        if value is not None:
            self.__set__(obj, value)
        return True


def encrypted_attributes(model: type) -> list[encrypted]:
    return [attr for attr in vars(model).values() if isinstance(attr, encrypted)]


class ColumnOpener:
    """Decrypts one encrypted attribute straight from its stored column, without an ORM object,
    with the descriptor's associated data (table, attribute name, row public id). For bulk reads
    (search, export); an unreadable value is logged without its content and reads as None."""

    def __init__(self, model: type, field: str) -> None:
        self.table = model.__tablename__
        self.field = field
        self.keyring = keyring()

    def __call__(self, public_id: uuid.UUID, blob: bytes | None) -> str | None:
        if blob is None:
            return None
        aad = associated_data(self.table, self.field, public_id.bytes)
        try:
            return self.keyring.decrypt(bytes(blob), aad).decode("utf-8")
        except (DecryptionError, UnicodeDecodeError):
            log.warning(
                "field could not be decrypted: table=%s field=%s row=%s",
                self.table,
                self.field,
                public_id,
            )
            return None
