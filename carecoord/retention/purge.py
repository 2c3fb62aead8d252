"""The retention run: due clients in batches, a transaction per batch, resumable, idempotent.

A run that stops halfway keeps the batches it committed; the next run finds only the clients
still unpurged (`purged_at` is empty), so running it twice purges nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.exc import SQLAlchemyError

from carecoord.extensions import db
from carecoord.retention import rules
from carecoord.retention.operations import purge_clients, purged_columns
from carecoord.retention.queries import Due, due_batch

DEFAULT_BATCH = 100


class PurgeFailed(Exception):
    """A batch failed and was rolled back; `report` holds what the earlier batches committed."""

    def __init__(self, report: PurgeReport, error: Exception) -> None:
        super().__init__(type(error).__name__)
        self.report = report
        self.error_type = type(error).__name__


@dataclass
class PurgeReport:
    """What a run did (or, dry, would do): the clients, and the values removed per field."""

    today: date
    years: int
    dry_run: bool
    clients: list[Due] = field(default_factory=list)
    removed: Counter[str] = field(default_factory=Counter)

    @property
    def latest_due_closure(self) -> date:
        return rules.latest_due_closure(self.today, self.years)

    def per_region(self) -> dict[tuple[str, str], list[Due]]:
        found: dict[tuple[str, str], list[Due]] = {}
        for due in self.clients:
            found.setdefault((due.region_code, due.region_name), []).append(due)
        return dict(sorted(found.items()))

    @property
    def trajectory_count(self) -> int:
        return sum(len(due.case_numbers) for due in self.clients)


def run(
    *, today: date, years: int, now: datetime, dry_run: bool, batch_size: int = DEFAULT_BATCH
) -> PurgeReport:
    """Purge every due client (dry: list them and change nothing). Commits once per batch."""
    rules.check_years(years)
    if batch_size < 1:
        raise ValueError("the batch size is at least 1")
    # Fail closed before touching anything when an encrypted field is not classified.
    purged_columns()
    report = PurgeReport(today=today, years=years, dry_run=dry_run)
    after = None
    while True:
        try:
            due, after = due_batch(today, years, after, batch_size, lock=not dry_run)
            if dry_run:
                # End the read transaction per batch: on SQLite it holds the write lock.
                db.session.rollback()
                removed: Counter[str] = Counter()
            else:
                removed = purge_clients(due, now=now)
                db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            raise PurgeFailed(report, error) from error
        report.clients.extend(due)
        report.removed.update(removed)
        if after is None:
            return report
