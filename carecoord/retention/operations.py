"""The purge of due clients: identity and free text to NULL, codes kept, one audit entry each.

Flushes, never commits: `carecoord.retention.purge` runs it in batches, a transaction each.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import raiseload

from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.clients.models import Client
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.retention import rules
from carecoord.retention.queries import Due
from carecoord.security.rotation import EncryptedField, encrypted_models
from carecoord.trajectories.models import ClientInformed, NeedsAssessment, Step, Trajectory

AUDIT_DETAIL = "retention_purge"


class Unclassified(RuntimeError):
    """An encrypted attribute the purge does not know: refuse to run rather than keep it."""


def owned_rows(client_ids: list[int]) -> dict[type, ColumnElement[bool]]:
    """Per model holding client-file data: the condition selecting the rows of these clients."""
    trajectories = select(Trajectory.id).where(Trajectory.client_id.in_(client_ids))
    questions = select(HelpQuestion.id).where(HelpQuestion.trajectory_id.in_(trajectories))
    return {
        Client: Client.id.in_(client_ids),
        Step: Step.trajectory_id.in_(trajectories),
        NeedsAssessment: NeedsAssessment.trajectory_id.in_(trajectories),
        ClientInformed: ClientInformed.trajectory_id.in_(trajectories),
        HelpQuestion: HelpQuestion.trajectory_id.in_(trajectories),
        Handover: Handover.help_question_id.in_(questions),
    }


def purged_columns() -> dict[type, list[tuple[str, object]]]:
    """Per model, (label, column) of every value the purge removes: each encrypted attribute
    of a client-file model, and the plain free text of `rules.PURGED_PLAIN`.

    Raises Unclassified for an encrypted attribute that `rules` does not classify, or one that
    belongs to a model the purge cannot reach from the client.
    """
    owned = {model.__name__: model for model in owned_rows([])}
    found: dict[type, list[tuple[str, object]]] = {}
    for model, fields in encrypted_models().items():
        for f in fields:
            _check_classified(f, owned)
            if f.label in rules.PURGED:
                found.setdefault(model, []).append((f.label, f.column))
    for label in rules.PURGED_PLAIN:
        name, _, attribute = label.partition(".")
        model = owned[name]
        found.setdefault(model, []).append((label, model.__table__.c[attribute]))
    return found


def _check_classified(f: EncryptedField, owned: dict[str, type]) -> None:
    if f.label in rules.NOT_CLIENT_DATA:
        return
    if f.label not in rules.PURGED:
        raise Unclassified(f"{f.label} is not classified in carecoord.retention.rules")
    if f.model.__name__ not in owned:
        raise Unclassified(f"{f.label}: the purge cannot reach {f.model.__name__} from a client")


def purge_clients(due: list[Due], *, now: datetime) -> Counter[str]:
    """Remove the identity and free text of the `due` clients (found under lock by
    `queries.confirm_due`); keep every code and date. Returns the non-empty values removed,
    per `Model.attribute`. Writes one audit entry per client, by the system, without a name."""
    if not due:
        return Counter()
    ids = [d.client_id for d in due]
    conditions = owned_rows(ids)
    removed: Counter[str] = Counter()
    for model, columns in purged_columns().items():
        where = conditions[model]
        for label, column in columns:
            count = db.session.scalar(
                select(func.count()).select_from(model).where(where, column.is_not(None))
            )
            removed[label] += int(count or 0)
        values = {column.name: None for _, column in columns}
        if model is Client:
            # The blind index is derived from name and date of birth: it goes with them.
            values.update(blind_index=None, purged_at=now)
        # A purge is no edit by a user: it moves no optimistic-lock version (Core update) and
        # no `updated_at` (its onupdate is overridden by the column's own value).
        table = model.__table__
        values.update({c.name: c for c in table.columns if c.onupdate and c.name not in values})
        db.session.execute(update(table).where(where).values(values))
    clients = select(Client).options(raiseload("*")).where(Client.id.in_(ids))
    for client in db.session.scalars(clients.order_by(Client.id)):
        record(None, Action.DELETE, client, detail=AUDIT_DETAIL)
    db.session.flush()
    return removed
