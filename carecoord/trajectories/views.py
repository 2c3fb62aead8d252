"""The coordinator's pages: her region's clients and the client file."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from carecoord.accounts.guards import blueprint_roles
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import Role
from carecoord.extensions import db
from carecoord.trajectories import queries
from carecoord.trajectories.models import Trajectory

bp = Blueprint("trajectories", __name__, url_prefix="/trajectories")
blueprint_roles(bp, Role.COORDINATOR)


@bp.get("/")
def index():
    trajectories = db.session.scalars(
        queries.scoped(current_user)
        .options(selectinload(Trajectory.client), selectinload(Trajectory.exploitation))
        .order_by(Trajectory.notified_on.desc(), Trajectory.id.desc())
        .limit(200)
    ).all()
    return render_template("trajectories/index.html", trajectories=trajectories)


@bp.get("/<uuid:public_id>")
def detail(public_id: UUID):
    trajectory = queries.trajectory_or_404(current_user, public_id)
    record(current_user, Action.VIEW, trajectory)
    db.session.commit()
    return render_template("trajectories/detail.html", t=trajectory, client=trajectory.client)
