"""Closing a trajectory (with its knowledge conditions), reopening it, and a new trajectory."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from carecoord.handovers.operations import HandoverChangeRefused
from carecoord.trajectories import queries
from carecoord.trajectories.forms.closure import (
    CloseForm,
    ConditionsForm,
    NewTrajectoryForm,
    ReopenForm,
)
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.operations.closure import (
    KNOWLEDGE_CONDITIONS,
    ClosureRefused,
    ConditionsRefused,
    NewTrajectoryRefused,
    ReopenRefused,
    close_trajectory,
    confirm_closure_conditions,
    has_other_open_trajectory,
    new_trajectory_id,
    reopen_trajectory,
    start_new_trajectory,
)
from carecoord.trajectories.rules import TransitionRefused
from carecoord.trajectories.views.blueprint import bp
from carecoord.trajectories.views.steps import Page, file_url, save, show

CLOSE_TEMPLATE = "trajectories/close.html"
REOPEN_TEMPLATE = "trajectories/reopen.html"
NEW_TEMPLATE = "trajectories/new_trajectory.html"


def confirmed_conditions(t: Trajectory) -> dict[str, Any]:
    return {code: getattr(t, column) for code, column in KNOWLEDGE_CONDITIONS.items()}


def conditions_form(t: Trajectory, **kwargs: Any) -> ConditionsForm:
    current = confirmed_conditions(t)
    return ConditionsForm(earliest=t.notified_on, confirmed=current, **kwargs)


def fresh_close_forms(t: Trajectory) -> dict[str, Any]:
    """The close page's two forms as they are first shown."""
    conditions = conditions_form(t, formdata=None, data=confirmed_conditions(t))
    return {
        "close_form": CloseForm(formdata=None, earliest=t.notified_on).prepare(t.version),
        "conditions_form": conditions.prepare(t.version),
    }


@bp.route("/<uuid:public_id>/close", methods=["GET", "POST"])
def close(public_id: UUID) -> Page:
    """Close for one of the five reasons; a regular closure is refused while a rule is unmet."""
    t = queries.trajectory_or_404(current_user, public_id)
    forms = fresh_close_forms(t)
    if request.method == "GET":
        return show(CLOSE_TEMPLATE, t, page="close_form", **forms)
    form = forms["close_form"] = CloseForm(earliest=t.notified_on)
    if not form.validate():
        return show(CLOSE_TEMPLATE, t, page="close_form", status=422, **forms)
    return save(
        t,
        form,
        lambda: close_trajectory(
            t,
            form.reason_code,
            actor=current_user,
            on=form.closed_on.data,
            note=form.note.data,
            withdraw_handovers=form.withdraw_handovers.data,
        ),
        audit_as="close",
        done=_("The trajectory was closed."),
        template=CLOSE_TEMPLATE,
        success_url=file_url(t),
        refusals=(ClosureRefused, TransitionRefused, HandoverChangeRefused),
        **forms,
    )


@bp.post("/<uuid:public_id>/conditions")
def conditions(public_id: UUID) -> Page:
    """Confirm the knowledge conditions of a regular closure, each with its date."""
    t = queries.trajectory_or_404(current_user, public_id)
    forms = fresh_close_forms(t)
    form = forms["conditions_form"] = conditions_form(t)
    if not form.validate():
        return show(CLOSE_TEMPLATE, t, page="close_form", status=422, **forms)
    return save(
        t,
        form,
        lambda: confirm_closure_conditions(t, form.values(), actor=current_user),
        audit_as="closure_conditions",
        done=_("The conditions were saved."),
        template=CLOSE_TEMPLATE,
        success_url=url_for(".close", public_id=t.public_id),
        refusals=(ConditionsRefused,),
        **forms,
    )


@bp.route("/<uuid:public_id>/reopen", methods=["GET", "POST"])
def reopen(public_id: UUID) -> Page:
    """Reopen a closed trajectory with a reason, in the phase it was closed from."""
    t = queries.trajectory_or_404(current_user, public_id)
    context = {"other_open": has_other_open_trajectory(t)}
    if request.method == "GET":
        form = ReopenForm(formdata=None, earliest=t.closed_on).prepare(t.version)
        return show(REOPEN_TEMPLATE, t, page="reopen_form", form=form, **context)
    form = ReopenForm(earliest=t.closed_on)
    if not form.validate():
        return show(REOPEN_TEMPLATE, t, page="reopen_form", status=422, form=form, **context)
    return save(
        t,
        form,
        lambda: reopen_trajectory(
            t, actor=current_user, on=form.reopened_on.data, reason=form.reason.data
        ),
        audit_as="reopen",
        done=_("The trajectory was reopened."),
        template=REOPEN_TEMPLATE,
        success_url=file_url(t),
        refusals=(ReopenRefused, TransitionRefused),
        **context,
    )


def latest_closure(t: Trajectory) -> Any:
    """The last closure date among the client's trajectories: a new one starts after it."""
    return max(
        (other.closed_on for other in t.client.trajectories if other.closed_on), default=None
    )


@bp.route("/<uuid:public_id>/new-trajectory", methods=["GET", "POST"])
def new_trajectory(public_id: UUID) -> Page:
    """A new trajectory for the known client of this file, when all theirs are closed."""
    t = queries.trajectory_or_404(current_user, public_id)
    earliest = latest_closure(t)
    context = {"other_open": t.is_open or has_other_open_trajectory(t)}
    if request.method == "GET":
        form = NewTrajectoryForm(formdata=None, earliest=earliest).prepare(t.version)
        return show(NEW_TEMPLATE, t, page="new_trajectory_form", form=form, **context)
    form = NewTrajectoryForm(earliest=earliest)
    if not form.validate():
        return show(NEW_TEMPLATE, t, page="new_trajectory_form", status=422, form=form, **context)
    new_id = new_trajectory_id(form.token)
    return save(
        t,
        form,
        lambda: start_new_trajectory(
            t,
            actor=current_user,
            notified_on=form.notified_on.data,
            referrer_type=form.referrer,
            forms_of_exploitation=form.exploitation,
            public_id=new_id,
        ),
        audit_as="new_trajectory",
        done=_("A new trajectory was started."),
        template=NEW_TEMPLATE,
        success_url=url_for(".detail", public_id=new_id),
        refusals=(NewTrajectoryRefused,),
        **context,
    )
