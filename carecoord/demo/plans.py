"""The plain data a bulk demo history is drawn into (no database), and the dice it is drawn with."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from carecoord.codes import (
    ConsentGiver,
    ConsentPurpose,
    HandoverStatus,
    InformationTopic,
    LifeDomain,
    StepKind,
)
from carecoord.handovers import rules
from carecoord.handovers.rules import ConsentState

T = TypeVar("T")


class Dice:
    """A seeded generator with the draws histories need; reproducible, never a secret."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def days(self, start: date, low: int, high: int) -> date:
        return start + timedelta(days=self.rng.randint(low, high))

    def weighted(self, weights: dict[T, int]) -> T:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def choice(self, options: tuple[T, ...] | list[T]) -> T:
        return self.rng.choice(options)


@dataclass
class Event:
    """One step on the timeline; `participants` for care meetings only."""

    kind: StepKind
    on: date
    text: str | None = None
    participants: str | None = None


@dataclass
class ConsentPlan:
    purpose: ConsentPurpose
    given_on: date
    given_by: ConsentGiver
    provider_id: int | None = None
    withdrawn_on: date | None = None

    @property
    def state(self) -> ConsentState:
        return ConsentState(given_on=self.given_on, withdrawn_on=self.withdrawn_on)


@dataclass(frozen=True)
class Provider:
    id: int
    name: str
    provider_type: str


@dataclass
class HandoverPlan:
    """One handover and its statuses in order, each moved along the rules' transition table."""

    provider: Provider
    statuses: list[tuple[HandoverStatus, date]]
    decline_reason: str | None = None

    @property
    def status(self) -> HandoverStatus:
        return self.statuses[-1][0]

    @property
    def is_open(self) -> bool:
        return rules.is_open(self.status)

    def on(self, status: HandoverStatus) -> date | None:
        return next((on for s, on in self.statuses if s is status), None)

    def move(self, target: HandoverStatus, on: date, consent: ConsentState | None = None) -> None:
        """Raises HandoverRefused, as the operation would, for a move the rules refuse."""
        rules.check_handover_transition(
            self.status, target, consent=consent or ConsentState(), on=on
        )
        rules.check_status_date(on, previous=self.statuses[-1][1], today=date.max)
        self.statuses.append((target, on))


@dataclass
class QuestionPlan:
    domain: LifeDomain
    created_on: date
    text: str
    handovers: list[HandoverPlan] = field(default_factory=list)


@dataclass
class History:
    """Everything stored for one trajectory; `columns` are the trajectory's own columns."""

    events: list[Event] = field(default_factory=list)
    consents: list[ConsentPlan] = field(default_factory=list)
    needs: list[tuple[LifeDomain, bool, date, str | None]] = field(default_factory=list)
    informed: list[tuple[InformationTopic, date, str | None, bool]] = field(default_factory=list)
    questions: list[QuestionPlan] = field(default_factory=list)
    columns: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: StepKind, on: date, text: str | None = None, **extra: Any) -> None:
        self.events.append(Event(kind, on, text, **extra))

    @property
    def last_on(self) -> date:
        return max(event.on for event in self.events)
