"""The coordinator's CoMensha exports: her region's batches, a new batch, downloads."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from uuid import UUID

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from carecoord.accounts.guards import OutOfScope, blueprint_roles
from carecoord.audit.models import Action, Outcome
from carecoord.audit.operations import record
from carecoord.codes import Role
from carecoord.extensions import db
from carecoord.reporting.aggregates import Period
from carecoord.reporting.export_forms import ExportForm
from carecoord.reporting.exports import (
    REPLACED,
    UNCHANGED,
    ExportRefused,
    discard,
    export_dir,
    run_export,
)
from carecoord.reporting.queries import batch_in_region, region_batches
from carecoord.timeutil import AMSTERDAM, utcnow

bp = Blueprint("exports", __name__, url_prefix="/exports")
blueprint_roles(bp, Role.COORDINATOR)
YEARS_BACK = 3
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def past_periods(today: date) -> list[str]:
    """The quarters and years of the last few years that are over, newest first."""
    labels = []
    for year in range(today.year, today.year - YEARS_BACK, -1):
        labels += [f"{year}-Q{quarter}" for quarter in (4, 3, 2, 1)]
        labels.append(str(year))
    return [label for label in labels if Period.parse(label).end < today]


def _form() -> ExportForm:
    form = ExportForm()
    form.period.choices = [(label, label) for label in past_periods(_today())]
    return form


def _today() -> date:
    return utcnow().astimezone(AMSTERDAM).date()


def _render(form: ExportForm, refused: ExportRefused | None = None) -> str:
    return render_template(
        "exports/index.html",
        form=form,
        batches=region_batches(current_user),
        refused=refused,
    )


@bp.get("/")
def index():
    return _render(_form())


@bp.post("/")
def create():
    form = _form()
    if not form.validate():
        return _render(form), 422
    label = form.period.data
    region = current_user.region
    try:
        result = run_export(
            region,
            Period.parse(label),
            out_dir=export_dir(region),
            actor=current_user,
            now=utcnow(),
            replace=form.replace.data,
        )
    except ExportRefused as refused:
        db.session.rollback()
        return _render(form, refused), 409
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        discard(result.written)
        raise
    messages = {
        UNCHANGED: _("Nothing changed since the existing export of %(period)s.", period=label),
        REPLACED: _("The export of %(period)s was replaced.", period=label),
    }
    default = _("The export of %(period)s was made.", period=label)
    flash(messages.get(result.outcome, default), "success")
    return redirect(url_for(".index"))


@bp.get("/<uuid:public_id>/<any(csv, json):kind>")
def download(public_id: UUID, kind: str):
    batch = batch_in_region(current_user, public_id)
    if batch is None:
        raise OutOfScope("export_batches", public_id)
    name, expected = (
        (batch.csv_name, batch.csv_sha256)
        if kind == "csv"
        else (batch.json_name, batch.json_sha256)
    )
    data = _read(export_dir(batch.region) / name)
    if data is None or hashlib.sha256(data).hexdigest() != expected:
        # Missing or not the recorded file: never hand out something the batch does not vouch for.
        record(
            current_user, Action.EXPORT, batch, outcome=Outcome.FAILED, detail="download.mismatch"
        )
        db.session.commit()
        flash(
            _("The file of this export is missing or was changed. Make the export again."), "error"
        )
        return redirect(url_for(".index"))
    record(current_user, Action.EXPORT, batch, detail="download")
    db.session.commit()
    return Response(
        data,
        mimetype=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
