"""The access log for the administrator: who did what and when, and who accessed a given file."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from carecoord.accounts.guards import blueprint_roles
from carecoord.audit import queries
from carecoord.audit.forms import AuditFilterForm
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import Role
from carecoord.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
blueprint_roles(bp, Role.ADMIN)
TEMPLATE = "audit/log.html"


@bp.get("/")
def log() -> tuple[str, int] | str:
    form = AuditFilterForm(request.args, user_choices=queries.user_choices())
    if not form.validate():
        return render_template(TEMPLATE, form=form, page=None, section="audit"), 422
    client_id = None
    if form.case_number.data:
        client_id = queries.client_of_case(form.case_number.data)
        if client_id is None:
            form.case_number.errors.append(_("No trajectory has this case number."))
            return render_template(TEMPLATE, form=form, page=None, section="audit"), 422
    log_filter = queries.LogFilter(
        user_id=int(form.user.data) if form.user.data else None,
        client_id=client_id,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        action=form.action.data or None,
        outcome=form.outcome.data or None,
    )
    page = db.paginate(
        queries.log_entries(log_filter),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=current_app.config["PAGE_SIZE"],
        count=True,
    )
    # Reading the log is itself an access: one entry per page, naming which filters were used
    # (never their values).
    used = [name.replace("case_number", "client") for name in form.used()]
    record(
        current_user,
        Action.VIEW,
        object_type="audit_log",
        detail="filter:" + (".".join(used) or "none"),
    )
    # Rendered before the commit, which would expire every row; an entry that cannot be
    # written still fails the request before anything is sent.
    html = render_template(
        TEMPLATE,
        form=form,
        page=page,
        rows=queries.rows(page.items),
        file_view=client_id is not None,
        filter_args=form.query_args(),
        section="audit",
    )
    db.session.commit()
    return html
