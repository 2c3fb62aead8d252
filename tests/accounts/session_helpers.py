"""Helpers of the session timeout and resume tests: a movable clock, forms read from a page."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import select

from carecoord.accounts import sessions
from carecoord.audit.models import AuditEntry
from carecoord.extensions import db

COOKIE = "carecoord_session"
START = 1_900_000_000  # 2030-03-17, UTC epoch seconds
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


class Clock:
    """The session clock, moved by hand."""

    def __init__(self, moment: int = START) -> None:
        self.moment = moment

    def __call__(self) -> int:
        return self.moment

    def advance(self, *, hours: int = 0, minutes: int = 0, seconds: int = 0) -> None:
        self.moment += hours * 3600 + minutes * 60 + seconds


def install_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(sessions, "now", clock)
    return clock


def form_fields(page: str, action: str) -> list[tuple[str, str]]:
    """The named inputs of the form posting to `action`, in page order, as a browser sends."""
    start = page.index(f'action="{action}"')
    form = page[start : page.index("</form>", start)]
    fields = []
    for tag in INPUT.findall(form):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes:
            name = htmllib.unescape(attributes["name"])
            fields.append((name, htmllib.unescape(attributes.get("value", ""))))
    return fields


def as_multidict_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Fields with repeated names as the test client's `data` (a list per name, order kept)."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def timeout_entries(detail: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).where(AuditEntry.action == "sign_out").order_by(AuditEntry.id)
    entries = list(db.session.scalars(query))
    return [e for e in entries if detail is None or e.detail == detail]
