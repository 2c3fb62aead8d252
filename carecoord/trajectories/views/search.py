"""Searching a client of the region: the term arrives by POST and never leaves the page."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.extensions import db
from carecoord.trajectories.forms.search import SearchForm
from carecoord.trajectories.search import Criteria, criteria_from_term, find
from carecoord.trajectories.views.blueprint import bp

TEMPLATE = "trajectories/search.html"


@bp.route("/search", methods=["GET", "POST"])
def search() -> tuple[str, int] | str:
    if request.method == "GET":
        # A GET never searches: a term in a query string would end up in logs and history.
        return render_template(TEMPLATE, form=SearchForm(formdata=None), result=None)
    form = _submitted()
    if not form.validate():
        return render_template(TEMPLATE, form=form, result=None), 422
    criteria = Criteria(
        name=form.name.data or None,
        date_of_birth=form.date_of_birth.data,
        case_number=form.case_number.data or None,
    )
    result = find(current_user, criteria)
    record(current_user, Action.SEARCH, object_type="clients", detail=criteria.audit_code)
    # Rendered straight from the POST: a redirect would have to carry the term in its URL.
    html = render_template(TEMPLATE, form=form, result=result)
    db.session.commit()
    return html


def _submitted() -> SearchForm:
    """The search form as posted, or filled from the one term of the header's search box."""
    if "term" not in request.form:
        return SearchForm()
    criteria = criteria_from_term(request.form["term"])
    fields = {
        "name": criteria.name or "",
        "date_of_birth": criteria.date_of_birth.isoformat() if criteria.date_of_birth else "",
        "case_number": criteria.case_number or "",
    }
    # The request's CSRF token was checked for every POST before the view ran.
    return SearchForm(formdata=MultiDict(fields), meta={"csrf": False})
