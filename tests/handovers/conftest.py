"""Fixtures for help questions and handovers: providers, consents, an English interface."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from carecoord.codes import ConsentGiver, ConsentPurpose, HandoverStatus
from carecoord.extensions import db
from carecoord.handovers.models import (
    STATUS_DATE_COLUMN,
    Handover,
    HandoverStatusChange,
    HelpQuestion,
)
from carecoord.providers.models import CareProvider
from carecoord.trajectories.models import Consent, Trajectory


@pytest.fixture
def make_provider(make_provider) -> Callable[..., CareProvider]:
    """The shared fixture, with this package's default provider name."""

    def make(name: str = "Opvang De Haven", **details: object) -> CareProvider:
        return make_provider(name, **details)

    return make


@pytest.fixture
def give_consent(app) -> Callable[..., Consent]:
    def give(
        t: Trajectory,
        provider: CareProvider,
        given_on: date = date(2026, 9, 2),
        withdrawn_on: date | None = None,
    ) -> Consent:
        consent = Consent(
            trajectory_id=t.id,
            purpose=ConsentPurpose.SHARE_WITH_PROVIDER.value,
            provider_id=provider.id,
            given_on=given_on,
            given_by=ConsentGiver.CLIENT.value,
            withdrawn_on=withdrawn_on,
        )
        db.session.add(consent)
        db.session.commit()
        return consent

    return give


@pytest.fixture
def make_question(app) -> Callable[..., HelpQuestion]:
    """A help question stored straight through the models (the form is tested on its own)."""

    def make(t: Trajectory, text: str = "Needs a safe place to stay", on=date(2026, 9, 2)):
        question = HelpQuestion(domain="shelter_housing", created_on=on)
        question.text = text
        t.help_questions.append(question)
        db.session.commit()
        return question

    return make


@pytest.fixture
def make_handover(app) -> Callable[..., Handover]:
    """A handover in `status`, each status reached on the dates given (straight to the models)."""

    def make(question: HelpQuestion, provider: CareProvider, **dates: date) -> Handover:
        dates.setdefault("proposed", date(2026, 9, 3))
        handover = Handover(provider=provider, proposed_on=dates["proposed"])
        for status in (s for s in HandoverStatus if s.value in dates):
            setattr(handover, STATUS_DATE_COLUMN[status], dates[status.value])
            handover.changes.append(
                HandoverStatusChange(status=status.value, changed_on=dates[status.value])
            )
            handover.status = status.value
        question.handovers.append(handover)
        db.session.commit()
        return handover

    return make
