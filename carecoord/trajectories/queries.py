"""Scoped selects for trajectories: every query starts from `scoped(user)`."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Select, false, select
from sqlalchemy.orm import selectinload

from carecoord.accounts.guards import OutOfScope
from carecoord.accounts.models import User
from carecoord.codes import Role
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory


def scoped(user: User) -> Select[tuple[Trajectory]]:
    """Trajectories `user` may see: a coordinator's own region; nothing for any other role."""
    query = select(Trajectory)
    if user.role != Role.COORDINATOR:
        return query.where(false())
    return query.where(Trajectory.region_id == user.region_id)


def trajectory_or_404(user: User, public_id: UUID) -> Trajectory:
    """The trajectory with this public id in `user`'s scope; otherwise an audited 404."""
    trajectory = db.session.scalar(
        scoped(user)
        .where(Trajectory.public_id == public_id)
        .options(selectinload(Trajectory.steps), selectinload(Trajectory.exploitation))
    )
    if trajectory is None:
        raise OutOfScope("trajectories", public_id)
    return trajectory
