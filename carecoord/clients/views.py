"""Registering a presumed victim: the notification, identity and coded facts."""

from __future__ import annotations

from flask import Blueprint

from carecoord.accounts.guards import blueprint_roles
from carecoord.codes import Role

bp = Blueprint("clients", __name__, url_prefix="/clients")
blueprint_roles(bp, Role.COORDINATOR)


@bp.get("/new")
def register():
    return "", 204
