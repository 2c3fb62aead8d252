"""The chain director's anonymised dashboard: suppressed counts of one region, one period."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from carecoord.accounts.guards import OutOfScope, blueprint_roles
from carecoord.accounts.models import REGION_CODE_MAX, Region
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import LABELS, Role
from carecoord.database import reporting_bind_arguments
from carecoord.extensions import db
from carecoord.reporting.aggregates import Period
from carecoord.reporting.charts import Bar, Series, bar_chart
from carecoord.reporting.dashboard_tables import TABLE_KEYS, Row, Table, build
from carecoord.reporting.suppression import SUPPRESSED_MARK, Cell, check_threshold
from carecoord.timeutil import today
from carecoord.web import translate as _

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
blueprint_roles(bp, Role.CHAIN_DIRECTOR, Role.ADMIN)

# What a region code can look like; anything else is recorded as "invalid", never as typed.
REGION_CODE = re.compile(rf"[A-Za-z0-9]{{1,{REGION_CODE_MAX}}}", re.ASCII)
# A CSV cell starting with one of these is read as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class PeriodRefused(ValueError):
    """A period that cannot be shown: malformed, or not yet complete."""


def last_complete_quarter(on: date) -> Period:
    quarter = (on.month - 1) // 3 + 1
    return Period(on.year - 1, 4) if quarter == 1 else Period(on.year, quarter - 1)


def chosen_period(text: str | None, on: date) -> Period:
    """The period of the GET parameter, the last complete quarter when there is none."""
    if not text:
        return last_complete_quarter(on)
    try:
        period = Period.parse(text)
    except ValueError as error:
        raise PeriodRefused(
            _("Choose a period as a year (2026) or a quarter (2026-Q3).")
        ) from error
    # A running period would change from day to day: the difference would show single people.
    if period.end >= on:
        raise PeriodRefused(_("This period is not over yet. Choose a period that has ended."))
    return period


def _region() -> Region:
    """The chain director's own region; for an admin the region chosen, else her own."""
    code = (request.args.get("region") or "").strip()
    own = current_user.region
    if not code or code == own.code:
        return own
    shown = code if REGION_CODE.fullmatch(code) else "invalid"
    if Role(current_user.role) is not Role.ADMIN:
        raise OutOfScope("region", shown)
    region = db.session.scalar(
        select(Region).where(Region.code == code), bind_arguments=reporting_bind_arguments()
    )
    if region is None:
        raise OutOfScope("region", shown)
    return region


def _threshold() -> int:
    """The configured threshold; below the minimum the page is not served (a 500)."""
    return check_threshold(current_app.config["SUPPRESSION_THRESHOLD"])


def _audit(region: Region, detail: str) -> None:
    record(current_user, Action.VIEW, object_type="dashboard", object_id=region.code, detail=detail)
    db.session.commit()


def _refused(region: Region, message: str) -> tuple[str, int]:
    return render_template(
        "dashboard/refused.html", region=region, message=message, **_choices(region)
    ), 422


def _choices(region: Region) -> dict:
    is_admin = Role(current_user.role) is Role.ADMIN
    regions = []
    if is_admin:
        query = select(Region).order_by(Region.name)
        regions = list(db.session.scalars(query, bind_arguments=reporting_bind_arguments()))
    return {"regions": regions, "is_admin": is_admin, "region_arg": _region_arg(region)}


def _region_arg(region: Region) -> dict[str, str]:
    return {"region": region.code} if Role(current_user.role) is Role.ADMIN else {}


def _row_label(row: Row) -> str:
    if row.name:
        return row.name
    if row.message:
        return _(row.message)
    for cls, labels in LABELS.items():
        if (row.kind is None or cls.__name__ == row.kind) and row.code in labels:
            return _(labels[row.code])
    return row.code


def _chart(table: Table) -> Markup:
    labels = [_row_label(row) for row in table.rows]
    series = [
        Series(_(header), [_bar(table.cells[row.code][key]) for row in table.rows])
        for key, header in table.columns
    ]
    description = _(
        "Bar chart of the table beside it; hidden counts are marked %(mark)s.", mark=SUPPRESSED_MARK
    )
    return bar_chart(f"chart-{table.key}", _(table.title), description, labels, series)


def _bar(cell: Cell) -> Bar:
    return Bar(cell.value, cell.display)


@bp.get("/")
def index():
    region = _region()
    try:
        period = chosen_period(request.args.get("period"), today())
    except PeriodRefused as refused:
        return _refused(region, str(refused))
    tables = build(region, period, _threshold())
    # Rendered before the audit's commit, which would expire the loaded user and region.
    page = render_template(
        "dashboard/index.html",
        region=region,
        period=period,
        tables=tables,
        charts={t.key: _chart(t) for t in tables},
        threshold=_threshold(),
        mark=SUPPRESSED_MARK,
        **_choices(region),
    )
    _audit(region, "dashboard")
    return page


@bp.get("/<name>.csv")
def table_csv(name: str):
    if name not in TABLE_KEYS:
        raise NotFound
    region = _region()
    try:
        period = chosen_period(request.args.get("period"), today())
    except PeriodRefused as refused:
        return _refused(region, str(refused))
    (table,) = build(region, period, _threshold(), only=name)
    _audit(region, name)
    response = Response(_csv(table), mimetype="text/csv")
    filename = f"carecoord-{region.code}-{period}-{name}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_safe(_(table.row_header)), *(_safe(_(h)) for _k, h in table.columns)])
    for row in table.rows:
        cells = table.cells[row.code]
        writer.writerow(
            [_safe(_row_label(row)), *(cells[key].display for key, _h in table.columns)]
        )
    if table.totals is not None:
        writer.writerow([_("Total"), *(table.totals[key].display for key, _h in table.columns)])
    return out.getvalue()


def _safe(text: str) -> str:
    """A cell a spreadsheet shows as text (municipality names are typed by an administrator)."""
    return "'" + text if text.startswith(FORMULA_START) else text
