"""The consent page: consents per purpose, recording one, and withdrawing one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from carecoord.accounts.guards import OutOfScope
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import ConsentGiver, ConsentPurpose
from carecoord.extensions import db
from carecoord.providers.models import CareProvider
from carecoord.providers.queries import active_providers
from carecoord.trajectories import consents, queries
from carecoord.trajectories.changes import save_change
from carecoord.trajectories.forms.consent import ConsentForm, WithdrawConsentForm
from carecoord.trajectories.models import Consent, Trajectory
from carecoord.trajectories.operations import consent as operations
from carecoord.trajectories.views.blueprint import bp

TEMPLATE = "trajectories/consent.html"
WITHDRAW_TEMPLATE = "trajectories/consent_withdraw.html"


@bp.context_processor
def consent_helpers() -> dict[str, Any]:
    """For the client file's consent section: providers to warn about."""
    return {"consent_warnings": consents.withdrawn_with_open_handovers}


@bp.get("/<uuid:public_id>/consent")
def consent(public_id: UUID) -> str:
    t = queries.trajectory_or_404(current_user, public_id)
    providers = active_providers(t.region_id)
    record(current_user, Action.VIEW, t, detail="consent")
    form = ConsentForm(formdata=None, notified_on=t.notified_on, providers=_choices(providers))
    html = render_template(TEMPLATE, t=t, form=form.prepare(t.version))
    db.session.commit()
    return html


@bp.post("/<uuid:public_id>/consent")
def consent_record(public_id: UUID) -> Response | tuple[str, int]:
    t = queries.trajectory_or_404(current_user, public_id)
    providers = {str(p.public_id): p for p in active_providers(t.region_id)}
    form = ConsentForm(notified_on=t.notified_on, providers=_choices(providers.values()))
    if not form.validate():
        return render_template(TEMPLATE, t=t, form=form), 422
    provider = providers.get(form.provider.data or "")
    done: list[Consent] = []
    response = save_change(
        t,
        form,
        lambda: done.append(
            operations.record_consent(
                t,
                ConsentPurpose(form.purpose.data),
                provider,
                given_on=form.given_on.data,
                given_by=ConsentGiver(form.given_by.data),
                actor=current_user,
            )
        ),
        template=TEMPLATE,
        success_url=url_for(".consent", public_id=t.public_id),
        refusals=(operations.ConsentRefused,),
    )
    if done and isinstance(response, Response):
        flash(_("The consent was recorded."), "success")
    return response


@bp.route("/<uuid:public_id>/consent/<uuid:consent_id>/withdraw", methods=["GET", "POST"])
def consent_withdraw(public_id: UUID, consent_id: UUID) -> Response | str | tuple[str, int]:
    t = queries.trajectory_or_404(current_user, public_id)
    chosen = _consent_of(t, consent_id)
    context = {"consent": chosen}
    form = WithdrawConsentForm(notified_on=t.notified_on)
    if not form.is_submitted():
        record(current_user, Action.VIEW, t, detail="consent")
        html = render_template(WITHDRAW_TEMPLATE, t=t, form=form.prepare(t.version), **context)
        db.session.commit()
        return html
    if not form.validate():
        return render_template(WITHDRAW_TEMPLATE, t=t, form=form, **context), 422
    done: list[bool] = []

    def withdraw() -> None:
        operations.withdraw_consent(t, chosen, on=form.withdrawn_on.data, actor=current_user)
        done.append(True)

    response = save_change(
        t,
        form,
        withdraw,
        template=WITHDRAW_TEMPLATE,
        success_url=url_for(".consent", public_id=t.public_id),
        refusals=(operations.ConsentRefused,),
        **context,
    )
    if done and isinstance(response, Response):
        flash(_("The withdrawal of the consent was recorded."), "success")
    return response


def _consent_of(t: Trajectory, consent_id: UUID) -> Consent:
    """A consent of this trajectory; any other id does not exist here (audited 404)."""
    found = next((c for c in t.consents if c.public_id == consent_id), None)
    if found is None:
        raise OutOfScope("consents", consent_id)
    return found


def _choices(providers: Iterable[CareProvider]) -> list[tuple[str, str]]:
    return [(str(p.public_id), p.name) for p in providers]
