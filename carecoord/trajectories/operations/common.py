"""What every change to a trajectory shares: case numbers, the version check, double submits."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from carecoord.accounts.models import Region, User
from carecoord.extensions import db
from carecoord.trajectories.models import FormSubmission, Trajectory


class StaleVersion(Exception):
    """The form was rendered from an older version of the trajectory than the stored one."""


class DuplicateSubmission(Exception):
    """This form was already handled: the same one-time token arrived again."""


def next_case_number(region: Region, year: int) -> str:
    """`<region code>-<year>-<sequence>`, e.g. GV-2026-0007; the unique index catches a race."""
    prefix = f"{region.code}-{year}-"
    # Longest first, then highest: "…-10000" comes after "…-9999", which a text max() gets wrong.
    last = db.session.scalar(
        select(Trajectory.case_number)
        .where(Trajectory.case_number.like(prefix + "%"))
        .order_by(func.length(Trajectory.case_number).desc(), Trajectory.case_number.desc())
        .limit(1)
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def begin_change(t: Trajectory, *, version: int, token: UUID, actor: User) -> None:
    """Claim the form's token and check its version before changing `t`; never commits.

    Raises DuplicateSubmission for a token seen before (checked first: a double click of a
    form that succeeded is not a conflict) and StaleVersion when `t` moved on since the form
    was rendered. The change that follows calls `t.touch()`, so the optimistic lock on
    `t.version` also refuses a save racing this one between the check and the commit.
    """
    if db.session.get(FormSubmission, token) is not None:
        raise DuplicateSubmission
    if t.version != version:
        raise StaleVersion
    try:
        with db.session.begin_nested():
            db.session.add(FormSubmission(token=token, user_id=actor.id, trajectory_id=t.id))
    except IntegrityError:
        raise DuplicateSubmission from None
    t.touch()
