"""Clock helpers: aware UTC timestamps, evaluated per call (never at import). Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The date in the Netherlands, where the coordinators work."""
    return datetime.now(AMSTERDAM).date()
