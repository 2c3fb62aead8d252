"""The legal-track page, and the reflection-period warning of the client file."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import CriminalCase, PoliceReport, ResidencePermit
from carecoord.extensions import db
from carecoord.timeutil import today
from carecoord.trajectories import queries, rules
from carecoord.trajectories.changes import save_change
from carecoord.trajectories.forms.legal import LegalTrackForm
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.operations import legal as operations
from carecoord.trajectories.views.blueprint import bp

TEMPLATE = "trajectories/legal.html"
STORED = (
    "reflection_started_on",
    "police_report",
    "police_report_on",
    "residence_permit",
    "residence_permit_on",
    "criminal_case",
    "criminal_case_on",
    "appeal_pending",
)


@bp.context_processor
def legal_track_helpers() -> dict[str, Any]:
    """For the client file's legal section: the warning before the reflection period ends."""
    return {"reflection_warning": reflection_warning}


def reflection_warning(t: Trajectory) -> bool:
    """An open trajectory whose reflection period ends within the warning window."""
    return t.is_open and rules.reflection_period_ends_soon(t.reflection_started_on, today())


@bp.get("/<uuid:public_id>/legal")
def legal(public_id: UUID) -> str:
    t = queries.trajectory_or_404(current_user, public_id)
    record(current_user, Action.VIEW, t, detail="legal")
    form = LegalTrackForm(
        formdata=None, data={name: getattr(t, name) for name in STORED}, notified_on=t.notified_on
    )
    html = render_template(TEMPLATE, t=t, form=form.prepare(t.version))
    db.session.commit()
    return html


@bp.post("/<uuid:public_id>/legal")
def legal_save(public_id: UUID) -> Response | tuple[str, int]:
    t = queries.trajectory_or_404(current_user, public_id)
    form = LegalTrackForm(notified_on=t.notified_on)
    if not form.validate():
        return render_template(TEMPLATE, t=t, form=form), 422
    track = operations.LegalTrack(
        reflection_started_on=form.reflection_started_on.data,
        police_report=_code(PoliceReport, form.police_report.data),
        police_report_on=form.police_report_on.data,
        residence_permit=_code(ResidencePermit, form.residence_permit.data),
        residence_permit_on=form.residence_permit_on.data,
        criminal_case=_code(CriminalCase, form.criminal_case.data),
        criminal_case_on=form.criminal_case_on.data,
        appeal_pending=form.appeal_pending.data,
    )
    changed: list[str] = []
    response = save_change(
        t,
        form,
        lambda: changed.extend(
            operations.update_legal_track(t, track, actor=current_user, on=today())
        ),
        template=TEMPLATE,
        success_url=url_for(".legal", public_id=t.public_id),
        refusals=(operations.LegalTrackRefused,),
    )
    if changed and isinstance(response, Response):
        flash(_("The legal track was saved."), "success")
    return response


def _code(cls: type, value: str | None) -> Any:
    return cls(value) if value else None
