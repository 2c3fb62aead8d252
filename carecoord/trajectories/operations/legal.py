"""The legal track: reflection period, police report, B8/3 permit, criminal case (DOMAIN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from carecoord.accounts.models import User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import N_, CriminalCase, PoliceReport, ResidencePermit, StepKind
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.operations.refusals import Refused, refuse_if_closed

# An appeal (or a complaint against a dismissal) can only be pending against these outcomes.
APPEALABLE = frozenset({CriminalCase.DISMISSED, CriminalCase.CONVICTION, CriminalCase.ACQUITTAL})
APPEAL_WITHOUT_OUTCOME = N_(
    "An appeal can only be pending after a dismissal, a conviction or an acquittal."
)


class LegalTrackRefused(Refused):
    """The legal track cannot be changed like this; `messages` say why."""


@dataclass(frozen=True)
class LegalTrack:
    """The current legal-track facts of a trajectory; the history is in its steps."""

    reflection_started_on: date | None = None
    police_report: PoliceReport | None = None
    police_report_on: date | None = None
    residence_permit: ResidencePermit | None = None
    residence_permit_on: date | None = None
    criminal_case: CriminalCase | None = None
    criminal_case_on: date | None = None
    appeal_pending: bool = False

    @classmethod
    def of(cls, t: Trajectory) -> LegalTrack:
        return cls(
            reflection_started_on=t.reflection_started_on,
            police_report=t.police_report_code,
            police_report_on=t.police_report_on,
            residence_permit=t.residence_permit_code,
            residence_permit_on=t.residence_permit_on,
            criminal_case=t.criminal_case_code,
            criminal_case_on=t.criminal_case_on,
            appeal_pending=bool(t.appeal_pending),
        )


@dataclass(frozen=True)
class Status:
    """One status of the legal track: its columns, the step text and the removal refusal."""

    name: str
    step_text: str
    not_removable: str

    @property
    def date_name(self) -> str:
        return f"{self.name}_on"


STATUSES = (
    Status(
        "police_report",
        N_("Police report: %(status)s, from %(date)s."),
        N_("A recorded police report status cannot be removed; choose the one that applies now."),
    ),
    Status(
        "residence_permit",
        N_("Residence permit (B8/3): %(status)s, from %(date)s."),
        N_(
            "A recorded residence permit status cannot be removed; choose the one that applies now."
        ),
    ),
    Status(
        "criminal_case",
        N_("Criminal case: %(status)s, from %(date)s."),
        N_("A recorded criminal case status cannot be removed; choose the one that applies now."),
    ),
)
REFLECTION_NOT_REMOVABLE = N_(
    "A recorded start of the reflection period cannot be removed; correct its date instead."
)


def update_legal_track(t: Trajectory, track: LegalTrack, *, actor: User, on: date) -> list[str]:
    """Bring the legal track of `t` in line with `track`; one LEGAL_TRACK step per changed fact.

    A status or date once recorded can be changed but not removed: the closure rule reads the
    criminal case, so clearing it would open a way around that rule. `on` dates a change of
    "appeal pending" when the criminal case itself did not change. Returns the changed facts.
    Never commits.
    """
    refuse_if_closed(t, LegalTrackRefused)
    current = LegalTrack.of(t)
    _check(current, track)
    changed: list[str] = []
    start = track.reflection_started_on
    if start is not None and start != current.reflection_started_on:
        t.reflection_started_on = start
        text = _(
            "Reflection period started on %(date)s; it ends on %(end)s.",
            date=format_date(start, "long"),
            end=format_date(t.reflection_period_ends_on, "long"),
        )
        t.add_step(StepKind.LEGAL_TRACK, author=actor, on=start, text=text)
        changed.append("reflection")
    for status in STATUSES:
        new = (getattr(track, status.name), getattr(track, status.date_name))
        if new == (getattr(current, status.name), getattr(current, status.date_name)):
            continue
        code, status_on = new
        setattr(t, status.name, code.value)
        setattr(t, status.date_name, status_on)
        text = _(status.step_text, status=_(code.label), date=format_date(status_on, "long"))
        t.add_step(StepKind.LEGAL_TRACK, author=actor, on=status_on, text=text)
        changed.append(status.name)
    if track.appeal_pending != current.appeal_pending:
        t.appeal_pending = track.appeal_pending
        appeal_on = (track.criminal_case_on if "criminal_case" in changed else None) or on
        text = _("Appeal pending.") if track.appeal_pending else _("No appeal pending any more.")
        t.add_step(StepKind.LEGAL_TRACK, author=actor, on=appeal_on, text=text)
        changed.append("appeal")
    if changed:
        record(actor, Action.UPDATE, t, detail="legal_track:" + ".".join(changed))
        db.session.flush()
    return changed


def _check(current: LegalTrack, track: LegalTrack) -> None:
    """The rules the form also checks, held here too: nothing removed, every status dated."""
    messages = []
    if current.reflection_started_on is not None and track.reflection_started_on is None:
        messages.append(REFLECTION_NOT_REMOVABLE)
    for status in STATUSES:
        if getattr(current, status.name) is not None and getattr(track, status.name) is None:
            messages.append(status.not_removable)
        if (getattr(track, status.name) is None) != (getattr(track, status.date_name) is None):
            raise ValueError(f"{status.name} and its date go together")
    if track.appeal_pending and track.criminal_case not in APPEALABLE:
        messages.append(APPEAL_WITHOUT_OUTCOME)
    if messages:
        raise LegalTrackRefused(*messages)
