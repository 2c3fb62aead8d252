"""What a care provider's name and contact details may look like. Pure."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
LINE_BREAKS = frozenset("\r\n")
# Digits, spaces and the punctuation people write in phone numbers ("+31 (0)35-123 45 67").
PHONE_PATTERN = re.compile(r"\+?[0-9 ()./-]+")
# A plain ASCII address: no quoted local parts, no IP literals, a top-level domain of letters.
EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
EMAIL_LOCAL_MAX = 64


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """True when `value` holds a control character (NUL and the like); line breaks only
    count when the field is a single line."""
    return any(
        unicodedata.category(ch) == "Cc" and not (multiline and ch in LINE_BREAKS) for ch in value
    )


def web_address(value: str | None) -> str | None:
    """`value` when it is an absolute http(s) address with a host and nothing else; else None.

    `javascript:`, `data:` and relative addresses are refused, and so are addresses with
    credentials ("https://bank.nl@evil.example"), which make a link lie about where it goes.
    """
    if not value or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in value):
        return None
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname or not port_ok:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    return value


def is_email_address(value: str) -> bool:
    return bool(EMAIL_PATTERN.fullmatch(value)) and len(value.partition("@")[0]) <= EMAIL_LOCAL_MAX


def is_phone_number(value: str) -> bool:
    return bool(PHONE_PATTERN.fullmatch(value)) and any(ch.isdigit() for ch in value)


def name_key(name: str) -> str:
    """The name as compared for uniqueness in a region: case and spacing do not count."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()
