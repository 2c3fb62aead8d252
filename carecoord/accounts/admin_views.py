"""Administration: users, regions and municipalities (functioneel beheerder)."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from carecoord.accounts.guards import blueprint_roles
from carecoord.accounts.models import Municipality, Region, User
from carecoord.codes import Role
from carecoord.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")
blueprint_roles(bp, Role.ADMIN)


@bp.get("/")
def index():
    counts = {
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "regions": db.session.scalar(select(func.count()).select_from(Region)),
        "municipalities": db.session.scalar(select(func.count()).select_from(Municipality)),
    }
    return render_template("admin/index.html", counts=counts)
