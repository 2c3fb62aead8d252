"""A whole trajectory history for one bulk demo client, drawn as plain data (no database).

It follows the rules the operations enforce: nothing is dated after the history's end (its
closure, else today); the intake is completed only when the client was informed about all three
topics and a life domain was assessed; a regular closure only when `closure_blockers` allows
it, so it waits for the criminal case to be over; handovers move along their transition table
with consent before sending, and open ones are withdrawn at the closure; the phase, closure
and monitoring columns end as the operations would leave them.
"""

from __future__ import annotations

from datetime import date, timedelta

from carecoord.clients.rules import age_on, is_minor, nationality_group
from carecoord.codes import (
    ClosureReason,
    ConsentGiver,
    ConsentPurpose,
    CriminalCase,
    HandoverStatus,
    InformationTopic,
    LifeDomain,
    NationalityGroup,
    Phase,
    StepKind,
)
from carecoord.demo import data, texts
from carecoord.demo.care import CareNetwork, CarePlanner
from carecoord.demo.legal import LegalEvent, LegalTrack, case_over_from
from carecoord.demo.people import ClientSpec
from carecoord.demo.plans import ConsentPlan, Dice, History
from carecoord.demo.texts import Phrases
from carecoord.handovers.operations import STEP_OF_STATUS
from carecoord.trajectories.intake_rules import CONSENT_AGE
from carecoord.trajectories.operations.closure import KNOWLEDGE_CONDITIONS
from carecoord.trajectories.rules import ClosureFacts, closure_blockers, criminal_track_over

R = ClosureReason
REASON_WEIGHTS = {
    R.COMPLETED: 52,
    R.DECLINED_HELP: 16,
    R.LEFT_UNKNOWN_DESTINATION: 16,
    R.RETURNED_TO_ORIGIN: 14,
    R.DECEASED: 1,
}
# Median days from notification to closure, by reason: dropouts leave early.
MEDIAN_DAYS = {
    R.COMPLETED: 300,
    R.DECLINED_HELP: 60,
    R.LEFT_UNKNOWN_DESTINATION: 100,
    R.RETURNED_TO_ORIGIN: 170,
    R.DECEASED: 200,
}
INTERVALS = {28: 70, 14: 15, 56: 15}  # monitoring interval in days
QUESTION_COUNTS = {0: 10, 1: 32, 2: 33, 3: 17, 4: 6, 5: 2}
MEETINGS = {0: 55, 1: 33, 2: 12}
REOPENED = 0.03
S = HandoverStatus
# What a regular closure does first with a handover that is still running.
SETTLED = {S.ACCEPTED: (S.STARTED, S.COMPLETED), S.STARTED: (S.COMPLETED,)}
# ClosureFacts field → the trajectory column holding the date the condition was confirmed.
KNOWS = {
    "knows_residence_steps": "knows_residence_steps_on",
    "knows_rights_to_services": "knows_rights_to_services_on",
    "knows_where_to_get_help": "knows_where_to_get_help_on",
}


class Historian:
    """Draws histories; the same seed and day give the same histories."""

    def __init__(self, dice: Dice, today: date, phrases: Phrases) -> None:
        self.dice = dice
        self.today = today
        self.phrases = phrases
        self.legal = LegalTrack(dice, phrases)

    def history(self, spec: ClientSpec, network: CareNetwork) -> History:
        dice, n = self.dice, spec.notified_on
        group = nationality_group(spec.nationality).value
        minor = bool(is_minor(spec.date_of_birth, n))
        h = History()
        track = self.legal.events(n, group, minor)
        reason, closes_on = self._fate(n, group)
        if reason is R.COMPLETED and closes_on is not None:
            closes_on = self._after_criminal_case(track, closes_on)
            reason = reason if closes_on is not None else None
        end = closes_on or self.today
        interval = dice.weighted(INTERVALS)
        h.columns.update(monitoring_interval_days=interval, appeal_pending=False)
        note = spec.notification_note if dice.chance(0.5) else None
        h.add(StepKind.NOTIFICATION, n, note)
        self._comensha_consent(h, spec, end)
        first = self._intake(h, spec, end)
        for event in track:
            if event.on <= end:
                h.columns.update(event.columns)
                h.add(StepKind.LEGAL_TRACK, event.on, event.text)
        if first is not None:
            planner = CarePlanner(dice, self.phrases, lambda on: _giver(spec, on))
            planner.plan(h, network, first, dice.weighted(QUESTION_COUNTS), end)
        self._assistance_start(h)
        self._logged_steps(h, n, end, network, minor, still_open=closes_on is None)
        if reason is not None and closes_on is not None:
            self._close(h, self._allowed(h, reason, closes_on), closes_on)
        else:
            self._keep_open(h)
        # Stable: steps of one day keep the order they happened in.
        h.events.sort(key=lambda e: e.on)
        return h

    def _fate(self, n: date, group: str) -> tuple[ClosureReason | None, date | None]:
        """The reason and day this trajectory closes; (None, None) while it is still open."""
        reason = self.dice.weighted(REASON_WEIGHTS)
        if reason is R.RETURNED_TO_ORIGIN and group == NationalityGroup.NL:
            reason = R.DECLINED_HELP
        days = int(MEDIAN_DAYS[reason] * self.dice.rng.lognormvariate(0, 0.6))
        closes_on = n + timedelta(days=min(max(days, 10), 1800))
        return (reason, closes_on) if closes_on < self.today else (None, None)

    def _after_criminal_case(self, track: list[LegalEvent], closes_on: date) -> date | None:
        """A regular closure waits until the criminal case is over; None: not yet today."""
        over = case_over_from(track, closes_on)
        if over is None or over == closes_on:
            return over
        later = self.dice.days(over, 14, 60)
        return later if later < self.today else None

    def _comensha_consent(self, h: History, spec: ClientSpec, end: date) -> None:
        """Nine in ten agree to registration with CoMensha; a few withdraw it later."""
        dice = self.dice
        on = dice.days(spec.notified_on, 0, 3)
        if not dice.chance(0.9) or on > end:
            return
        giver = _giver(spec, on)
        consent = ConsentPlan(ConsentPurpose.COMENSHA_REGISTRATION, on, giver)
        h.consents.append(consent)
        h.add(StepKind.CONSENT_RECORDED, on, self.phrases.consent(giver))
        withdrawn = dice.days(on, 20, 400)
        if dice.chance(0.03) and withdrawn <= end:
            consent.withdrawn_on = withdrawn
            text = self.phrases.templates["comensha_withdrawn"]
            h.add(StepKind.CONSENT_WITHDRAWN, withdrawn, text)

    def _intake(self, h: History, spec: ClientSpec, end: date) -> date | None:
        """One or two conversations with the needs inventory, the three information topics,
        and the intake's completion once all is done. Returns the first conversation's day."""
        dice, phrases = self.dice, self.phrases
        first = dice.days(spec.notified_on, 1, 12)
        if first > end:
            return None
        domains = dice.rng.sample(list(LifeDomain), dice.rng.randint(3, 8))
        split = dice.rng.randint(1, len(domains)) if dice.chance(0.35) else len(domains)
        done = []
        for on, part in ((first, domains[:split]), (dice.days(first, 7, 28), domains[split:])):
            if not part or on > end:
                continue
            answers = [(domain, dice.chance(0.55)) for domain in part]
            for domain, need in answers:
                note = dice.choice(texts.NEEDS_NOTES) if dice.chance(0.25) else None
                h.needs.append((domain, need, on, note))
            h.add(StepKind.INTAKE_CONVERSATION, on)
            h.add(StepKind.NEEDS_ASSESSED, on, phrases.needs(answers))
            done.append(on)
        language = texts.LANGUAGES.get(spec.nationality)
        interpreter = language not in (None, "Nederlands") and dice.chance(0.8)
        told = dice.days(first, 0, 7)
        for topic in InformationTopic:
            on = dice.days(first, 0, 14) if topic is InformationTopic.CARE else told
            if on <= end:
                h.informed.append((topic, on, language, interpreter))
                h.add(StepKind.CLIENT_INFORMED, on, phrases.informed(topic, language, interpreter))
                done.append(on)
        completed = dice.days(max(done), 0, 10)
        if len(h.informed) == len(InformationTopic) and completed <= end:
            h.columns.update(phase=Phase.ASSISTANCE.value, intake_completed_on=completed)
            h.add(StepKind.PHASE_CHANGE, completed, phrases.templates["intake_completed"])
        return first

    def _assistance_start(self, h: History) -> None:
        """Assistance starts with the first handover or the intake's completion, if earlier."""
        starts = [q.handovers[0].statuses[0][1] for q in h.questions if q.handovers]
        if completed := h.columns.get("intake_completed_on"):
            starts.append(completed)
        if starts:
            h.columns["assistance_started_on"] = min(starts)

    def _logged_steps(
        self, h: History, n: date, end: date, network: CareNetwork, minor: bool, still_open: bool
    ) -> None:
        """Contact moments, monitoring notes and care meetings over the trajectory's life."""
        dice, span = self.dice, (end - n).days
        if span < 1:
            return
        notes = data.CONTACT_NOTES + (
            data.MINOR_CONTACT_NOTES if minor else data.ADULT_CONTACT_NOTES
        )
        for _ in range(min(8, 1 + span // 90 + dice.rng.randint(0, 1))):
            h.add(StepKind.CONTACT_MOMENT, dice.days(n, 1, span), dice.choice(notes))
        for _ in range(min(4, span // 120 + dice.rng.randint(0, 1))):
            h.add(
                StepKind.MONITORING_NOTE, dice.days(n, 1, span), dice.choice(texts.MONITORING_NOTES)
            )
        if still_open and dice.chance(0.8):
            # Most coordinators keep up: a note within the last interval, so no review is overdue.
            back = dice.rng.randrange(min(span, h.columns["monitoring_interval_days"]))
            h.add(
                StepKind.MONITORING_NOTE,
                end - timedelta(days=back),
                dice.choice(texts.MONITORING_NOTES),
            )
        assisted = h.columns.get("assistance_started_on")
        if assisted is None or assisted >= end:
            return
        for _ in range(dice.weighted(MEETINGS)):
            guests = dice.rng.sample(network.names, min(2, len(network.names)))
            guests.append(dice.choice(texts.MEETING_GUESTS))
            on = dice.days(assisted, 1, (end - assisted).days)
            text = dice.choice(texts.MEETING_AGREEMENTS)
            h.add(StepKind.CARE_MEETING, on, text, participants=", ".join(guests))

    def _allowed(self, h: History, reason: ClosureReason, on: date) -> ClosureReason:
        """Before a regular closure the three knowledge conditions are confirmed; when the rule
        still refuses it (or the intake never finished) the client declined further help."""
        completed_on = h.columns.get("intake_completed_on")
        if reason is R.COMPLETED and completed_on is not None:
            for code, column in KNOWLEDGE_CONDITIONS.items():
                confirmed = max(on - timedelta(days=self.dice.rng.randint(0, 60)), completed_on)
                h.columns[column] = confirmed
                h.add(StepKind.CLOSURE_CONDITION_CONFIRMED, confirmed, code)
        case = h.columns.get("criminal_case")
        facts = ClosureFacts(
            criminal_case_open=not criminal_track_over(
                CriminalCase(case) if case else None, appeal_pending=h.columns["appeal_pending"]
            ),
            **{fact: column in h.columns for fact, column in KNOWS.items()},
        )
        if closure_blockers(reason, facts) or (reason is R.COMPLETED and completed_on is None):
            return R.DECLINED_HELP
        return reason

    def _close(self, h: History, reason: ClosureReason, on: date) -> None:
        """As close_trajectory: open handovers withdrawn, closed from the current phase; a few
        are reopened later, in the phase they left."""
        dice = self.dice
        for question in h.questions:
            for handover in question.handovers:
                if reason is R.COMPLETED:
                    # A regular closure settles the care that runs first.
                    for status in SETTLED.get(handover.status, ()):
                        handover.move(status, on)
                        h.add(STEP_OF_STATUS[status], on, handover.provider.name)
                if handover.is_open:
                    handover.move(HandoverStatus.WITHDRAWN, on)
                    h.add(StepKind.HANDOVER_WITHDRAWN, on, handover.provider.name)
        note = dice.choice(texts.CLOSURE_NOTES[reason]) if dice.chance(0.6) else None
        h.add(StepKind.CLOSURE, on, note)
        left_from = h.columns.get("phase", Phase.INTAKE.value)
        reopened = dice.days(on, 20, 240)
        if reason is not R.DECEASED and dice.chance(REOPENED) and reopened < self.today:
            h.add(StepKind.REOPENING, reopened, dice.choice(texts.REOPENING_REASONS))
            interval = timedelta(days=h.columns["monitoring_interval_days"])
            h.columns.update(phase=left_from, next_review_on=reopened + interval)
            return
        h.columns.update(
            phase=Phase.CLOSED.value,
            left_from_phase=left_from,
            closed_on=on,
            closure_reason=reason.value,
            next_review_on=None,
        )

    def _keep_open(self, h: History) -> None:
        """The next review is one interval after the latest monitoring note, else after the
        latest step, as log_step and set_monitoring leave it."""
        notes = [e.on for e in h.events if e.kind == StepKind.MONITORING_NOTE]
        last = max(notes) if notes else h.last_on
        h.columns.setdefault("phase", Phase.INTAKE.value)
        h.columns["next_review_on"] = last + timedelta(days=h.columns["monitoring_interval_days"])


def _giver(spec: ClientSpec, on: date) -> ConsentGiver:
    """The client from 16, a parent or guardian below; the client when the age is unknown."""
    born = spec.date_of_birth
    if born is not None and age_on(born, on) < CONSENT_AGE:
        return ConsentGiver.PARENT_OR_GUARDIAN
    return ConsentGiver.CLIENT
