"""Shared pieces of the CoMensha export tests: consent, a canary file, the files on disk."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from carecoord.codes import (
    ConsentGiver,
    ConsentPurpose,
    HandoverStatus,
    LifeDomain,
    ProviderType,
    StepKind,
)
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HandoverStatusChange, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.reporting.aggregates import Period
from carecoord.trajectories.models import Consent, NeedsAssessment, Trajectory

Q3 = Period.parse("2026-Q3")
AFTER_Q3 = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)
# One distinct canary per encrypted field: any of them in a file is a leak.
CANARIES = {
    "name": "Canaryname Zwiebelfisch",
    "phone": "+31 6 99887766",
    "email": "canary.mail@leak.example",
    "address": "Kanariestraat 99, Hilversum",
    "bsn": "999999990",
    "v_number": "8123456789",
    "document_number": "CANARYDOC42",
}
CANARY_BORN = date(1988, 3, 14)
CANARY_TEXTS = {
    "step": "canary step text about the safe house",
    "participants": "canary participants Jansen and De Vries",
    "needs": "canary needs note: debts with the trafficker",
    "help_question": "canary help question: a room in Amsterdam",
    "decline": "canary decline reason: no room",
}


def give_consent(t: Trajectory, given_on: date, withdrawn_on: date | None = None) -> Consent:
    consent = Consent(
        purpose=ConsentPurpose.COMENSHA_REGISTRATION.value,
        given_on=given_on,
        given_by=ConsentGiver.CLIENT.value,
        withdrawn_on=withdrawn_on,
    )
    t.consents.append(consent)
    db.session.commit()
    return consent


@pytest.fixture
def canary_file(make_trajectory):
    """A consented trajectory in Gooi en Vechtstreek with a canary in every encrypted field."""
    t = make_trajectory(date_of_birth=CANARY_BORN, nationality="PL", **CANARIES)
    give_consent(t, date(2026, 9, 2))
    t.add_step(
        StepKind.INTAKE_CONVERSATION, author=None, on=date(2026, 9, 3), text=CANARY_TEXTS["step"]
    )
    t.add_step(
        StepKind.CARE_MEETING,
        author=None,
        on=date(2026, 9, 4),
        text=CANARY_TEXTS["step"],
        participants=CANARY_TEXTS["participants"],
    )
    needs = NeedsAssessment(domain=LifeDomain.INCOME_DEBTS.value, assessed=True, has_need=True)
    needs.note = CANARY_TEXTS["needs"]
    t.needs.append(needs)
    provider = CareProvider(
        region=t.region, name="Opvang Canary", provider_type=ProviderType.SHELTER.value
    )
    question = HelpQuestion(domain=LifeDomain.SHELTER_HOUSING.value, created_on=date(2026, 9, 5))
    question.text = CANARY_TEXTS["help_question"]
    t.help_questions.append(question)
    handover = Handover(
        provider=provider, proposed_on=date(2026, 9, 5), declined_on=date(2026, 9, 8)
    )
    handover.status = HandoverStatus.DECLINED.value
    handover.decline_reason = CANARY_TEXTS["decline"]
    handover.changes.append(HandoverStatusChange(status="declined", changed_on=date(2026, 9, 8)))
    question.handovers.append(handover)
    db.session.add(provider)
    db.session.commit()
    return t


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file in `folder` (temporary ones included), by name."""
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
