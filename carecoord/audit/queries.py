"""Read-only selects of the access log for the administrator's pages; no client data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select

from carecoord.accounts.models import User
from carecoord.audit.models import AuditEntry
from carecoord.extensions import db
from carecoord.timeutil import AMSTERDAM
from carecoord.trajectories.models import Trajectory


@dataclass(frozen=True)
class LogFilter:
    user_id: int | None = None
    client_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    action: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class LogRow:
    entry: AuditEntry
    user: User | None
    case_numbers: list[str]


def _start_of(day: date) -> datetime:
    """The first moment of `day` in the Netherlands, where the administrator reads the dates."""
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM)


def log_entries(f: LogFilter) -> Select[tuple[AuditEntry]]:
    """The entries matching `f`, newest first (ids grow in chain order)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if f.user_id is not None:
        query = query.where(AuditEntry.user_id == f.user_id)
    if f.client_id is not None:
        query = query.where(AuditEntry.client_id == f.client_id)
    if f.date_from is not None:
        query = query.where(AuditEntry.at >= _start_of(f.date_from))
    if f.date_to is not None:
        query = query.where(AuditEntry.at < _start_of(f.date_to + timedelta(days=1)))
    if f.action:
        query = query.where(AuditEntry.action == f.action)
    if f.outcome:
        query = query.where(AuditEntry.outcome == f.outcome)
    return query


def client_of_case(case_number: str) -> int | None:
    """The client whose file has this case number; None when no trajectory has it."""
    return db.session.scalar(
        select(Trajectory.client_id).where(Trajectory.case_number == case_number)
    )


def rows(entries: Iterable[AuditEntry]) -> list[LogRow]:
    """Each entry with its user and its file's case numbers: two queries for any page size."""
    entries = list(entries)
    user_ids = {e.user_id for e in entries if e.user_id is not None}
    client_ids = {e.client_id for e in entries if e.client_id is not None}
    users = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    cases: dict[int, list[str]] = defaultdict(list)
    if client_ids:
        for client_id, case_number in db.session.execute(
            select(Trajectory.client_id, Trajectory.case_number)
            .where(Trajectory.client_id.in_(client_ids))
            .order_by(Trajectory.case_number)
        ):
            cases[client_id].append(case_number)
    return [
        LogRow(e, users.get(e.user_id) if e.user_id else None, cases.get(e.client_id or 0, []))
        for e in entries
    ]


def user_choices() -> list[tuple[str, str]]:
    """Every user, by name (with e-mail address: names are not unique), for the user filter."""
    return [
        (str(u.id), f"{u.name} ({u.email})")
        for u in db.session.scalars(select(User).order_by(User.name, User.email))
    ]
