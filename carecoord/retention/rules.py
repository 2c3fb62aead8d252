"""Retention: when a client's identifying data and free text are due for removal. Pure.

A client is due only when every trajectory is closed and the last closure lies more than the
retention period back, counted in calendar years (docs/privacy.md "Retention").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# Seven years after the last closure; the reasoning is in docs/privacy.md.
DEFAULT_YEARS = 7
# Below one year a typo ("0") would purge every closed file; above twenty, the longest
# statutory period for medical records (WGBO), a value is a mistake rather than a policy.
MIN_YEARS = 1
MAX_YEARS = 20


class Kind(StrEnum):
    """Why an encrypted value is removed by the purge."""

    IDENTIFYING = "identifying"
    FREE_TEXT = "free_text"


# Every encrypted attribute that belongs to a client file, as `Model.attribute`, with why it
# goes. A test fails when an encrypted attribute appears that is neither here nor in
# NOT_CLIENT_DATA, so a new field is classified before it can outlive the retention period.
PURGED: Mapping[str, Kind] = {
    "Client.name": Kind.IDENTIFYING,
    "Client.date_of_birth": Kind.IDENTIFYING,
    "Client.nationality": Kind.IDENTIFYING,
    "Client.phone": Kind.IDENTIFYING,
    "Client.email": Kind.IDENTIFYING,
    "Client.address": Kind.IDENTIFYING,
    "Client.bsn": Kind.IDENTIFYING,
    "Client.v_number": Kind.IDENTIFYING,
    "Client.document_number": Kind.IDENTIFYING,
    "Step.text": Kind.FREE_TEXT,
    "Step.participants": Kind.FREE_TEXT,
    "NeedsAssessment.note": Kind.FREE_TEXT,
    "HelpQuestion.text": Kind.FREE_TEXT,
    "Handover.decline_reason": Kind.FREE_TEXT,
}
# Plain (unencrypted) text typed by a user in a client file: not a code, so it goes too.
PURGED_PLAIN: Mapping[str, Kind] = {"ClientInformed.language": Kind.FREE_TEXT}
# Encrypted attributes that are no part of a client file.
NOT_CLIENT_DATA = frozenset({"User.totp_secret"})


@dataclass(frozen=True, slots=True)
class TrajectoryState:
    """What the rule reads of one trajectory: closed or not, and on which date."""

    closed: bool
    closed_on: date | None


def anniversary(on: date, years: int) -> date:
    """The same calendar date `years` later; 29 February becomes 1 March in a common year,
    so a period never ends a day short."""
    try:
        return on.replace(year=on.year + years)
    except ValueError:
        return date(on.year + years, 3, 1)


def due_from(last_closed_on: date, years: int) -> date:
    """The first day the file may be purged: the day after the period's last day.

    Closed 2019-03-01 with 5 years: kept through 2024-03-01, due from 2024-03-02.
    """
    return anniversary(last_closed_on, years) + timedelta(days=1)


def last_closure(trajectories: Iterable[TrajectoryState]) -> date | None:
    """The latest closure when every trajectory is closed with a date; else None (an open or
    reopened trajectory, or no trajectory at all, keeps the whole file)."""
    states = list(trajectories)
    if not states or any(not s.closed or s.closed_on is None for s in states):
        return None
    return max(s.closed_on for s in states if s.closed_on is not None)


def is_due(trajectories: Iterable[TrajectoryState], today: date, years: int) -> bool:
    """Whether the client's identifying data and free text are to be removed on `today`."""
    check_years(years)
    last = last_closure(trajectories)
    return last is not None and due_from(last, years) <= today


def latest_due_closure(today: date, years: int) -> date:
    """The latest last-closure date that is due on `today`: a database pre-selection bound,
    exact by construction (`due_from` is monotone, so step to the boundary)."""
    check_years(years)
    candidate = anniversary(today, -years)
    while due_from(candidate, years) > today:
        candidate -= timedelta(days=1)
    while due_from(candidate + timedelta(days=1), years) <= today:
        candidate += timedelta(days=1)
    return candidate


def check_years(years: int) -> None:
    if isinstance(years, bool) or not isinstance(years, int):
        raise TypeError("the retention period is a whole number of years")
    if not MIN_YEARS <= years <= MAX_YEARS:
        raise ValueError(f"the retention period is {MIN_YEARS} to {MAX_YEARS} years")
