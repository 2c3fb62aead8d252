"""The care-provider directory (sociale kaart) of the user's region."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from carecoord.accounts.guards import blueprint_roles
from carecoord.codes import Role
from carecoord.extensions import db
from carecoord.providers.models import CareProvider

bp = Blueprint("providers", __name__, url_prefix="/providers")
blueprint_roles(bp, Role.COORDINATOR, Role.ADMIN, Role.CHAIN_DIRECTOR)


@bp.get("/")
def index():
    providers = db.session.scalars(
        select(CareProvider)
        .where(CareProvider.region_id == current_user.region_id)
        .order_by(CareProvider.name)
    ).all()
    return render_template("providers/index.html", providers=providers)
