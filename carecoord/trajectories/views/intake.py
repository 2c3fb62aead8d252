"""The intake page: the needs inventory, informing the client, and completing the intake."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import InformationTopic, LifeDomain
from carecoord.extensions import db
from carecoord.trajectories import queries
from carecoord.trajectories.changes import save_change
from carecoord.trajectories.forms.base import ChangeForm
from carecoord.trajectories.forms.intake import (
    CompleteIntakeForm,
    InformedForm,
    NeedsForm,
    note_field,
)
from carecoord.trajectories.intake_rules import intake_blockers
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.operations import intake as operations
from carecoord.trajectories.views.blueprint import bp

TEMPLATE = "trajectories/intake.html"
# Three forms share the page; the prefixes keep their field names and ids apart.
NEEDS, INFORMED, COMPLETE = "needs", "informed", "complete"


@bp.get("/<uuid:public_id>/intake")
def intake(public_id: UUID) -> str:
    t = queries.trajectory_or_404(current_user, public_id)
    record(current_user, Action.VIEW, t, detail="intake")
    html = render_template(TEMPLATE, t=t, **_page(t))
    db.session.commit()
    return html


@bp.post("/<uuid:public_id>/intake/needs")
def intake_needs(public_id: UUID) -> Response | tuple[str, int]:
    t = queries.trajectory_or_404(current_user, public_id)
    form = NeedsForm(prefix=NEEDS, notified_on=t.notified_on)
    if not form.validate():
        return render_template(TEMPLATE, t=t, **_page(t, needs_form=form)), 422
    assessed, needs = set(form.assessed.data), set(form.need.data)
    answers = {
        domain: operations.DomainAnswer(
            assessed=domain.value in assessed,
            has_need=domain.value in needs,
            note=form.note(domain).data or None,
        )
        for domain in LifeDomain
    }
    return _save(
        t,
        form,
        lambda: operations.record_needs(
            t, answers, conversation_on=form.conversation_on.data, actor=current_user
        ),
        _("The needs inventory was saved."),
        needs_form=form,
    )


@bp.post("/<uuid:public_id>/intake/informed")
def intake_informed(public_id: UUID) -> Response | tuple[str, int]:
    t = queries.trajectory_or_404(current_user, public_id)
    form = InformedForm(prefix=INFORMED, notified_on=t.notified_on)
    if not form.validate():
        return render_template(TEMPLATE, t=t, **_page(t, informed_form=form)), 422
    answers = {}
    for code in form.informed.data:
        on, language, interpreter = form.topic(code)
        answers[InformationTopic(code)] = operations.TopicAnswer(
            informed_on=on.data, language=language.data or None, interpreter_used=interpreter.data
        )
    return _save(
        t,
        form,
        lambda: operations.record_informed(t, answers, actor=current_user),
        _("What the client was informed about was saved."),
        informed_form=form,
    )


@bp.post("/<uuid:public_id>/intake/complete")
def intake_complete(public_id: UUID) -> Response | tuple[str, int]:
    t = queries.trajectory_or_404(current_user, public_id)
    form = CompleteIntakeForm(prefix=COMPLETE, notified_on=t.notified_on)
    if not form.validate():
        return render_template(TEMPLATE, t=t, **_page(t, complete_form=form)), 422
    return _save(
        t,
        form,
        lambda: operations.complete_intake(t, on=form.completed_on.data, actor=current_user),
        _("The intake is complete; the trajectory is now in the assistance phase."),
        complete_form=form,
    )


def _save(
    t: Trajectory, form: ChangeForm, change: Callable[[], Any], message: str, **posted: ChangeForm
) -> Response | tuple[str, int]:
    """Save through the change guard; say so only when this request made the change."""
    done: list[bool] = []

    def run() -> None:
        change()
        done.append(True)

    response = save_change(
        t,
        form,
        run,
        template=TEMPLATE,
        success_url=url_for(".intake", public_id=t.public_id),
        refusals=(operations.IntakeRefused,),
        **_page(t, **posted),
    )
    if done and isinstance(response, Response):
        flash(message, "success")
    return response


def _page(
    t: Trajectory,
    *,
    needs_form: NeedsForm | None = None,
    informed_form: InformedForm | None = None,
    complete_form: CompleteIntakeForm | None = None,
) -> dict[str, Any]:
    """The page's three forms: the one that was posted as typed, the others as stored."""
    return {
        "needs_form": needs_form or _stored_needs(t),
        "informed_form": informed_form
        or InformedForm(formdata=None, prefix=INFORMED, notified_on=t.notified_on).prepare(
            t.version
        ),
        "complete_form": complete_form
        or CompleteIntakeForm(formdata=None, prefix=COMPLETE, notified_on=t.notified_on).prepare(
            t.version
        ),
        "intake_missing": [
            blocker.message
            for blocker in intake_blockers(
                t.phase_code,
                [row.topic_code for row in t.informed],
                [row.domain_code for row in t.needs if row.assessed],
            )
        ],
    }


def _stored_needs(t: Trajectory) -> NeedsForm:
    """The inventory as stored; a note that cannot be decrypted is left out of the text box."""
    data: dict[str, Any] = {
        "assessed": [row.domain for row in t.needs if row.assessed],
        "need": [row.domain for row in t.needs if row.has_need],
    }
    for row in t.needs:
        if isinstance(row.note, str):
            data[note_field(row.domain)] = row.note
    form = NeedsForm(formdata=None, prefix=NEEDS, data=data, notified_on=t.notified_on)
    return form.prepare(t.version)
