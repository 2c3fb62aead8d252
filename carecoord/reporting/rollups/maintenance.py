"""Keeping the rollups equal to the live counts: updated in every write's own transaction.

On each flush that changes a counted fact (a trajectory's codes and dates, its client's
gender, nationality group or municipality, its forms of exploitation, its handovers, a
provider's type, a municipality's CBS code), the contributions of the trajectories concerned
are read before and after the flush and the difference is added to the rollups, in the same
transaction: a rollback takes it back, a commit publishes it with the change. On PostgreSQL
such writes queue on one advisory lock, so two transactions never count from the same "before"
(SQLite runs one writer at a time anyway).

A write that bypasses the session (a Core INSERT, UPDATE or DELETE of a counted column, such
as the demo seed's bulk inserts) removes the state row, and the dashboard runs its live
queries again until `rebuild()`; raw SQL text and writes from outside the app are not seen, so
run `rebuild()` after them. Importing this module installs both hooks.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Delete, Engine, Insert, Update, delete, event, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from carecoord.accounts.models import Municipality
from carecoord.clients.models import Client
from carecoord.database import reporting_bind_arguments
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.reporting.rollups.facts import all_facts, facts_of
from carecoord.reporting.rollups.models import DayCount, FlowCount, RollupState, StockEvent
from carecoord.reporting.rollups.rules import Contribution
from carecoord.timeutil import utcnow
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation

# pg_advisory_xact_lock key of the rollups' writers ("6a1c3e5f", the migration's revision).
LOCK_KEY = 0x6A1C3E5F
INSERT_CHUNK = 2000
PENDING = "dashboard_rollups_pending"

# The attributes each counted model is counted by: columns and the relationships behind them.
TRACKED: dict[type, frozenset[str]] = {
    Trajectory: frozenset(
        {
            "region_id",
            "client_id",
            "notified_on",
            "age_band",
            "referrer_type",
            "closed_on",
            "closure_reason",
            "intake_completed_on",
            "assistance_started_on",
            "phase",
            "left_from_phase",
            "reflection_started_on",
            "region",
            "client",
            "exploitation",
            "help_questions",
        }
    ),
    Client: frozenset({"gender", "nationality_group", "municipality_id", "municipality"}),
    Municipality: frozenset({"cbs_code"}),
    CareProvider: frozenset({"provider_type"}),
    TrajectoryExploitation: frozenset({"trajectory_id", "form"}),
    HelpQuestion: frozenset({"trajectory_id", "trajectory", "handovers"}),
    Handover: frozenset(
        {
            "help_question_id",
            "provider_id",
            "accepted_on",
            "declined_on",
            "completed_on",
            "help_question",
            "provider",
        }
    ),
}
# The counted columns by table name, for writes that bypass the session.
COUNTED_COLUMNS: dict[str, frozenset[str]] = {
    model.__table__.name: frozenset(k for k in keys if k in model.__table__.c)
    for model, keys in TRACKED.items()
}
ROLLUP_TABLES = (FlowCount, DayCount, StockEvent)
# Counted through trajectories that point to them: their trajectories are looked up.
DIMENSIONS = (Client, Municipality, CareProvider)

# True while a flush whose changes the hooks follow is writing.
_following: ContextVar[bool] = ContextVar("dashboard_rollups_following", default=False)


def built() -> bool:
    """Whether the rollups hold every trajectory (read where the dashboard reads)."""
    query = select(RollupState.id).limit(1)
    return db.session.scalar(query, bind_arguments=reporting_bind_arguments()) is not None


def invalidate(session: Session | None = None) -> None:
    """Send the dashboard back to its live queries until the next rebuild."""
    (session or db.session).execute(delete(RollupState))


def rebuild(session: Session | None = None) -> int:
    """Count every trajectory afresh into empty rollups; returns how many. Never commits."""
    session = session or db.session
    _lock(session)
    for model in (*ROLLUP_TABLES, RollupState):
        session.execute(delete(model))
    total, counted = recount(session)
    _write(session, total, insert_only=True)
    session.add(RollupState(id=1, built_at=utcnow()))
    session.flush()
    return counted


def recount(session: Session) -> tuple[Contribution, int]:
    """What the rollups should hold, counted from every trajectory; and how many there are."""
    total, counted = Contribution(), 0
    for chunk in all_facts(session):
        for facts in chunk:
            total.add(facts)
        counted += len(chunk)
    return total, counted


def stored(session: Session) -> Contribution:
    """What the rollups hold (keys counted back to zero left out)."""
    held = Contribution()
    for model, counts, names in _tables(held):
        columns = [model.region_id, *(getattr(model, name) for name in names), model.n]
        for region, *key, n in session.execute(select(*columns).where(model.n != 0)):
            counts[(region, tuple(key))] = n
    return held


def _tables(change: Contribution) -> tuple:
    return (
        (FlowCount, change.flows, ("year", "quarter", "dimension", "code")),
        (DayCount, change.days, ("year", "quarter", "measure", "days")),
        (StockEvent, change.stock, ("day", "series")),
    )


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def _changed(session: Session) -> list[Any]:
    """The counted objects this flush inserts, deletes, or changes in a counted attribute."""
    found = [o for o in (*session.new, *session.deleted) if type(o) in TRACKED]
    for obj in session.dirty:
        keys = TRACKED.get(type(obj))
        if keys and any(inspect(obj).attrs[key].history.has_changes() for key in keys):
            found.append(obj)
    return found


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    _following.set(False)
    changed = _changed(session)
    if not changed:
        session.info.pop(PENDING, None)
        return
    _lock(session)
    persistent = [obj for obj in changed if inspect(obj).identity is not None]
    before = _stored_ids(session, persistent) | {i for o in changed for i in _pointed_to(o)}
    new = {id(obj) for obj in changed if inspect(obj).identity is None}
    session.info[PENDING] = (changed, new, before, _contribution(session, before))
    _following.set(True)


def _after_flush_postexec(session: Session, _context: object) -> None:
    pending = session.info.pop(PENDING, None)
    if pending is None:
        return
    changed, new, before, old = pending
    kept = [obj for obj in changed if not inspect(obj).deleted and not inspect(obj).detached]
    # Stored now, trajectories, forms and handovers name their trajectory themselves; a client,
    # provider or municipality new in this flush has no trajectory but those flushed with it.
    ids = {i for obj in kept for i in _pointed_to(obj)}
    looked_up = [o for o in kept if type(o) in DIMENSIONS and id(o) not in new]
    ids |= _stored_ids(session, looked_up)
    _write(session, _contribution(session, before | ids).minus(old))
    _following.set(False)


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(PENDING, None)
    _following.set(False)


def _contribution(session: Session, ids: set[int]) -> Contribution:
    total = Contribution()
    for facts in facts_of(session, ids):
        total.add(facts)
    return total


def _stored_ids(session: Session, objects: Iterable[Any]) -> set[int]:
    """The trajectories whose counts the stored `objects` touch, as the database has them."""
    by_model: dict[type, set[Any]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), set()).add(inspect(obj).identity)
    ids: set[int] = set()
    for model, identities in by_model.items():
        ids |= _stored_trajectories(session, model, identities)
    return ids


def _pointed_to(obj: Any) -> set[int]:
    """The trajectory an object names in memory, when it has an id."""
    if isinstance(obj, Trajectory):
        return {obj.id} if obj.id is not None else set()
    if isinstance(obj, Handover):
        return _pointed_to(obj.help_question) if obj.help_question is not None else set()
    if isinstance(obj, HelpQuestion) and obj.trajectory is not None:
        return _pointed_to(obj.trajectory)
    if isinstance(obj, HelpQuestion | TrajectoryExploitation) and obj.trajectory_id is not None:
        return {obj.trajectory_id}
    return set()


def _stored_trajectories(session: Session, model: type, identities: set[Any]) -> set[int]:
    keys = [identity[0] for identity in identities]
    if model is Trajectory:
        return set(keys)
    if model is TrajectoryExploitation:
        return {trajectory_id for trajectory_id, _form in identities}
    query = {
        Client: select(Trajectory.id).where(Trajectory.client_id.in_(keys)),
        Municipality: select(Trajectory.id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Client.municipality_id.in_(keys)),
        CareProvider: select(HelpQuestion.trajectory_id)
        .join(Handover, Handover.help_question_id == HelpQuestion.id)
        .where(Handover.provider_id.in_(keys)),
        HelpQuestion: select(HelpQuestion.trajectory_id).where(HelpQuestion.id.in_(keys)),
        Handover: select(HelpQuestion.trajectory_id)
        .join(Handover, Handover.help_question_id == HelpQuestion.id)
        .where(Handover.id.in_(keys)),
    }[model]
    return set(session.scalars(query))


def _write(session: Session, change: Contribution, *, insert_only: bool = False) -> None:
    """Add `change` to the rollups: new keys inserted, existing ones incremented."""
    upsert = _upsert_for(session.get_bind().dialect.name)
    for model, counts, names in _tables(change):
        rows = [
            {"region_id": region, **dict(zip(names, key, strict=True)), "n": n}
            for (region, key), n in counts.items()
            if n
        ]
        table = model.__table__
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start : start + INSERT_CHUNK]
            if insert_only:
                session.execute(table.insert(), chunk)
                continue
            statement = upsert(table)
            statement = statement.on_conflict_do_update(
                index_elements=[c.name for c in table.primary_key],
                set_={"n": table.c.n + statement.excluded.n},
            )
            session.execute(statement, chunk)


def _upsert_for(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _guard(conn: Any, statement: Any, multiparams: Any, params: Any, _options: Any) -> None:
    """A write to a counted column outside a followed flush: the rollups may now be wrong."""
    if _following.get() or not isinstance(statement, Insert | Update | Delete):
        return
    counted = COUNTED_COLUMNS.get(getattr(statement.table, "name", ""))
    if counted is None:
        return
    if isinstance(statement, Update) and not _sets(statement, multiparams, params) & counted:
        return
    state = RollupState.__table__
    if conn.dialect.has_table(conn, state.name):
        conn.execute(state.delete())


def _sets(statement: Update, multiparams: Any, params: Any) -> set[str]:
    """The columns an UPDATE sets: its values and its parameters' names (fail-safe: a name
    that is also a counted column counts, whether it is set or only compared)."""
    names = {getattr(c, "key", str(c)) for c in (statement._values or {})}
    for given in [*(multiparams or []), params or {}]:
        if isinstance(given, dict):
            names |= set(given)
    return names


event.listen(db.session, "before_flush", _before_flush)
event.listen(db.session, "after_flush_postexec", _after_flush_postexec)
event.listen(db.session, "after_soft_rollback", _forget)
event.listen(Engine, "before_execute", _guard)
