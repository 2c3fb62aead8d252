"""Client files for the retention tests: a canary in every purged field, closed on a given day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select, text

from carecoord.codes import (
    ClosureReason,
    ConsentGiver,
    ConsentPurpose,
    HandoverStatus,
    InformationTopic,
    LifeDomain,
    Phase,
    ProviderType,
    StepKind,
)
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HandoverStatusChange, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.security.rotation import encrypted_models
from carecoord.trajectories.models import ClientInformed, Consent, NeedsAssessment, Trajectory
from carecoord.trajectories.operations import next_case_number

# The day the tests run the purge, and the period: 7 years (the default).
TODAY = date(2026, 11, 29)
YEARS = 7
# One exact nationality per file, so each client's own shows in a sweep (all outside the EEA).
NATIONALITIES = ("TV", "NR", "PW", "KI", "TO", "WS", "FM", "MH", "SB", "VU")


@dataclass
class File:
    """One client's file: its trajectories, and the tag every one of its canaries carries."""

    tag: str
    born: date
    nationality: str
    trajectories: list[Trajectory]

    @property
    def client(self):
        return self.trajectories[0].client

    @property
    def needles(self) -> list[str]:
        return [self.tag, self.born.isoformat()]


def close(t: Trajectory, on: date, reason: ClosureReason = ClosureReason.DECLINED_HELP) -> None:
    t.left_from_phase = t.phase
    t.phase, t.closed_on, t.closure_reason = Phase.CLOSED.value, on, reason.value
    db.session.commit()


def fill(t: Trajectory, tag: str, on: date) -> None:
    """A canary carrying `tag` in every free-text field of the trajectory; codes beside them."""
    t.consents.append(
        Consent(
            purpose=ConsentPurpose.COMENSHA_REGISTRATION.value,
            given_on=on,
            given_by=ConsentGiver.CLIENT.value,
        )
    )
    t.add_step(StepKind.CONTACT_MOMENT, author=None, on=on, text=f"contact {tag}")
    t.add_step(
        StepKind.CARE_MEETING,
        author=None,
        on=on,
        text=f"agreements {tag}",
        participants=f"participants {tag}",
    )
    needs = NeedsAssessment(
        domain=LifeDomain.INCOME_DEBTS.value, assessed=True, has_need=True, assessed_on=on
    )
    needs.note = f"needs note {tag}"
    t.needs.append(needs)
    t.informed.append(
        ClientInformed(topic=InformationTopic.CARE.value, informed_on=on, language=f"taal {tag}")
    )
    provider = CareProvider(
        region=t.region, name=f"Opvang {t.case_number}", provider_type=ProviderType.SHELTER.value
    )
    question = HelpQuestion(domain=LifeDomain.SHELTER_HOUSING.value, created_on=on)
    question.text = f"help question {tag}"
    t.help_questions.append(question)
    declined = Handover(provider=provider, proposed_on=on, sent_on=on, declined_on=on)
    declined.status = HandoverStatus.DECLINED.value
    declined.decline_reason = f"decline reason {tag}"
    declined.changes.append(HandoverStatusChange(status="declined", changed_on=on))
    accepted = Handover(provider=provider, proposed_on=on, sent_on=on, accepted_on=on)
    accepted.status = HandoverStatus.ACCEPTED.value
    question.handovers.extend([declined, accepted])
    t.phase, t.intake_completed_on, t.assistance_started_on = Phase.ASSISTANCE.value, on, on
    db.session.add(provider)
    db.session.commit()


@pytest.fixture
def make_file(make_trajectory) -> Callable[..., File]:
    """A client with one trajectory per (notified, closed) pair; closed None leaves it open."""
    counter = {"n": 0}

    def make(
        tag: str,
        *periods: tuple[date, date | None],
        region: str = "Gooi en Vechtstreek",
    ) -> File:
        counter["n"] += 1
        born = date(1950 + counter["n"], 1 + counter["n"] % 12, 1 + counter["n"] % 28)
        first = periods[0]
        t = make_trajectory(
            region=region,
            name=f"Naam {tag}",
            date_of_birth=born,
            nationality=NATIONALITIES[counter["n"] - 1],
            notified_on=first[0],
            phone=f"+31 6 {tag}",
            email=f"{tag}@mail.example",
            address=f"Straat 1 {tag}",
            bsn=f"bsn{tag}",
            v_number=f"v{tag}",
            document_number=f"doc{tag}",
        )
        trajectories = [t]
        # One at a time, each closed before the next: never two open trajectories at once.
        for i, (notified_on, closed_on) in enumerate(periods):
            if i:
                trajectories.append(
                    Trajectory(
                        client=t.client,
                        region=t.region,
                        case_number=next_case_number(t.region, notified_on.year),
                        notified_on=notified_on,
                        referrer_type=t.referrer_type,
                        age_band=t.age_band,
                    )
                )
                db.session.add(trajectories[-1])
                db.session.flush()
            fill(trajectories[-1], tag, notified_on)
            if closed_on is not None:
                close(trajectories[-1], closed_on)
        return File(tag, born, NATIONALITIES[counter["n"] - 1], trajectories)

    return make


def encrypted_columns() -> dict[tuple[str, str], list[tuple[object, bytes | None]]]:
    """(table, column) → [(row key, stored bytes)] for every encrypted column, as stored."""
    db.session.expire_all()
    found = {}
    for model, fields in encrypted_models().items():
        key = model.__mapper__.primary_key[0]
        for f in fields:
            rows = db.session.execute(select(key, f.column).order_by(key))
            found[(model.__tablename__, f.column.name)] = [
                (k, None if v is None else bytes(v)) for k, v in rows
            ]
    return found


def decrypted_values() -> list[tuple[str, str]]:
    """(`Model.attribute`, value as text) of every encrypted value that is set, decrypted."""
    db.session.expire_all()
    found = []
    for model, fields in encrypted_models().items():
        for row in db.session.scalars(select(model)):
            for f in fields:
                value = f.attribute.__get__(row)
                if value is not None:
                    found.append((f.label, str(value)))
    return found


def plain_cells() -> list[tuple[str, str, str]]:
    """(table, column, text) of every non-binary cell of every table."""
    db.session.expire_all()
    cells = []
    for table in db.metadata.sorted_tables:
        result = db.session.execute(text(f'SELECT * FROM "{table.name}"'))
        columns = list(result.keys())
        for row in result:
            cells.extend(
                (table.name, column, str(value))
                for column, value in zip(columns, row, strict=True)
                if value is not None and not isinstance(value, bytes | bytearray | memoryview)
            )
    return cells


def where_found(file: File) -> set[str]:
    """Every place a canary of `file` shows: `Model.attribute` decrypted, or `table.column`."""
    hits = {
        label
        for label, value in decrypted_values()
        if any(n in value for n in file.needles)
        or (label == "Client.nationality" and value == file.nationality)
    }
    hits |= {
        f"{table}.{column}"
        for table, column, value in plain_cells()
        if any(n in value for n in file.needles)
    }
    return hits
