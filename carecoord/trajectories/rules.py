"""Phases, transitions, the closure rule and the reflection period (seed 002). Pure."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from carecoord.codes import N_, ClosureReason, CriminalCase, Phase

REFLECTION_PERIOD_MONTHS = 3
REFLECTION_WARNING_DAYS = 14
DEFAULT_MONITORING_INTERVAL_DAYS = 28
MONITORING_INTERVAL_RANGE = (7, 182)

# Where each phase may go. Reopening (closed → the phase it left) is its own rule below.
TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    Phase.INTAKE: frozenset({Phase.ASSISTANCE, Phase.CLOSED}),
    Phase.ASSISTANCE: frozenset({Phase.CLOSED}),
    Phase.CLOSED: frozenset(),
}
# A criminal-law trajectory is over with these outcomes, unless an appeal is pending.
CRIMINAL_CASE_OVER = frozenset(
    {CriminalCase.NONE, CriminalCase.DISMISSED, CriminalCase.CONVICTION, CriminalCase.ACQUITTAL}
)


class Unmet(StrEnum):
    """A condition that stops a regular closure; its message id says it in plain words."""

    CRIMINAL_CASE_OPEN = "criminal_case_open"
    RESIDENCE_STEPS_UNKNOWN = "residence_steps_unknown"
    RIGHTS_TO_SERVICES_UNKNOWN = "rights_to_services_unknown"
    HELP_AGENCY_UNKNOWN = "help_agency_unknown"

    @property
    def message(self) -> str:
        return UNMET_MESSAGES[self]


UNMET_MESSAGES = {
    Unmet.CRIMINAL_CASE_OPEN: N_(
        "There is still a criminal-law trajectory: the criminal case is not over "
        "(or an appeal is pending)."
    ),
    Unmet.RESIDENCE_STEPS_UNKNOWN: N_(
        "It has not been confirmed that the client knows which residence-law steps they want "
        "to take."
    ),
    Unmet.RIGHTS_TO_SERVICES_UNKNOWN: N_(
        "It has not been confirmed that the client knows their rights to services."
    ),
    Unmet.HELP_AGENCY_UNKNOWN: N_(
        "It has not been confirmed that the client knows which agency to turn to for help and care."
    ),
}


class TransitionRefused(ValueError):
    """A phase change the rules do not allow."""


@dataclass(frozen=True)
class ClosureFacts:
    """What the closure rule reads: the legal track and the three knowledge conditions."""

    criminal_case_open: bool = False
    knows_residence_steps: bool = False
    knows_rights_to_services: bool = False
    knows_where_to_get_help: bool = False


def criminal_track_over(case: CriminalCase | None, *, appeal_pending: bool = False) -> bool:
    """ "No (longer a) criminal-law trajectory": none, dismissed, conviction or acquittal."""
    if case is None:
        return True
    return case in CRIMINAL_CASE_OVER and not appeal_pending


def closure_blockers(reason: ClosureReason, facts: ClosureFacts) -> list[Unmet]:
    """Why `reason` cannot close the trajectory now; empty means it can.

    The four dropout reasons close from any open phase; a regular closure needs the criminal
    case over and all three knowledge conditions confirmed.
    """
    if reason is not ClosureReason.COMPLETED:
        return []
    blockers = [Unmet.CRIMINAL_CASE_OPEN] if facts.criminal_case_open else []
    if not facts.knows_residence_steps:
        blockers.append(Unmet.RESIDENCE_STEPS_UNKNOWN)
    if not facts.knows_rights_to_services:
        blockers.append(Unmet.RIGHTS_TO_SERVICES_UNKNOWN)
    if not facts.knows_where_to_get_help:
        blockers.append(Unmet.HELP_AGENCY_UNKNOWN)
    return blockers


def check_transition(current: Phase, target: Phase) -> None:
    """Raise TransitionRefused unless `current` may move to `target`."""
    if target not in TRANSITIONS[current]:
        raise TransitionRefused(f"{current} → {target}")


def reopen_phase(current: Phase, left_from: Phase | None) -> Phase:
    """A closed trajectory reopens in the phase it was closed from."""
    if current is not Phase.CLOSED:
        raise TransitionRefused(f"{current} → reopen")
    return left_from if left_from in (Phase.INTAKE, Phase.ASSISTANCE) else Phase.ASSISTANCE


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (30 Nov + 3 months = 28 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def reflection_period_end(start: date) -> date:
    """The reflection period (bedenktijd) lasts at most three months from its start."""
    return add_months(start, REFLECTION_PERIOD_MONTHS)


def reflection_period_ends_soon(
    start: date | None, today: date, window_days: int = REFLECTION_WARNING_DAYS
) -> bool:
    """True while the period runs and ends within `window_days` (the coordinator is warned)."""
    if start is None:
        return False
    end = reflection_period_end(start)
    return today <= end <= today + timedelta(days=window_days)


def next_review_on(last_review: date, interval_days: int) -> date:
    low, high = MONITORING_INTERVAL_RANGE
    if not low <= interval_days <= high:
        raise ValueError("monitoring interval out of range")
    return last_review + timedelta(days=interval_days)
