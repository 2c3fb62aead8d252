"""Data for the dashboard tests: trajectories with coded facts, and a query counter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from carecoord.codes import ClosureReason, HandoverStatus, Phase, ProviderType
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.trajectories.models import Trajectory

CANARY = "Zyxwv Canarynaam"


def notified(make_trajectory, n: int, on: date = date(2026, 9, 1), **kwargs) -> list[Trajectory]:
    return [make_trajectory(name=f"{CANARY} {i}", notified_on=on, **kwargs) for i in range(n)]


def close(t: Trajectory, on: date, reason: ClosureReason = ClosureReason.COMPLETED) -> None:
    t.phase, t.closed_on, t.closure_reason = Phase.CLOSED.value, on, reason.value
    db.session.commit()


def complete_intake(t: Trajectory, on: date) -> None:
    t.phase, t.intake_completed_on, t.assistance_started_on = Phase.ASSISTANCE.value, on, on
    db.session.commit()


def hand_over(t: Trajectory, status: HandoverStatus, on: date, kind=ProviderType.SHELTER) -> None:
    name = f"Opvang {t.case_number}"
    provider = CareProvider(name=name, region=t.region, provider_type=kind.value)
    question = HelpQuestion(trajectory=t, domain="shelter", created_on=t.notified_on)
    handover = Handover(help_question=question, provider=provider, proposed_on=t.notified_on)
    handover.status = status.value
    handover.accepted_on = on if status is not HandoverStatus.DECLINED else None
    handover.declined_on = on if status is HandoverStatus.DECLINED else None
    handover.completed_on = on if status is HandoverStatus.COMPLETED else None
    db.session.add_all([provider, question, handover])
    db.session.commit()


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
