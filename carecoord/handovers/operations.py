"""Adding help questions and moving handovers through their statuses: audit, flush, no commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date, gettext
from markupsafe import Markup, escape

from carecoord.accounts.models import User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import N_, HandoverStatus, LifeDomain, Phase, StepKind
from carecoord.extensions import db
from carecoord.handovers import rules
from carecoord.handovers.models import (
    STATUS_DATE_COLUMN,
    Handover,
    HandoverStatusChange,
    HelpQuestion,
)
from carecoord.handovers.queries import open_handovers
from carecoord.providers.models import CareProvider
from carecoord.timeutil import today
from carecoord.trajectories.consents import consent_state
from carecoord.trajectories.models import Trajectory

STEP_OF_STATUS = {
    HandoverStatus.PROPOSED: StepKind.HANDOVER_PROPOSED,
    HandoverStatus.SENT: StepKind.HANDOVER_SENT,
    HandoverStatus.ACCEPTED: StepKind.HANDOVER_ACCEPTED,
    HandoverStatus.DECLINED: StepKind.HANDOVER_DECLINED,
    HandoverStatus.STARTED: StepKind.HANDOVER_STARTED,
    HandoverStatus.COMPLETED: StepKind.HANDOVER_COMPLETED,
    HandoverStatus.WITHDRAWN: StepKind.HANDOVER_WITHDRAWN,
}
REFUSAL_MESSAGES = {
    "trajectory_closed": N_(
        "The trajectory is closed: reopen it before changing help questions or handovers."
    ),
    "transition_not_allowed": N_("A handover that is %(current)s cannot become %(target)s."),
    "no_consent": N_(
        "No consent for sharing with %(provider)s on %(date)s. Record the client's consent "
        "for this care provider first."
    ),
    "consent_withdrawn": N_(
        "No consent for sharing with %(provider)s: the consent was withdrawn on %(date)s. "
        "Do not share new data."
    ),
    "date_in_future": N_("The date cannot be in the future."),
    "date_before_previous": N_("The date cannot be before the previous status date (%(date)s)."),
    "date_before_question": N_("The date cannot be before the help question was added (%(date)s)."),
    "withdrawal_before_previous": N_(
        "The handover to %(provider)s last changed on %(date)s: open handovers cannot be "
        "withdrawn on an earlier date."
    ),
    "open_handover_exists": N_(
        "This help question already has an open handover to %(provider)s. Withdraw it first, "
        "or wait for its answer."
    ),
}


class HandoverChangeRefused(Exception):
    """A change the rules refuse; nothing was changed. `reason` is a code of REFUSAL_MESSAGES."""

    def __init__(
        self,
        reason: str,
        *,
        provider: str | None = None,
        on: date | None = None,
        current: HandoverStatus | None = None,
        target: HandoverStatus | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.provider, self.on, self.current, self.target = provider, on, current, target

    @property
    def messages(self) -> list[Markup]:
        """The refusal in the user's language, escaped: it names a provider typed by a user."""
        values: dict[str, Any] = {
            "provider": self.provider or "",
            "date": format_date(self.on, "long") if self.on else "",
            "current": gettext(self.current.label) if self.current else "",
            "target": gettext(self.target.label) if self.target else "",
        }
        text = escape(gettext(REFUSAL_MESSAGES[self.reason], **values))
        # The page translates each message once more and formats it with `%`: keep `%` literal.
        return [text.replace("%", Markup("&#37;"))]


def add_help_question(
    t: Trajectory, *, domain: LifeDomain, text: str, on: date, actor: User
) -> HelpQuestion:
    """Add a help question in `domain` to the open trajectory `t`, with its step."""
    _require_open(t)
    question = HelpQuestion(domain=domain.value, created_on=on, created_by_id=actor.id)
    question.text = text
    t.help_questions.append(question)
    t.add_step(StepKind.HELP_QUESTION_ADDED, author=actor, on=on, text=text)
    record(actor, Action.CREATE, question)
    db.session.flush()
    return question


def propose_handover(
    question: HelpQuestion, provider: CareProvider, *, on: date, actor: User
) -> Handover:
    """Propose handing `question` over to `provider`; the first handover starts assistance."""
    t = question.trajectory
    _require_open(t)
    if provider.region_id != t.region_id or not provider.active:
        # The form offers only the region's active providers; this guards other callers.
        raise ValueError("provider outside the trajectory's region or inactive")
    try:
        rules.check_new_handover(h.status_code for h in question.handovers)
        rules.check_status_date(on, previous=question.created_on, today=today())
    except rules.HandoverRefused as refused:
        if refused.reason == "date_before_previous":
            raise HandoverChangeRefused("date_before_question", on=question.created_on) from None
        open_one = question.open_handover
        raise HandoverChangeRefused(
            refused.reason, provider=open_one.provider.name if open_one else None
        ) from None
    handover = Handover(provider=provider, proposed_on=on)
    question.handovers.append(handover)
    handover.changes.append(
        HandoverStatusChange(status=HandoverStatus.PROPOSED.value, changed_on=on, changed_by=actor)
    )
    t.add_step(StepKind.HANDOVER_PROPOSED, author=actor, on=on, text=provider.name)
    if t.phase == Phase.INTAKE and t.assistance_started_on is None:
        # Assistance may start alongside the intake (seed 002): the phase then shows both.
        t.assistance_started_on = on
    record(actor, Action.CREATE, handover)
    db.session.flush()
    return handover


def change_handover_status(
    handover: Handover,
    target: HandoverStatus,
    *,
    on: date,
    actor: User,
    decline_reason: str | None = None,
) -> None:
    """Move `handover` to `target` on `on`. Sending needs the client's consent for the provider.

    Raises HandoverChangeRefused, changing nothing, for a closed trajectory, a transition not
    in the table, a missing or withdrawn consent, or a date outside previous status date–today.
    """
    t = handover.help_question.trajectory
    _require_open(t)
    if target is HandoverStatus.DECLINED and not decline_reason:
        raise ValueError("a declined handover needs a reason")
    consent = consent_state(t, handover.provider, on)
    try:
        rules.check_handover_transition(handover.status_code, target, consent=consent, on=on)
        rules.check_status_date(on, previous=handover.latest_on, today=today())
    except rules.HandoverRefused as refused:
        raise _explained(refused.reason, handover, target, on, consent) from None
    _move(handover, target, on=on, actor=actor, decline_reason=decline_reason)
    db.session.flush()


def withdraw_open_handovers(t: Trajectory, *, actor: User, on: date) -> int:
    """Withdraw every open handover of `t` on `on` (as at closure), each with its step and audit.

    Raises HandoverChangeRefused, changing nothing, when `on` is before a handover's latest
    status date. Returns how many were withdrawn.
    """
    handovers = open_handovers(t)
    for handover in handovers:
        rules.check_handover_transition(
            handover.status_code, HandoverStatus.WITHDRAWN, consent=rules.ConsentState(), on=on
        )
        if handover.latest_on is not None and on < handover.latest_on:
            raise HandoverChangeRefused(
                "withdrawal_before_previous", provider=handover.provider.name, on=handover.latest_on
            )
    for handover in handovers:
        _move(handover, HandoverStatus.WITHDRAWN, on=on, actor=actor)
    db.session.flush()
    return len(handovers)


def _move(
    handover: Handover,
    target: HandoverStatus,
    *,
    on: date,
    actor: User,
    decline_reason: str | None = None,
) -> None:
    t = handover.help_question.trajectory
    handover.status = target.value
    setattr(handover, STATUS_DATE_COLUMN[target], on)
    text = handover.provider.name
    if target is HandoverStatus.DECLINED:
        handover.decline_reason = decline_reason
        text = f"{text}: {decline_reason}"
    handover.changes.append(
        HandoverStatusChange(status=target.value, changed_on=on, changed_by=actor)
    )
    t.add_step(STEP_OF_STATUS[target], author=actor, on=on, text=text)
    record(actor, Action.UPDATE, handover, detail=f"status:{target.value}")


def _require_open(t: Trajectory) -> None:
    if not t.is_open:
        raise HandoverChangeRefused("trajectory_closed")


def _explained(
    reason: str,
    handover: Handover,
    target: HandoverStatus,
    on: date,
    consent: rules.ConsentState,
) -> HandoverChangeRefused:
    """The refusal with what the coordinator needs to see: provider, statuses, dates."""
    provider = handover.provider.name
    if reason == "no_consent" and consent.withdrawn_on is not None and consent.withdrawn_on <= on:
        return HandoverChangeRefused(
            "consent_withdrawn", provider=provider, on=consent.withdrawn_on
        )
    if reason == "transition_not_allowed":
        return HandoverChangeRefused(reason, current=handover.status_code, target=target)
    if reason == "date_before_previous":
        return HandoverChangeRefused(reason, on=handover.latest_on)
    return HandoverChangeRefused(reason, provider=provider, on=on)
