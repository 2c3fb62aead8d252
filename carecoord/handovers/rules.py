"""The handover state machine and the consent rule for sharing (DOMAIN.md). Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from carecoord.codes import HandoverStatus

S = HandoverStatus
# proposed → sent → accepted | declined; accepted → started → completed; open → withdrawn.
TRANSITIONS: dict[HandoverStatus, frozenset[HandoverStatus]] = {
    S.PROPOSED: frozenset({S.SENT, S.WITHDRAWN}),
    S.SENT: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.STARTED, S.WITHDRAWN}),
    S.STARTED: frozenset({S.COMPLETED, S.WITHDRAWN}),
    S.DECLINED: frozenset(),
    S.COMPLETED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
OPEN = frozenset({S.PROPOSED, S.SENT, S.ACCEPTED, S.STARTED})
# Sending shares client data with the provider: it needs the client's consent.
SHARING = frozenset({S.SENT})


class HandoverRefused(ValueError):
    """A change the rules do not allow; `reason` is a code: transition_not_allowed, no_consent,
    date_before_previous, date_in_future or open_handover_exists."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ConsentState:
    """Consent for one provider: given on a date, and withdrawn on a date or not."""

    given_on: date | None = None
    withdrawn_on: date | None = None

    def valid_on(self, on: date) -> bool:
        if self.given_on is None or self.given_on > on:
            return False
        return self.withdrawn_on is None or self.withdrawn_on > on


def is_open(status: HandoverStatus) -> bool:
    return status in OPEN


def next_statuses(current: HandoverStatus) -> list[HandoverStatus]:
    """The statuses `current` may move to, in the order of the process (withdrawn last)."""
    return [status for status in HandoverStatus if status in TRANSITIONS[current]]


def check_handover_transition(
    current: HandoverStatus, target: HandoverStatus, *, consent: ConsentState, on: date
) -> None:
    """Raise HandoverRefused unless `current` may become `target` on `on`."""
    if target not in TRANSITIONS[current]:
        raise HandoverRefused("transition_not_allowed")
    if target in SHARING and not consent.valid_on(on):
        raise HandoverRefused("no_consent")


def check_status_date(on: date, *, previous: date | None, today: date) -> None:
    """Raise HandoverRefused unless `on` lies between the previous status date and today."""
    if on > today:
        raise HandoverRefused("date_in_future")
    if previous is not None and on < previous:
        raise HandoverRefused("date_before_previous")


def check_new_handover(existing: Iterable[HandoverStatus]) -> None:
    """A help question has at most one open handover: refuse a new one while one is open."""
    if any(is_open(status) for status in existing):
        raise HandoverRefused("open_handover_exists")
