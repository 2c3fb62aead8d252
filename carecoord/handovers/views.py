"""Help questions and their handovers: add, propose, and follow each handover's status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from carecoord.accounts.guards import blueprint_roles
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import HandoverStatus, LifeDomain, ProviderType, Role
from carecoord.extensions import db
from carecoord.handovers import operations, queries
from carecoord.handovers.forms import (
    DeclineForm,
    HelpQuestionForm,
    ProposeHandoverForm,
    ProviderChoices,
    StatusChangeForm,
)
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.handovers.operations import HandoverChangeRefused
from carecoord.handovers.rules import ConsentState
from carecoord.providers.models import CareProvider
from carecoord.providers.queries import active_providers
from carecoord.trajectories.changes import save_change
from carecoord.trajectories.consents import consent_state
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.queries import trajectory_or_404

bp = Blueprint("handovers", __name__, url_prefix="/trajectories/<uuid:public_id>")
blueprint_roles(bp, Role.COORDINATOR)

# The statuses a coordinator can record; `proposed` is where every handover starts.
TARGETS = ",".join(s.value for s in HandoverStatus if s is not HandoverStatus.PROPOSED)
Page = str | tuple[str, int] | Response


@bp.app_template_global("handover_consent")
def handover_consent(handover: Handover) -> ConsentState:
    """The client's consent for sharing with this handover's provider (for the warnings)."""
    return consent_state(handover.help_question.trajectory, handover.provider)


@bp.route("/help-questions/new", methods=["GET", "POST"])
def new_question(public_id: UUID) -> Page:
    t = trajectory_or_404(current_user, public_id)
    form = HelpQuestionForm(earliest=t.notified_on)
    template = "handovers/help_question_form.html"
    if request.method == "GET":
        return _show(template, t, form, t, _closed_refusal(t))
    if not form.validate():
        return render_template(template, t=t, form=form), 422
    return save_change(
        t,
        form,
        lambda: operations.add_help_question(
            t,
            domain=LifeDomain(form.domain.data),
            text=form.text.data,
            on=form.on.data,
            actor=current_user,
        ),
        template=template,
        success_url=_file_url(t),
        refusals=(HandoverChangeRefused,),
    )


@bp.get("/help-questions/<uuid:question_id>")
def question(public_id: UUID, question_id: UUID) -> str:
    t = trajectory_or_404(current_user, public_id)
    help_question = queries.help_question_or_404(t, question_id)
    record(current_user, Action.VIEW, help_question)
    html = render_template("handovers/question.html", t=t, question=help_question)
    db.session.commit()
    return html


@bp.route("/help-questions/<uuid:question_id>/handovers/new", methods=["GET", "POST"])
def propose(public_id: UUID, question_id: UUID) -> Page:
    t = trajectory_or_404(current_user, public_id)
    help_question = queries.help_question_or_404(t, question_id)
    providers = {str(p.public_id): p for p in active_providers(t.region_id)}
    form = ProposeHandoverForm(
        providers=_grouped(list(providers.values())), earliest=help_question.created_on
    )
    template = "handovers/propose.html"
    context: dict[str, Any] = {"question": help_question, "has_providers": bool(providers)}
    if request.method == "GET":
        refusal = _closed_refusal(t) or _open_refusal(help_question)
        return _show(template, t, form, help_question, refusal, **context)
    if not form.validate():
        return render_template(template, t=t, form=form, **context), 422
    return save_change(
        t,
        form,
        lambda: operations.propose_handover(
            help_question, providers[form.provider.data], on=form.on.data, actor=current_user
        ),
        template=template,
        success_url=_question_url(t, help_question),
        refusals=(HandoverChangeRefused,),
        **context,
    )


@bp.route(f"/handovers/<uuid:handover_id>/<any({TARGETS}):status>", methods=["GET", "POST"])
def change_status(public_id: UUID, handover_id: UUID, status: str) -> Page:
    t = trajectory_or_404(current_user, public_id)
    handover = queries.handover_or_404(t, handover_id)
    target = HandoverStatus(status)
    form_class = DeclineForm if target is HandoverStatus.DECLINED else StatusChangeForm
    form = form_class(earliest=handover.latest_on)
    template = "handovers/status.html"
    context: dict[str, Any] = {
        "handover": handover,
        "question": handover.help_question,
        "target": target,
    }
    if request.method == "GET":
        refusal = _closed_refusal(t) or _transition_refusal(handover, target)
        return _show(template, t, form, handover, refusal, **context)
    if not form.validate():
        return render_template(template, t=t, form=form, **context), 422
    reason = form.decline_reason.data if isinstance(form, DeclineForm) else None
    return save_change(
        t,
        form,
        lambda: operations.change_handover_status(
            handover, target, on=form.on.data, actor=current_user, decline_reason=reason
        ),
        template=template,
        success_url=_question_url(t, handover.help_question),
        refusals=(HandoverChangeRefused,),
        **context,
    )


def _show(
    template: str,
    t: Trajectory,
    form: Any,
    viewed: Any,
    refused: HandoverChangeRefused | None,
    **context: Any,
) -> Page:
    """A freshly rendered form (audited as a view of what it shows); 409 if it cannot be used."""
    form.prepare(t.version)
    record(current_user, Action.VIEW, viewed)
    html = render_template(template, t=t, form=form, refused=refused, **context)
    db.session.commit()
    return (html, 409) if refused else html


def _closed_refusal(t: Trajectory) -> HandoverChangeRefused | None:
    return None if t.is_open else HandoverChangeRefused("trajectory_closed")


def _open_refusal(help_question: HelpQuestion) -> HandoverChangeRefused | None:
    if (open_one := help_question.open_handover) is None:
        return None
    return HandoverChangeRefused("open_handover_exists", provider=open_one.provider.name)


def _transition_refusal(handover: Handover, target: HandoverStatus) -> HandoverChangeRefused | None:
    if target in handover.next_statuses:
        return None
    return HandoverChangeRefused(
        "transition_not_allowed", current=handover.status_code, target=target
    )


def _grouped(providers: Sequence[CareProvider]) -> ProviderChoices:
    """The providers as choices grouped by type, in the order of the type list."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for kind in ProviderType:
        members = [(str(p.public_id), p.name) for p in providers if p.provider_type == kind]
        if members:
            groups[_(kind.label)] = members
    return groups


def _file_url(t: Trajectory) -> str:
    return url_for("trajectories.detail", public_id=t.public_id, _anchor="help-questions-heading")


def _question_url(t: Trajectory, help_question: HelpQuestion) -> str:
    return url_for(".question", public_id=t.public_id, question_id=help_question.public_id)
