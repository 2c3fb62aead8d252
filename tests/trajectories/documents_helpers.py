"""Helpers of the document tests: a file with a value planted in every part, reading PDFs."""

from __future__ import annotations

import html as htmllib
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date

import pytest

from carecoord.accounts.models import User
from carecoord.codes import (
    ConsentGiver,
    ConsentPurpose,
    HandoverStatus,
    InformationTopic,
    LifeDomain,
    ProviderType,
    StepKind,
)
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HandoverStatusChange, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.trajectories.models import ClientInformed, Consent, NeedsAssessment, Trajectory

IDENTITY = {
    "phone": "+31 6 1234 5678",
    "email": "m.kowalska@example.org",
    "address": "Kerkstraat 12, 1211 AB Hilversum",
    "bsn": "123456782",
    "v_number": "1234567890",
    "document_number": "EK1234567",
}
NAME = "Maria Kowalska"
CONTACT_TEXT = "Spoke about a safe place to live near the station"
MEETING_PARTICIPANTS = "Politie Midden-Nederland, De Veilige Haven"
MEETING_AGREEMENT = "Agreed: weekly contact with the shelter every Tuesday"
QUESTION_TEXT = "Needs a shelter place outside the city"
DECLINE_REASON = "No place free until June, waiting list full"
INTAKE_ANSWER = "Urgently needs housing; sleeps at a friend's place"
PROVIDER = "De Veilige Haven"
LANGUAGE = "Roemeens"


@dataclass
class Planted:
    t: Trajectory
    provider: CareProvider


def plant(t: Trajectory, coordinator: User) -> Planted:
    """Give `t` a value in every part a document shows, as work on the file would have."""
    day = t.notified_on
    t.responsible = coordinator
    t.add_step(StepKind.CONTACT_MOMENT, author=coordinator, on=day, text=CONTACT_TEXT)
    t.add_step(
        StepKind.CARE_MEETING,
        author=coordinator,
        on=day,
        text=MEETING_AGREEMENT,
        participants=MEETING_PARTICIPANTS,
    )
    provider = CareProvider(
        name=PROVIDER, region_id=t.region_id, provider_type=ProviderType.SHELTER.value
    )
    question = HelpQuestion(
        trajectory=t,
        domain=LifeDomain.SHELTER_HOUSING.value,
        created_on=day,
        created_by_id=coordinator.id,
    )
    question.text = QUESTION_TEXT
    db.session.add_all([provider, question])
    handover = Handover(
        help_question=question,
        provider=provider,
        status=HandoverStatus.DECLINED.value,
        proposed_on=day,
        sent_on=day,
        declined_on=day,
    )
    handover.decline_reason = DECLINE_REASON
    db.session.add(handover)
    for status in (HandoverStatus.PROPOSED, HandoverStatus.SENT, HandoverStatus.DECLINED):
        handover.changes.append(
            HandoverStatusChange(status=status.value, changed_on=day, changed_by=coordinator)
        )
    need = NeedsAssessment(
        trajectory_id=t.id,
        domain=LifeDomain.SHELTER_HOUSING.value,
        assessed=True,
        has_need=True,
        assessed_on=day,
    )
    need.note = INTAKE_ANSWER
    t.needs.append(need)
    t.informed.append(
        ClientInformed(
            topic=InformationTopic.RESIDENCE_LAW.value,
            informed_on=day,
            language=LANGUAGE,
            interpreter_used=True,
            recorded_by_id=coordinator.id,
        )
    )
    t.consents.append(
        Consent(
            purpose=ConsentPurpose.SHARE_WITH_PROVIDER.value,
            provider=provider,
            given_on=day,
            given_by=ConsentGiver.CLIENT.value,
            recorded_by=coordinator,
        )
    )
    t.consents.append(
        Consent(
            purpose=ConsentPurpose.COMENSHA_REGISTRATION.value,
            given_on=day,
            given_by=ConsentGiver.CLIENT.value,
            withdrawn_on=date(2026, 3, 3),
            recorded_by=coordinator,
        )
    )
    db.session.commit()
    return Planted(t=t, provider=provider)


def add_steps(t: Trajectory, author: User, n: int) -> None:
    for i in range(n):
        t.add_step(StepKind.CONTACT_MOMENT, author=author, on=t.notified_on, text=f"contact {i}")
    db.session.commit()


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return htmllib.unescape(response.get_data(as_text=True))


def pdf_pages(content: bytes, tmp_path) -> list[str]:
    """The text of each page of a PDF (pdftotext separates pages with a form feed)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text cannot be read")
    source = tmp_path / "document.pdf"
    source.write_bytes(content)
    # A fixed program and our own temporary file: no untrusted input reaches the command.
    result = subprocess.run(  # noqa: S603
        [pdftotext, "-layout", str(source), "-"], capture_output=True, check=True, timeout=60
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return [" ".join(page.split()) for page in pages if page.strip()]
