"""The caseload: the coordinator's home page, her region's trajectories by what needs attention."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import ExploitationForm, Phase
from carecoord.extensions import db
from carecoord.timeutil import today
from carecoord.trajectories import caseload
from carecoord.trajectories.forms.caseload import CaseloadFilterForm
from carecoord.trajectories.views.blueprint import bp


@bp.get("/")
def index() -> tuple[str, int] | str:
    form = CaseloadFilterForm(request.args)
    if not form.validate():
        return render_template("trajectories/index.html", form=form, page=None), 422
    on = today()
    page = db.paginate(
        caseload.caseload(current_user, _filters(form), on),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=current_app.config["PAGE_SIZE"],
        count=True,
    )
    rows = caseload.rows(current_user, page.items, on)
    # The page shows names: one entry per page served, never one per name.
    record(current_user, Action.VIEW, object_type="trajectories", detail="caseload")
    # Rendered before the commit, which would expire and reload every row; an audit entry
    # that cannot be written still fails the request before anything is sent.
    html = render_template(
        "trajectories/index.html",
        form=form,
        page=page,
        rows=rows,
        today=on,
        filter_args=form.query_args(),
        waiting_days=caseload.HANDOVER_WAITING_DAYS,
    )
    db.session.commit()
    return html


def _filters(form: CaseloadFilterForm) -> caseload.CaseloadFilter:
    return caseload.CaseloadFilter(
        phase=Phase(form.phase.data) if form.phase.data else None,
        exploitation=ExploitationForm(form.exploitation.data) if form.exploitation.data else None,
        review_overdue=form.overdue.data,
        reflection_ending=form.reflection.data,
        handover_waiting=form.waiting.data,
        mine=form.mine.data,
        include_closed=form.closed.data,
    )
