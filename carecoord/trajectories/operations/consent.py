"""Consent per purpose: recording it (given by whom, by age) and withdrawing it."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import escape

from carecoord.accounts.models import User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import N_, ConsentGiver, ConsentPurpose, StepKind
from carecoord.extensions import db
from carecoord.providers.models import CareProvider
from carecoord.security.encrypted import UNREADABLE
from carecoord.trajectories.consents import active_consent
from carecoord.trajectories.intake_rules import consent_giver_refusal
from carecoord.trajectories.models import Consent, Trajectory
from carecoord.trajectories.operations.refusals import Refused, refuse_if_closed

ALREADY_GIVEN = N_(
    "There is already a consent for this purpose that has not been withdrawn. Withdraw it "
    "first if it has to be recorded again."
)
ALREADY_WITHDRAWN = N_("This consent has already been withdrawn.")
NOT_THE_REGION = N_("Choose a care provider of your own region.")


class ConsentRefused(Refused):
    """The consent cannot be recorded or withdrawn like this; `messages` say why."""


def record_consent(
    t: Trajectory,
    purpose: ConsentPurpose,
    provider: CareProvider | None,
    *,
    given_on: date,
    given_by: ConsentGiver,
    actor: User,
) -> Consent:
    """Record a consent and a CONSENT_RECORDED step. Raises ConsentRefused when the giver does
    not fit the client's age on `given_on`, when an active consent for the same purpose (and
    provider) exists, or for a provider outside the trajectory's region. Never commits."""
    refuse_if_closed(t, ConsentRefused)
    if (purpose is ConsentPurpose.SHARE_WITH_PROVIDER) != (provider is not None):
        raise ValueError("sharing consent names a provider; CoMensha registration does not")
    if provider is not None and (provider.region_id != t.region_id or not provider.active):
        raise ConsentRefused(NOT_THE_REGION)
    born = t.client.date_of_birth
    unreadable = born is UNREADABLE
    refusal = consent_giver_refusal(
        None if unreadable else born, given_on, given_by, unreadable=unreadable
    )
    if refusal is not None:
        raise ConsentRefused(refusal.message)
    if active_consent(t, purpose, provider.id if provider else None) is not None:
        raise ConsentRefused(ALREADY_GIVEN)
    consent = Consent(
        purpose=purpose.value,
        provider=provider,
        given_on=given_on,
        given_by=given_by.value,
        recorded_by=actor,
    )
    t.consents.append(consent)
    t.add_step(
        StepKind.CONSENT_RECORDED,
        author=actor,
        on=given_on,
        text=_consent_text(purpose, provider, given_by),
    )
    record(actor, Action.UPDATE, t, detail="consent.recorded:" + purpose.value)
    db.session.flush()
    return consent


def _consent_text(
    purpose: ConsentPurpose, provider: CareProvider | None, given_by: ConsentGiver
) -> str:
    if provider is not None:
        what = _("Consent for sharing with %(provider)s", provider=provider.name)
    else:
        what = _("Consent for registration with CoMensha")
    return _("%(what)s, given by %(giver)s.", what=what, giver=_(given_by.label))


def withdraw_consent(t: Trajectory, consent: Consent, *, on: date, actor: User) -> None:
    """Record that `consent` was withdrawn on `on`, with a CONSENT_WITHDRAWN step; from that
    day it blocks new sharing. Allowed on a closed trajectory too: a client may always withdraw
    consent (e.g. for CoMensha registration). Never commits."""
    if consent not in t.consents:
        raise ValueError("the consent belongs to another trajectory")
    if consent.withdrawn_on is not None:
        raise ConsentRefused(ALREADY_WITHDRAWN)
    if on < consent.given_on:
        # A message carrying a value arrives translated and escaped (see _conflict.html).
        given = format_date(consent.given_on, "long")
        raise ConsentRefused(
            escape(
                _(
                    "A consent cannot be withdrawn before the date it was given (%(date)s).",
                    date=given,
                )
            )
        )
    consent.withdrawn_on = on
    if consent.provider is not None:
        text = _("Consent for sharing with %(provider)s withdrawn.", provider=consent.provider.name)
    else:
        text = _("Consent for registration with CoMensha withdrawn.")
    t.add_step(StepKind.CONSENT_WITHDRAWN, author=actor, on=on, text=text)
    record(actor, Action.UPDATE, t, detail="consent.withdrawn:" + consent.purpose)
    db.session.flush()
