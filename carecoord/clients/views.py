"""Registering a presumed victim: the notification, identity and coded facts."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from carecoord.accounts.guards import blueprint_roles
from carecoord.clients import operations
from carecoord.clients.forms import RegistrationForm
from carecoord.clients.models import Client
from carecoord.clients.queries import scoped_clients
from carecoord.codes import ExploitationForm, Gender, ReferrerType, Role
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory

bp = Blueprint("clients", __name__, url_prefix="/clients")
blueprint_roles(bp, Role.COORDINATOR)

TEMPLATE = "clients/register.html"


@bp.route("/new", methods=["GET", "POST"])
def register():
    municipalities = {m.id: m for m in current_user.region.municipalities if m.active}
    form = RegistrationForm(municipalities=[(m.id, m.name) for m in municipalities.values()])
    if request.method == "GET":
        return render_template(TEMPLATE, form=form)
    if (done := _registered_with(form.token)) is not None:
        return _to_file(done)
    if not form.validate():
        return render_template(TEMPLATE, form=form), 422
    identity = operations.Identity(**form.identity_values())
    matches = operations.probable_duplicates(current_user, identity.name, identity.date_of_birth)
    if matches and not form.confirmed:
        db.session.commit()  # the audit entries of the check and of the matches shown
        return render_template(TEMPLATE, form=form, matches=matches)
    try:
        trajectory = operations.register_client(
            current_user,
            identity,
            operations.Notification(
                notified_on=form.notified_on.data,
                referrer_type=ReferrerType(form.referrer_type.data),
                forms_of_exploitation=tuple(map(ExploitationForm, form.forms_of_exploitation.data)),
            ),
            gender=Gender(form.gender.data),
            municipality=municipalities.get(form.municipality_id),
            registration_token=form.token,
            duplicate_confirmed=bool(matches),
        )
        db.session.commit()
    except IntegrityError:
        # The same form sent twice at the same moment: the first one's file is the answer.
        db.session.rollback()
        if (done := _registered_with(form.token)) is None:
            raise
        return _to_file(done)
    return _to_file(trajectory)


def _registered_with(token: UUID | None) -> Trajectory | None:
    """The first trajectory of the client registered with this form, if it was already sent."""
    if token is None:
        return None
    client = db.session.scalar(
        scoped_clients(current_user).where(Client.registration_token == token)
    )
    if client is None or not client.trajectories:
        return None
    return client.trajectories[-1]


def _to_file(trajectory: Trajectory):
    return redirect(url_for("trajectories.detail", public_id=trajectory.public_id))
