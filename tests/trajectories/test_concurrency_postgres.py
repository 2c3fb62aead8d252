"""Two sessions save the same trajectory at once, 50 times: one wins, one conflicts, none lost."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from carecoord.accounts.models import User
from carecoord.codes import StepKind
from carecoord.extensions import db
from carecoord.timeutil import today
from carecoord.trajectories.models import Step, Trajectory
from carecoord.trajectories.operations import StaleVersion, begin_change

ROUNDS = 50
# Each side saves a change only it would make: its own interval and its own step text.
INTERVAL = {"a": 14, "b": 21}
WON, LOST = "won", "lost"


def attempt(app: Flask, side: str, trajectory_id: int, user_id: int, barrier) -> str:
    """One save, in its own app context and so its own session and database connection."""
    with app.app_context():
        t = db.session.get(Trajectory, trajectory_id)
        actor = db.session.get(User, user_id)
        version = t.version
        db.session.commit()  # end the read: each side now holds the version it rendered
        barrier.wait(timeout=30)  # both read the same version before either saves
        try:
            begin_change(t, version=version, token=uuid.uuid4(), actor=actor)
            t.monitoring_interval_days = INTERVAL[side]
            t.add_step(StepKind.MONITORING_NOTE, author=actor, on=today(), text=f"side {side}")
            db.session.commit()
        except (StaleVersion, StaleDataError):
            db.session.rollback()
            return LOST
        return WON


@pytest.fixture
def postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): there is no race to lose there")


def test_exactly_one_of_two_racing_saves_wins_each_time(
    app, postgresql_only, make_trajectory, make_user
):
    t = make_trajectory()
    user = make_user("coordinator")
    trajectory_id, user_id, start = t.id, user.id, t.version
    with ThreadPoolExecutor(max_workers=2) as pool:
        for round_number in range(1, ROUNDS + 1):
            barrier = threading.Barrier(2)
            futures = {
                side: pool.submit(attempt, app, side, trajectory_id, user_id, barrier)
                for side in INTERVAL
            }
            outcome = {side: future.result(timeout=60) for side, future in futures.items()}

            assert sorted(outcome.values()) == [LOST, WON], (round_number, outcome)
            [winner] = [side for side, result in outcome.items() if result == WON]
            db.session.expire_all()
            stored = db.session.get(Trajectory, trajectory_id)
            assert stored.version == start + round_number
            assert stored.monitoring_interval_days == INTERVAL[winner]
            assert stored.steps[0].text == f"side {winner}"
            db.session.commit()

    notes = db.session.scalar(
        select(func.count())
        .select_from(Step)
        .where(Step.trajectory_id == trajectory_id, Step.kind == StepKind.MONITORING_NOTE.value)
    )
    assert notes == ROUNDS
