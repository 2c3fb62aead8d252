"""The client file."""

from __future__ import annotations

from uuid import UUID

from flask import render_template
from flask_babel import get_locale
from flask_login import current_user

from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.extensions import db
from carecoord.trajectories import queries
from carecoord.trajectories.views.blueprint import bp
from carecoord.trajectories.views.steps import file_context


@bp.get("/<uuid:public_id>")
def detail(public_id: UUID) -> str:
    trajectory = queries.trajectory_or_404(current_user, public_id)
    others = queries.other_trajectories(current_user, trajectory)
    record(current_user, Action.VIEW, trajectory)
    html = render_template(
        "trajectories/detail.html",
        t=trajectory,
        client=trajectory.client,
        others=others,
        country_name=country_name(trajectory.client.nationality),
        **file_context(trajectory),
    )
    db.session.commit()
    return html


def country_name(code: object) -> str | None:
    """The country of an ISO 3166 code in the current locale; None when unknown or unreadable."""
    if not isinstance(code, str):
        return None
    locale = get_locale()
    return locale.territories.get(code.upper()) if locale else None
