"""Printable documents of a client file: the overview and the subject access (AVG art. 15),
each as a print view and as a PDF; producing either is audited as a print."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from carecoord.audit.models import Action, AuditEntry
from carecoord.audit.operations import record
from carecoord.extensions import db
from carecoord.pdf import PdfUnavailable, pdf_available, render_pdf
from carecoord.timeutil import utcnow
from carecoord.trajectories import documents
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.views.blueprint import bp
from carecoord.trajectories.views.file import country_name

Page = str | Response | tuple[str, int]
UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9-]")
SUBJECT_ACCESS = "trajectories/documents/subject_access.html"
OVERVIEW = "trajectories/documents/overview.html"
# Placeholders for the page counters, split out of the translated "page … of …".
PAGE, PAGES = "\x00", "\x01"


@bp.get("/<uuid:public_id>/print")
def overview(public_id: UUID) -> Page:
    """The client overview as a print view."""
    t = documents.trajectory_or_404(current_user, public_id)
    record(current_user, Action.PRINT, t, detail="client_overview.html")
    return _page(OVERVIEW, t, pdf_endpoint=".overview_pdf")


@bp.get("/<uuid:public_id>/print.pdf")
def overview_pdf(public_id: UUID) -> Page:
    """The client overview as a PDF download."""
    t = documents.trajectory_or_404(current_user, public_id)
    return _pdf(OVERVIEW, t, audited_on=t, detail="client_overview.pdf", prefix="overzicht")


@bp.get("/<uuid:public_id>/subject-access")
def subject_access(public_id: UUID) -> Page:
    """Everything held on the client as a print view (inzageverzoek)."""
    t = documents.trajectory_or_404(current_user, public_id)
    # The access list ends with this very request.
    entry = record(current_user, Action.PRINT, t.client, detail="subject_access.html")
    return _page(
        SUBJECT_ACCESS,
        t,
        pdf_endpoint=".subject_access_pdf",
        held=documents.subject_access(current_user, t, entry),
    )


@bp.get("/<uuid:public_id>/subject-access.pdf")
def subject_access_pdf(public_id: UUID) -> Page:
    """Everything held on the client as a PDF download."""
    t = documents.trajectory_or_404(current_user, public_id)
    return _pdf(
        SUBJECT_ACCESS,
        t,
        audited_on=t.client,
        detail="subject_access.pdf",
        prefix="inzage",
        gather=lambda entry: {"held": documents.subject_access(current_user, t, entry)},
    )


def _context(t: Trajectory) -> dict[str, Any]:
    before, _sep, rest = _("Page %(page)s of %(pages)s", page=PAGE, pages=PAGES).partition(PAGE)
    between, _sep, after = rest.partition(PAGES)
    return {
        "t": t,
        "client": t.client,
        "country_name": country_name(t.client.nationality),
        "produced_at": utcnow(),
        "producer": current_user,
        "page_label": {"before": before, "between": between, "after": after},
        "documents": documents,
    }


def _page(template: str, t: Trajectory, *, pdf_endpoint: str, **extra: Any) -> str:
    # Rendered before the commit, which would expire what the page reads.
    html = render_template(
        template,
        as_pdf=False,
        pdf_endpoint=pdf_endpoint if pdf_available() else None,
        **_context(t),
        **extra,
    )
    db.session.commit()
    return html


def _pdf(
    template: str,
    t: Trajectory,
    *,
    audited_on: Any,
    detail: str,
    prefix: str,
    gather: Callable[[AuditEntry], dict[str, Any]] | None = None,
) -> Page:
    if not pdf_available():
        return _pdf_unavailable()
    # Recorded before gathering, so a subject access lists its own production too.
    entry = record(current_user, Action.PRINT, audited_on, detail=detail)
    extra = gather(entry) if gather else {}
    html = render_template(template, as_pdf=True, pdf_endpoint=None, **_context(t), **extra)
    try:
        content = render_pdf(html)
    except PdfUnavailable:
        db.session.rollback()
        return _pdf_unavailable()
    db.session.commit()
    # The case number names the file; the client's name never does.
    filename = f"{prefix}-{UNSAFE_IN_FILENAME.sub('', t.case_number)}.pdf"
    return Response(
        content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _pdf_unavailable() -> tuple[str, int]:
    db.session.rollback()
    title = _("PDF not available")
    text = _(
        "The PDF cannot be made on this server (WeasyPrint is not installed). "
        "Use the print view and your browser's print function instead."
    )
    return render_template("errors/error.html", code=503, title=title, text=text), 503
