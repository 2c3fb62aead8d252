"""Logging steps, monitoring, the responsible coordinator, and the file's status and timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from carecoord.accounts.models import User
from carecoord.audit.models import Action, Outcome
from carecoord.audit.operations import record
from carecoord.codes import Role, StepKind
from carecoord.extensions import db
from carecoord.handovers.queries import open_handovers
from carecoord.providers.queries import active_providers
from carecoord.timeutil import today
from carecoord.trajectories import queries, rules
from carecoord.trajectories.changes import save_change
from carecoord.trajectories.forms.steps import (
    CareMeetingForm,
    MonitoringForm,
    ResponsibleForm,
    StepForm,
)
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.operations.closure import has_other_open_trajectory
from carecoord.trajectories.operations.steps import (
    MonitoringRefused,
    StepRefused,
    TransferRefused,
    last_monitoring_on,
    log_step,
    set_monitoring,
    transfer_responsible,
)
from carecoord.trajectories.views.blueprint import bp

Page = str | Response | tuple[str, int]
STEP_TEMPLATE = "trajectories/step.html"
MONITORING_TEMPLATE = "trajectories/monitoring.html"
RESPONSIBLE_TEMPLATE = "trajectories/responsible.html"


def show(template: str, t: Trajectory, *, page: str, status: int = 200, **context: Any) -> Page:
    """Render a page of `t`'s file; showing it is audited as a view of the file."""
    record(current_user, Action.VIEW, t, detail=page)
    # Rendered before the commit, which would expire what the page reads.
    html = render_template(template, t=t, **context)
    db.session.commit()
    return html, status


def save(
    t: Trajectory, form: Any, change: Callable[[], Any], *, audit_as: str, done: str, **kwargs: Any
) -> Page:
    """`save_change` with the refused or conflicting attempt audited, and a notice on success."""
    response = save_change(t, form, change, **kwargs)
    if isinstance(response, tuple):  # 409: nothing was stored; the attempt is on record
        record(current_user, Action.UPDATE, t, outcome=Outcome.DENIED, detail=f"{audit_as}.refused")
        db.session.commit()
    else:
        flash(done, "success")
    return response


def file_url(t: Trajectory) -> str:
    return url_for("trajectories.detail", public_id=t.public_id)


def file_context(t: Trajectory) -> dict[str, Any]:
    """What the status and timeline sections of the client file need beyond `t`.

    The timeline filter is a step kind from the query string (`?kind=care_meeting`): a
    code, not sensitive; an unknown kind shows every step.
    """
    asked = request.args.get("kind", "")
    kind = asked if asked in {k.value for k in StepKind} else None
    on = today()
    return {
        "today": on,
        "timeline_kind": kind,
        "timeline_steps": [s for s in t.steps if kind is None or s.kind == kind],
        "timeline_kinds": sorted({s.kind for s in t.steps} | ({kind} if kind else set())),
        "review_overdue": t.is_open and t.next_review_on is not None and t.next_review_on < on,
        "reflection_ends_soon": t.is_open
        and rules.reflection_period_ends_soon(t.reflection_started_on, on),
        "pending_handovers": open_handovers(t),
        "other_open": has_other_open_trajectory(t),
    }


def step_form(kind: StepKind, t: Trajectory, **kwargs: Any) -> StepForm | CareMeetingForm:
    form_class = CareMeetingForm if kind is StepKind.CARE_MEETING else StepForm
    return form_class(earliest=t.notified_on, **kwargs)


@bp.route(
    "/<uuid:public_id>/steps/<any(contact_moment, care_meeting):kind>", methods=["GET", "POST"]
)
def log(public_id: UUID, kind: str) -> Page:
    """Log a contact moment or a care meeting."""
    t = queries.trajectory_or_404(current_user, public_id)
    code = StepKind(kind)
    context = {
        "kind": code,
        "providers": [p.name for p in active_providers(t.region_id)]
        if code is StepKind.CARE_MEETING
        else [],
    }
    if request.method == "GET":
        form = step_form(code, t, formdata=None).prepare(t.version)
        return show(STEP_TEMPLATE, t, page=f"step_form:{kind}", form=form, **context)
    form = step_form(code, t)
    if not form.validate():
        return show(STEP_TEMPLATE, t, page=f"step_form:{kind}", status=422, form=form, **context)
    participants = form.participants.data if code is StepKind.CARE_MEETING else None
    return save(
        t,
        form,
        lambda: log_step(
            t,
            code,
            actor=current_user,
            on=form.occurred_on.data,
            text=form.text.data,
            participants=participants,
        ),
        audit_as=kind,
        done=_("The step was added to the timeline."),
        template=STEP_TEMPLATE,
        success_url=file_url(t),
        refusals=(StepRefused,),
        **context,
    )


def monitoring_forms(t: Trajectory) -> dict[str, Any]:
    """Both monitoring forms, fresh: the interval and a monitoring note."""
    settings = MonitoringForm(
        formdata=None,
        data={"interval_days": t.monitoring_interval_days, "next_review_on": t.next_review_on},
    ).prepare(t.version)
    note = StepForm(formdata=None, earliest=t.notified_on).prepare(t.version)
    return {"monitoring_form": settings, "note_form": note, "last_note_on": last_monitoring_on(t)}


@bp.route("/<uuid:public_id>/monitoring", methods=["GET", "POST"])
def monitoring(public_id: UUID) -> Page:
    """The monitoring interval and next review; the interval can be changed here."""
    t = queries.trajectory_or_404(current_user, public_id)
    forms = monitoring_forms(t)
    if request.method == "GET":
        return show(MONITORING_TEMPLATE, t, page="monitoring", **forms)
    form = forms["monitoring_form"] = MonitoringForm()
    if not form.validate():
        return show(MONITORING_TEMPLATE, t, page="monitoring", status=422, **forms)
    return save(
        t,
        form,
        lambda: set_monitoring(
            t,
            actor=current_user,
            interval_days=form.interval_days.data,
            next_review=form.next_review_on.data,
            today=today(),
        ),
        audit_as="monitoring",
        done=_("The monitoring was saved."),
        template=MONITORING_TEMPLATE,
        success_url=url_for(".monitoring", public_id=t.public_id),
        refusals=(MonitoringRefused,),
        **forms,
    )


@bp.post("/<uuid:public_id>/monitoring/note")
def monitoring_note(public_id: UUID) -> Page:
    """Log a monitoring note: the next review moves one interval on."""
    t = queries.trajectory_or_404(current_user, public_id)
    forms = monitoring_forms(t)
    form = forms["note_form"] = StepForm(earliest=t.notified_on)
    if not form.validate():
        return show(MONITORING_TEMPLATE, t, page="monitoring", status=422, **forms)
    return save(
        t,
        form,
        lambda: log_step(
            t,
            StepKind.MONITORING_NOTE,
            actor=current_user,
            on=form.occurred_on.data,
            text=form.text.data,
        ),
        audit_as="monitoring_note",
        done=_("The monitoring note was added; the next review moved on."),
        template=MONITORING_TEMPLATE,
        success_url=file_url(t),
        refusals=(MonitoringRefused, StepRefused),
        **forms,
    )


def region_coordinators(t: Trajectory) -> list[User]:
    """The active coordinators of `t`'s region other than the one responsible now."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.region_id == t.region_id,
                User.role == Role.COORDINATOR.value,
                User.active.is_(True),
                User.id != (t.responsible_id or 0),
            )
            .order_by(User.name, User.id)
        )
    )


@bp.route("/<uuid:public_id>/responsible", methods=["GET", "POST"])
def responsible(public_id: UUID) -> Page:
    """Transfer the trajectory to another coordinator of the region."""
    t = queries.trajectory_or_404(current_user, public_id)
    candidates = {str(user.public_id): user for user in region_coordinators(t)}
    choices = [(key, user.name) for key, user in candidates.items()]
    if request.method == "GET":
        form = ResponsibleForm(formdata=None, coordinators=choices).prepare(t.version)
        return show(RESPONSIBLE_TEMPLATE, t, page="responsible_form", form=form)
    form = ResponsibleForm(coordinators=choices)
    if not form.validate():
        return show(RESPONSIBLE_TEMPLATE, t, page="responsible_form", status=422, form=form)
    chosen = candidates[form.responsible.data]
    return save(
        t,
        form,
        lambda: transfer_responsible(t, chosen, actor=current_user, on=today()),
        audit_as="responsible",
        done=_("The trajectory was transferred."),
        template=RESPONSIBLE_TEMPLATE,
        success_url=file_url(t),
        refusals=(TransferRefused,),
    )
