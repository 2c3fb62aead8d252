"""Scoped selects for trajectories: every query starts from `scoped(user)`."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import selectinload

from carecoord.accounts.guards import OutOfScope
from carecoord.accounts.models import User
from carecoord.clients.models import Client
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


def latest_per_client(user: User) -> Select[tuple[Trajectory]]:
    """Each client's latest trajectory in `user`'s scope, newest notification first."""
    newest_first = (Trajectory.notified_on.desc(), Trajectory.id.desc())
    ranked = (
        scoped(user)
        .with_only_columns(
            Trajectory.id,
            func.row_number()
            .over(partition_by=Trajectory.client_id, order_by=newest_first)
            .label("rank"),
        )
        .subquery()
    )
    return (
        scoped(user)
        .join(ranked, ranked.c.id == Trajectory.id)
        .where(ranked.c.rank == 1)
        .options(
            selectinload(Trajectory.client).selectinload(Client.municipality),
            selectinload(Trajectory.exploitation),
            selectinload(Trajectory.responsible),
        )
        .order_by(*newest_first)
    )


def other_trajectories(user: User, trajectory: Trajectory) -> list[Trajectory]:
    """The same client's other trajectories in `user`'s scope, newest notification first."""
    return list(
        db.session.scalars(
            scoped(user)
            .where(Trajectory.client_id == trajectory.client_id, Trajectory.id != trajectory.id)
            .order_by(Trajectory.notified_on.desc(), Trajectory.id.desc())
        )
    )
