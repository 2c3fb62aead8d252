"""The trajectories blueprint: coordinators only, every page scoped to her region."""

from flask import Blueprint

from carecoord.accounts.guards import blueprint_roles
from carecoord.codes import Role

bp = Blueprint("trajectories", __name__, url_prefix="/trajectories")
blueprint_roles(bp, Role.COORDINATOR)
