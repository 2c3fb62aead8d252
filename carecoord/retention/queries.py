"""Which clients are due for the purge: a database pre-selection, then the pure rule decides.

No query here reads an encrypted column: what is listed is ids, case numbers, regions, dates.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from carecoord.accounts.models import Region
from carecoord.clients.models import Client
from carecoord.codes import Phase
from carecoord.extensions import db
from carecoord.retention import rules
from carecoord.trajectories.models import Trajectory


@dataclass(frozen=True)
class Due:
    """A client whose file is to be purged: ids, region, case numbers, dates; never a name."""

    client_id: int
    public_id: uuid.UUID
    region_code: str
    region_name: str
    case_numbers: tuple[str, ...]
    last_closed_on: date


def _candidates(today: date, years: int, after: int | None, size: int) -> list[int]:
    """Ids of unpurged clients with no open trajectory and a last closure on or before the
    latest due date, in id order: a pre-selection that `confirm_due` checks with the rule."""
    is_open = case((Trajectory.phase != Phase.CLOSED.value, 1), else_=0)
    undated = case((Trajectory.closed_on.is_(None), 1), else_=0)
    query = (
        select(Client.id)
        .join(Trajectory, Trajectory.client_id == Client.id)
        .where(Client.purged_at.is_(None))
        .group_by(Client.id)
        .having(
            func.sum(is_open) == 0,
            func.sum(undated) == 0,
            func.max(Trajectory.closed_on) <= rules.latest_due_closure(today, years),
        )
        .order_by(Client.id)
        .limit(size)
    )
    if after is not None:
        query = query.where(Client.id > after)
    return list(db.session.scalars(query))


def confirm_due(ids: list[int], today: date, years: int, *, lock: bool) -> list[Due]:
    """Those of `ids` the rule finds due, read afresh (and, when `lock`, locked against a
    reopening until the transaction ends)."""
    if not ids:
        return []
    states = select(
        Trajectory.client_id, Trajectory.phase, Trajectory.closed_on, Trajectory.case_number
    ).where(Trajectory.client_id.in_(ids))
    if lock:
        states = states.order_by(Trajectory.id).with_for_update()
    per_client: dict[int, list[tuple[str, str, date | None]]] = defaultdict(list)
    for client_id, phase, closed_on, case_number in db.session.execute(states):
        per_client[client_id].append((phase, case_number, closed_on))
    clients = select(Client.id, Client.public_id, Region.code, Region.name).join(
        Region, Region.id == Client.region_id
    )
    clients = clients.where(Client.id.in_(ids), Client.purged_at.is_(None)).order_by(Client.id)
    if lock:
        clients = clients.with_for_update(of=Client)
    found = []
    for client_id, public_id, code, name in db.session.execute(clients):
        trajectories = per_client.get(client_id, [])
        state = [rules.TrajectoryState(p == Phase.CLOSED.value, on) for p, _, on in trajectories]
        last = rules.last_closure(state)
        if last is None or not rules.is_due(state, today, years):
            continue
        numbers = tuple(sorted(number for _, number, _ in trajectories))
        found.append(Due(client_id, public_id, code, name, numbers, last))
    return found


def due_batch(
    today: date, years: int, after: int | None, size: int, *, lock: bool
) -> tuple[list[Due], int | None]:
    """The due clients among the next `size` candidates after client id `after`, and the last
    candidate id seen (None when there were none left)."""
    ids = _candidates(today, years, after, size)
    return confirm_due(ids, today, years, lock=lock), (ids[-1] if ids else None)
