"""The yearly regional trafficking monitor: a printable page and its PDF, for one region."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from carecoord.accounts.guards import OutOfScope, blueprint_roles
from carecoord.accounts.models import Region
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import Role
from carecoord.database import reporting_bind_arguments
from carecoord.extensions import db
from carecoord.pdf import PdfUnavailable, pdf_available, render_pdf
from carecoord.reporting import monitor
from carecoord.reporting.suppression import check_threshold
from carecoord.timeutil import today

bp = Blueprint("monitor", __name__, url_prefix="/monitor")
blueprint_roles(bp, Role.CHAIN_DIRECTOR, Role.ADMIN)

REGION_CODE = re.compile(r"^[A-Za-z0-9]{1,4}$")
# Years offered in the chooser (ended years only); an older one can be opened by its address.
YEARS_OFFERED = 10


@bp.get("/")
def index() -> Response | str:
    """Choose a year (and, for an admin, a region); a chosen year redirects to its page."""
    region = _region()
    chosen = request.args.get("year", "")
    if chosen:
        if not chosen.isdigit() or len(chosen) > 4:
            raise NotFound
        return redirect(url_for(".report", year=int(chosen), **_region_arg(region)))
    return render_template("monitor/index.html", **_choices(region))


@bp.get("/<int:year>")
def report(year: int) -> str | tuple[str, int]:
    region = _region()
    try:
        figures = _figures(region, year)
    except monitor.YearRefused:
        return _refused(region, year)
    record(current_user, Action.VIEW, object_type="monitor", object_id=_object_id(region, year))
    db.session.commit()
    return render_template(
        "monitor/page.html",
        report=figures,
        region_arg=_region_arg(region),
        pdf_available=pdf_available(),
        next_published=year + 1 < today().year,
    )


@bp.get("/<int:year>.pdf")
def pdf(year: int) -> Response | tuple[str, int]:
    region = _region()
    try:
        figures = _figures(region, year)
    except monitor.YearRefused:
        return _refused(region, year)
    html = render_template("monitor/document.html", report=figures)
    try:
        content = render_pdf(html, current_app.static_folder or "")
    except PdfUnavailable:
        return _pdf_unavailable()
    record(current_user, Action.PRINT, object_type="monitor", object_id=_object_id(region, year))
    db.session.commit()
    filename = f"mensenhandelmonitor-{region.code}-{year}.pdf"
    return Response(
        content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _figures(region: Region, year: int) -> monitor.MonitorReport:
    """The report of a year that has ended; a year that is no valid period is 404."""
    threshold = check_threshold(current_app.config["SUPPRESSION_THRESHOLD"])
    try:
        monitor.period_of(year)
    except ValueError as error:
        raise NotFound from error
    return monitor.build_report(region, year, today=today(), threshold=threshold)


def _refused(region: Region, year: int) -> tuple[str, int]:
    """A year not over yet: its figures would change from day to day (as on the dashboard)."""
    return render_template("monitor/index.html", refused_year=year, **_choices(region)), 422


def _choices(region: Region) -> dict:
    this_year = today().year
    return {
        "region": region,
        "regions": _all_regions() if _is_admin() else [],
        "region_arg": _region_arg(region),
        "years": list(range(this_year - 1, this_year - 1 - YEARS_OFFERED, -1)),
    }


def _region() -> Region:
    """The user's own region; an admin may name any region by its code (`?region=GV`)."""
    code = request.args.get("region", "").strip()
    own: Region = current_user.region
    if not code or code.upper() == own.code.upper():
        return own
    if not REGION_CODE.match(code):
        raise OutOfScope("region", "invalid")
    if not _is_admin():
        raise OutOfScope("region", code.upper())
    region = db.session.scalar(
        select(Region).where(Region.code == code.upper()),
        bind_arguments=reporting_bind_arguments(),
    )
    if region is None:
        raise OutOfScope("region", code.upper())
    return region


def _region_arg(region: Region) -> dict[str, str]:
    """The `region` query argument an admin's links carry; a chain director needs none."""
    return {"region": region.code} if _is_admin() else {}


def _is_admin() -> bool:
    return current_user.role == Role.ADMIN.value


def _all_regions() -> list[Region]:
    query = select(Region).order_by(Region.name)
    return list(db.session.scalars(query, bind_arguments=reporting_bind_arguments()))


def _object_id(region: Region, year: int) -> str:
    return f"{region.code}-{year}"


def _pdf_unavailable() -> tuple[str, int]:
    title = _("PDF not available")
    text = _(
        "The PDF cannot be made on this server (WeasyPrint is not installed). "
        "Use the print view and your browser's print function instead."
    )
    return render_template("errors/error.html", code=503, title=title, text=text), 503
