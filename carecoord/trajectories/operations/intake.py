"""The intake: the needs inventory, informing the client, and completing the intake."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from carecoord.accounts.models import User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import N_, InformationTopic, LifeDomain, Phase, StepKind
from carecoord.extensions import db
from carecoord.security.encrypted import UNREADABLE
from carecoord.trajectories.intake_rules import intake_blockers
from carecoord.trajectories.models import ClientInformed, NeedsAssessment, Trajectory
from carecoord.trajectories.operations.refusals import Refused, refuse_if_closed


class IntakeRefused(Refused):
    """The intake cannot be changed or completed; `messages` name what is missing."""


@dataclass(frozen=True)
class DomainAnswer:
    """One life domain as the form answers it. An empty note clears the stored one, except a
    note that cannot be decrypted: that stays until a new note is typed over it."""

    assessed: bool = False
    has_need: bool = False
    note: str | None = None


@dataclass(frozen=True)
class TopicAnswer:
    """The client was informed about a topic on a date, in a language, with an interpreter."""

    informed_on: date
    language: str | None = None
    interpreter_used: bool = False


NEED_WITHOUT_ASSESSMENT = N_("A need can only be recorded for an assessed life domain.")


def record_needs(
    t: Trajectory,
    answers: Mapping[LifeDomain, DomainAnswer],
    *,
    conversation_on: date,
    actor: User,
) -> list[LifeDomain]:
    """Bring the needs inventory in line with `answers` (a missing domain: not assessed).

    Returns the domains that changed. When any did, one NEEDS_ASSESSED step records them and
    an INTAKE_CONVERSATION step the conversation (once per date). Never commits.
    """
    refuse_if_closed(t, IntakeRefused)
    if any(a.has_need and not a.assessed for a in answers.values()):
        raise IntakeRefused(NEED_WITHOUT_ASSESSMENT)
    rows = {row.domain: row for row in t.needs}
    changed = []
    for domain in LifeDomain:
        answer = answers.get(domain, DomainAnswer())
        row = rows.get(domain.value)
        if not _differs(row, answer):
            continue
        if row is None:
            row = NeedsAssessment(domain=domain.value)
            t.needs.append(row)
        row.assessed, row.has_need = answer.assessed, answer.has_need
        if not (row.note is UNREADABLE and not answer.note):
            row.note = answer.note or None
        row.assessed_on = conversation_on if answer.assessed else None
        row.updated_by = actor
        changed.append(domain)
    if not changed:
        return []
    already_held = any(
        s.kind == StepKind.INTAKE_CONVERSATION and s.occurred_on == conversation_on for s in t.steps
    )
    if not already_held:
        t.add_step(StepKind.INTAKE_CONVERSATION, author=actor, on=conversation_on)
    t.add_step(
        StepKind.NEEDS_ASSESSED,
        author=actor,
        on=conversation_on,
        text=_needs_summary([(d, answers.get(d, DomainAnswer())) for d in changed]),
    )
    record(actor, Action.UPDATE, t, detail="intake.needs")
    db.session.flush()
    return changed


def _differs(row: NeedsAssessment | None, answer: DomainAnswer) -> bool:
    if row is None:
        return answer.assessed or answer.has_need or bool(answer.note)
    if (row.assessed, row.has_need) != (answer.assessed, answer.has_need):
        return True
    if row.note is UNREADABLE:
        return bool(answer.note)
    return (row.note or None) != (answer.note or None)


def _needs_summary(changes: list[tuple[LifeDomain, DomainAnswer]]) -> str:
    """One line per changed domain, e.g. "shelter and housing: assessed, need"."""
    lines = []
    for domain, answer in changes:
        if not answer.assessed:
            state = _("not assessed")
        elif answer.has_need:
            state = _("assessed, need")
        else:
            state = _("assessed, no need")
        lines.append(f"{_(domain.label)}: {state}")
    return "\n".join(lines)


def record_informed(
    t: Trajectory, answers: Mapping[InformationTopic, TopicAnswer], *, actor: User
) -> list[InformationTopic]:
    """Record each topic the client was newly informed about, with a CLIENT_INFORMED step.

    A topic already recorded stays as it is: being informed is a fact with a date, corrected
    only through a new trajectory step, never by overwriting. Never commits.
    """
    refuse_if_closed(t, IntakeRefused)
    done = {row.topic for row in t.informed}
    new = [topic for topic in InformationTopic if topic in answers and topic.value not in done]
    for topic in new:
        answer = answers[topic]
        t.informed.append(
            ClientInformed(
                topic=topic.value,
                informed_on=answer.informed_on,
                language=answer.language or None,
                interpreter_used=answer.interpreter_used,
                recorded_by_id=actor.id,
            )
        )
        t.add_step(
            StepKind.CLIENT_INFORMED,
            author=actor,
            on=answer.informed_on,
            text=_informed_text(topic, answer),
        )
    if new:
        record(actor, Action.UPDATE, t, detail="intake.informed")
        db.session.flush()
    return new


def _informed_text(topic: InformationTopic, answer: TopicAnswer) -> str:
    parts = [_("Informed about %(topic)s.", topic=_(topic.label))]
    if answer.language:
        parts.append(_("Language: %(language)s.", language=answer.language))
    parts.append(_("With an interpreter.") if answer.interpreter_used else _("No interpreter."))
    return " ".join(parts)


def complete_intake(t: Trajectory, *, on: date, actor: User) -> None:
    """Move `t` from intake to assistance. Raises IntakeRefused naming what is missing."""
    blockers = intake_blockers(
        t.phase_code,
        [row.topic_code for row in t.informed],
        [row.domain_code for row in t.needs if row.assessed],
    )
    if blockers:
        raise IntakeRefused(*(blocker.message for blocker in blockers))
    t.phase = Phase.ASSISTANCE.value
    t.intake_completed_on = on
    if t.assistance_started_on is None:
        t.assistance_started_on = on
    t.add_step(
        StepKind.PHASE_CHANGE,
        author=actor,
        on=on,
        text=_("Intake completed; the trajectory is now in the assistance phase."),
    )
    record(actor, Action.UPDATE, t, detail="intake.completed")
    db.session.flush()
