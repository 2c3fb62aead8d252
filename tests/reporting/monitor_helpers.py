"""Shared data for the monitor tests: a region with two years of trajectories and a canary."""

from __future__ import annotations

from datetime import date, timedelta

from carecoord.codes import ClosureReason, Phase, StepKind
from carecoord.extensions import db
from carecoord.timeutil import utcnow

CANARY = "Kanarie Zwxq Vogelaar"
CANARY_TEXT = "kanarie-geheim-7731"


def last_year() -> int:
    """The most recent complete year: the monitor's main case, whatever the clock says."""
    return utcnow().date().year - 1


def seed_two_years(
    make_trajectory, *, shown: int = 6, small: int = 3, closed_after_days: int | None = None
) -> int:
    """`shown` notifications in the last ended year, `small` (hidden if 1 to 4) the year before.

    With `closed_after_days`, each trajectory of the last year is closed (completed) that
    many days after its notification. Every client carries the canary in each identifying
    field and a step text, so a page that leaked any decrypted value would show it.
    """
    year = last_year()
    for number in range(shown):
        trajectory = _canary_trajectory(make_trajectory, date(year, 3, 1 + number))
        if closed_after_days is not None:
            trajectory.phase = Phase.CLOSED.value
            trajectory.closed_on = trajectory.notified_on + timedelta(days=closed_after_days)
            trajectory.closure_reason = ClosureReason.COMPLETED.value
    db.session.commit()
    for number in range(small):
        _canary_trajectory(make_trajectory, date(year - 1, 5, 1 + number))
    return year


def _canary_trajectory(make_trajectory, notified_on: date):
    trajectory = make_trajectory(
        name=CANARY,
        notified_on=notified_on,
        phone="+31 6 " + CANARY_TEXT,
        email=f"{CANARY_TEXT}@example.org",
        address=CANARY_TEXT,
        document_number=CANARY_TEXT,
    )
    trajectory.add_step(StepKind.CONTACT_MOMENT, author=None, on=notified_on, text=CANARY_TEXT)
    db.session.commit()
    return trajectory
