"""The legal track of a bulk demo history: reflection period, police report, B8/3 residence
permit and criminal case, each change dated and worded as update_legal_track records it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from carecoord.codes import CriminalCase, NationalityGroup, PoliceReport, ResidencePermit
from carecoord.demo.plans import Dice
from carecoord.demo.texts import Phrases
from carecoord.trajectories.rules import reflection_period_end

REPORT_WEIGHTS = {
    PoliceReport.FILED: 45,
    PoliceReport.OTHER_COOPERATION: 15,
    PoliceReport.NOT_FILED: 30,
    PoliceReport.EXEMPTED: 10,
}
APPEAL = {"appeal_pending": True}
PERMIT_DECISIONS = {
    ResidencePermit.GRANTED: 60,
    ResidencePermit.REFUSED: 30,
    ResidencePermit.WITHDRAWN: 5,
}


@dataclass(frozen=True)
class LegalEvent:
    """One change of the legal track: the trajectory columns it sets and its step text.
    `case_open` says whether a criminal-law trajectory runs from here (None: unchanged)."""

    on: date
    text: str
    columns: dict[str, Any] = field(default_factory=dict)
    case_open: bool | None = None


class LegalTrack:
    """Draws the legal-track changes of one trajectory, oldest first."""

    def __init__(self, dice: Dice, phrases: Phrases) -> None:
        self.dice = dice
        self.phrases = phrases

    def events(self, notified_on: date, group: str, minor: bool) -> list[LegalEvent]:
        dice, events = self.dice, []
        reflection = None
        if dice.chance({NationalityGroup.NON_EEA: 0.6, NationalityGroup.EEA: 0.15}.get(group, 0)):
            reflection = dice.days(notified_on, 0, 10)
            text = self.phrases.reflection(reflection, reflection_period_end(reflection))
            events.append(LegalEvent(reflection, text, {"reflection_started_on": reflection}))
        if dice.chance(0.35 if minor else 0.6):
            report = dice.weighted(REPORT_WEIGHTS)
            if reflection is not None and dice.chance(0.5):
                on = dice.days(reflection, 60, 100)  # decided towards the reflection period's end
            else:
                on = dice.days(notified_on, 5, 120)
            events.append(self._status("police_report", report, on))
            if report in (PoliceReport.FILED, PoliceReport.OTHER_COOPERATION) and dice.chance(0.75):
                events.extend(self._criminal_case(on))
        if group == NationalityGroup.NON_EEA and dice.chance(0.7):
            applied = dice.days(reflection or notified_on, 30, 120)
            events.append(self._status("residence_permit", ResidencePermit.APPLIED, applied))
            if dice.chance(0.85):
                decision = dice.weighted(PERMIT_DECISIONS)
                events.append(
                    self._status("residence_permit", decision, dice.days(applied, 60, 300))
                )
        elif group in (NationalityGroup.NL, NationalityGroup.EEA) and dice.chance(0.5):
            on = dice.days(notified_on, 3, 60)
            events.append(self._status("residence_permit", ResidencePermit.NOT_APPLICABLE, on))
        return sorted(events, key=lambda e: e.on)

    def _status(self, name: str, code: Any, on: date, case_open: bool | None = None) -> LegalEvent:
        columns = {name: code.value, f"{name}_on": on}
        return LegalEvent(on, self.phrases.legal(name, code, on), columns, case_open)

    def _criminal_case(self, reported_on: date) -> list[LegalEvent]:
        """Investigation, then a dismissal (some only after years), or prosecution and a
        verdict, sometimes appealed; histories that end earlier see the case still running."""
        dice, name = self.dice, "criminal_case"
        investigated = dice.days(reported_on, 0, 30)
        events = [self._status(name, CriminalCase.UNDER_INVESTIGATION, investigated, True)]
        roll = dice.rng.random()
        if roll >= 0.45:
            prosecuted = dice.days(investigated, 60, 300)
            events.append(self._status(name, CriminalCase.PROSECUTION, prosecuted, True))
            verdict = CriminalCase.CONVICTION if dice.chance(0.7) else CriminalCase.ACQUITTAL
            on = dice.days(prosecuted, 120, 700)
            appealed = dice.chance(0.12)
            events.append(self._status(name, verdict, on, appealed))
            if appealed:
                events.append(LegalEvent(on, self.phrases.templates["appeal"], APPEAL))
                over = dice.days(on, 90, 365)
                text = self.phrases.templates["no_appeal"]
                events.append(LegalEvent(over, text, {"appeal_pending": False}, False))
        else:
            dismissed = dice.days(investigated, 60, 400 if roll < 0.35 else 900)
            events.append(self._status(name, CriminalCase.DISMISSED, dismissed, False))
        return events


def case_over_from(events: list[LegalEvent], on: date) -> date | None:
    """The first day, from `on`, without a criminal-law trajectory: `on` itself when none runs
    then, the day a later change ends it, or None when it never ends within these events."""
    running = False
    for event in events:
        if event.on > on:
            break
        if event.case_open is not None:
            running = event.case_open
    if not running:
        return on
    return next((e.on for e in events if e.on > on and e.case_open is False), None)
