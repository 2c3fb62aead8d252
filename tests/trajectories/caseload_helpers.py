"""Helpers of the caseload and search tests: handovers, reading the rows, counting statements."""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from carecoord.codes import HandoverStatus, LifeDomain, ProviderType
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.timeutil import today
from carecoord.trajectories.models import Trajectory

CASELOAD = "/trajectories/"
SEARCH = "/trajectories/search"
ROW_LINK = re.compile(r'href="/trajectories/[0-9a-f-]{36}">([^<]+)</a>')


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def days_ahead(n: int) -> date:
    return today() + timedelta(days=n)


def change(t: Trajectory, **values: object) -> Trajectory:
    """Set columns of `t` straight in the database, as earlier work on the file would have."""
    for name, value in values.items():
        setattr(t, name, value)
    db.session.commit()
    return t


def add_handover(t: Trajectory, status: HandoverStatus, *, sent_on: date | None = None) -> Handover:
    """A help question of `t` handed over to a provider of its region, now in `status`."""
    provider = CareProvider(
        name=f"Opvang {uuid.uuid4().hex[:8]}",
        region_id=t.region_id,
        provider_type=ProviderType.SHELTER.value,
    )
    question = HelpQuestion(
        trajectory=t, domain=LifeDomain.SHELTER_HOUSING.value, created_on=t.notified_on
    )
    handover = Handover(
        help_question=question,
        provider=provider,
        status=status.value,
        proposed_on=t.notified_on,
        sent_on=sent_on,
    )
    db.session.add_all([provider, question, handover])
    db.session.commit()
    return handover


def case_numbers(html: str) -> list[str]:
    """The case numbers of the listed trajectories, in the order shown."""
    return ROW_LINK.findall(html)


def row_of(html: str, case_number: str) -> str:
    """The table row that shows `case_number`."""
    start = html.rindex("<tr", 0, html.index(f">{case_number}</a>"))
    return html[start : html.index("</tr>", start)]


@contextmanager
def counted_statements():
    """Count the SQL statements the engine runs inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
