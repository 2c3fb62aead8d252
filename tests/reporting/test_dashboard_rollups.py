"""The rollups always give the live queries' counts: after every kind of write, a rollback,
a rebuild; and a write that bypasses the session sends the dashboard back to the live queries."""

from __future__ import annotations

import random
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select, update

from carecoord.accounts.models import Municipality, Region
from carecoord.clients.models import Client
from carecoord.codes import (
    AgeBand,
    ClosureReason,
    ExploitationForm,
    Gender,
    HandoverStatus,
    Phase,
    ProviderType,
    ReferrerType,
)
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.reporting.aggregates import Period
from carecoord.reporting.dashboard import DAYS, FLOWS, LiveCounts
from carecoord.reporting.dashboard_tables import build
from carecoord.reporting.rollups import maintenance
from carecoord.reporting.rollups.models import DayCount, FlowCount, StockEvent
from carecoord.reporting.rollups.reads import RolledUpCounts, counts_for
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation
from tests.reporting.dashboard_data import close, complete_intake, notified

GOOI, RIJNMOND = "Gooi en Vechtstreek", "Rotterdam-Rijnmond"
PERIODS = [Period(2025), Period(2026), *(Period(2026, q) for q in range(1, 5)), Period(2025, 4)]


@pytest.fixture
def rollups(app):
    """Rollups built over the (empty) database: from now on the writes keep them."""
    maintenance.rebuild()
    db.session.commit()
    assert maintenance.built()


def everything(counts) -> dict:
    """Every count a dashboard page reads, in one comparable value."""
    return {
        "flows": {key: counts.flow(key) for key in FLOWS},
        "handovers": counts.handovers(),
        "stocks": counts.stocks(),
        "medians": {(m, minimum): counts.median(m, minimum) for m in DAYS for minimum in (1, 2)},
    }


def hand_over(t: Trajectory, status: HandoverStatus, on: date, kind=ProviderType.SHELTER) -> None:
    """A handover to the region's provider of `kind` (one per kind), with the status's date."""
    name = f"Aanbieder {kind.value}"
    provider = db.session.scalar(
        select(CareProvider).where(CareProvider.region_id == t.region_id, CareProvider.name == name)
    ) or CareProvider(name=name, region=t.region, provider_type=kind.value)
    question = HelpQuestion(trajectory=t, domain="shelter", created_on=t.notified_on)
    handover = Handover(help_question=question, provider=provider, proposed_on=t.notified_on)
    handover.status = status.value
    handover.accepted_on = on if status is not HandoverStatus.DECLINED else None
    handover.declined_on = on if status is HandoverStatus.DECLINED else None
    handover.completed_on = on if status is HandoverStatus.COMPLETED else None
    db.session.add_all([provider, question, handover])
    db.session.commit()


def assert_rollups_equal_live() -> None:
    db.session.commit()
    assert maintenance.built()
    for region in db.session.scalars(select(Region)):
        for period in PERIODS:
            live, rolled = LiveCounts(region.id, period), RolledUpCounts(region.id, period)
            assert everything(rolled) == everything(live), (region.name, str(period))
            assert build(region, period, 5, counts=rolled) == build(region, period, 5, counts=live)


def stored_rollups() -> dict:
    """The rollup rows that count something (a key back at zero is kept as a zero row)."""
    return {
        model.__tablename__: sorted(
            tuple(row) for row in db.session.execute(select(model.__table__).where(model.n != 0))
        )
        for model in (FlowCount, DayCount, StockEvent)
    }


def test_the_rollups_follow_every_kind_of_write(app, rollups, make_trajectory):
    spring = notified(make_trajectory, 3, on=date(2026, 4, 2))
    winter = notified(make_trajectory, 2, on=date(2025, 12, 30))
    notified(make_trajectory, 2, on=date(2026, 2, 1), region=RIJNMOND)
    assert_rollups_equal_live()

    complete_intake(spring[0], date(2026, 5, 1))
    spring[1].reflection_started_on = date(2026, 6, 20)  # runs past the end of Q2
    winter[0].phase, winter[0].assistance_started_on = Phase.ASSISTANCE.value, date(2026, 1, 5)
    close(winter[1], date(2026, 3, 31), ClosureReason.DECLINED_HELP)
    assert_rollups_equal_live()

    hand_over(spring[0], HandoverStatus.ACCEPTED, date(2026, 5, 3))
    hand_over(spring[0], HandoverStatus.COMPLETED, date(2026, 9, 30), kind=ProviderType.MEDICAL)
    hand_over(winter[0], HandoverStatus.DECLINED, date(2026, 1, 2), kind=ProviderType.LEGAL_AID)
    assert_rollups_equal_live()

    # The client's and the dimension tables' facts: counted through the trajectories.
    spring[2].client.gender = Gender.MALE.value
    assert_rollups_equal_live()
    winter[0].client.municipality = None
    spring[1].exploitation.clear()
    spring[1].exploitation.append(TrajectoryExploitation(form=ExploitationForm.LABOUR.value))
    provider = db.session.scalar(select(CareProvider).where(CareProvider.name.like("%shelter")))
    provider.provider_type = ProviderType.WOMENS_SHELTER.value
    municipality = db.session.scalar(select(Municipality).where(Municipality.name == "Hilversum"))
    municipality.cbs_code = "GM9999"
    assert_rollups_equal_live()

    # Dates moved across quarters and years, a closure without a reason, a deletion.
    spring[0].notified_on = date(2025, 11, 11)
    spring[0].age_band = AgeBand.CHILD.value
    winter[1].closure_reason = None
    handover = db.session.scalar(select(Handover).where(Handover.declined_on.is_not(None)))
    handover.help_question.handovers.remove(handover)
    assert_rollups_equal_live()

    first = db.session.scalar(select(Handover).where(Handover.accepted_on.is_not(None)))
    first.help_question.trajectory.help_questions.remove(first.help_question)
    db.session.delete(spring[2])
    assert_rollups_equal_live()


def test_a_rollback_takes_the_rollups_back_with_the_change(app, rollups, make_trajectory):
    (t,) = notified(make_trajectory, 1, on=date(2026, 8, 1))
    before = stored_rollups()
    t.closed_on, t.closure_reason, t.phase = date(2026, 9, 1), "completed", Phase.CLOSED.value
    db.session.flush()
    assert stored_rollups() != before
    db.session.rollback()
    assert stored_rollups() == before
    assert_rollups_equal_live()


def test_a_rebuild_counts_what_the_writes_counted(app, rollups, make_trajectory):
    for t in notified(make_trajectory, 4, on=date(2026, 3, 3)):
        complete_intake(t, date(2026, 3, 20))
        hand_over(t, HandoverStatus.ACCEPTED, date(2026, 4, 1))
    close(t, date(2026, 7, 1))
    kept = stored_rollups()
    assert kept["dashboard_flow_counts"]
    assert maintenance.rebuild() == 4
    db.session.commit()
    assert stored_rollups() == kept


def test_random_writes_keep_the_rollups_equal_to_the_live_counts(app, rollups, make_trajectory):
    rng = random.Random(7)
    trajectories = [
        make_trajectory(notified_on=date(2025, 1, 1) + timedelta(days=rng.randrange(700)))
        for _ in range(8)
    ]
    day = lambda: date(2025, 1, 1) + timedelta(days=rng.randrange(730))  # noqa: E731
    for _ in range(40):
        t = rng.choice(trajectories)
        match rng.randrange(7):
            case 0:
                t.notified_on = day()
            case 1:
                t.closed_on = rng.choice([None, day()])
                t.closure_reason = rng.choice([None, *ClosureReason]) if t.closed_on else None
                t.phase = Phase.CLOSED.value if t.closed_on else Phase.ASSISTANCE.value
            case 2:
                t.intake_completed_on = rng.choice([None, day()])
                t.left_from_phase = rng.choice([None, Phase.ASSISTANCE.value])
                t.assistance_started_on = rng.choice([None, day()])
            case 3:
                t.reflection_started_on = rng.choice([None, day()])
            case 4:
                t.client.nationality_group = rng.choice(["nl", "eea", "non_eea"])
                db.session.commit()
                t.referrer_type = rng.choice(list(ReferrerType)).value
            case 5:
                status = rng.choice(
                    [HandoverStatus.ACCEPTED, HandoverStatus.DECLINED, HandoverStatus.COMPLETED]
                )
                hand_over(t, status, day(), kind=rng.choice(list(ProviderType)))
            case 6:
                handovers = [h for q in t.help_questions for h in q.handovers]
                if handovers:
                    rng.choice(handovers).accepted_on = rng.choice([None, day()])
        db.session.commit()
    assert_rollups_equal_live()


def test_a_write_around_the_session_sends_the_dashboard_to_the_live_queries(
    app, rollups, make_trajectory
):
    (t,) = notified(make_trajectory, 1)
    region = t.region
    # A purge-like Core UPDATE of no counted column leaves the rollups in use ...
    db.session.execute(update(Client).values(purged_at=None))
    db.session.commit()
    assert isinstance(counts_for(region.id, Period(2026)), RolledUpCounts)
    # ... a bulk insert the hooks cannot follow does not.
    db.session.execute(
        insert(TrajectoryExploitation.__table__), [{"trajectory_id": t.id, "form": "labour"}]
    )
    db.session.commit()
    assert not maintenance.built()
    assert isinstance(counts_for(region.id, Period(2026)), LiveCounts)
    maintenance.rebuild()
    assert_rollups_equal_live()


def test_a_core_update_of_a_counted_column_stops_the_rollups(app, rollups, make_trajectory):
    notified(make_trajectory, 1)
    db.session.execute(update(Trajectory).values(age_band=AgeBand.CHILD.value))
    db.session.commit()
    assert not maintenance.built()


def test_without_a_rebuild_the_dashboard_counts_live(app, make_trajectory):
    notified(make_trajectory, 5)
    assert not maintenance.built()
    region = db.session.scalar(select(Region))
    assert isinstance(counts_for(region.id, Period(2026, 3)), LiveCounts)
    tables = build(region, Period(2026, 3), 5)
    notifications = next(t for t in tables if t.key == "notifications")
    assert notifications.totals["count"].value == 5


def test_only_codes_and_counts_are_stored(app, rollups, make_trajectory):
    notified(make_trajectory, 2)
    stored = stored_rollups()
    text = repr(stored)
    assert "Canarynaam" not in text and "Kowalska" not in text
    ids = {t.id for t in db.session.scalars(select(Trajectory))}
    codes = {row[4] for row in stored["dashboard_flow_counts"]}
    assert not {str(i) for i in ids} & codes
    assert HelpQuestion.__tablename__ not in text


def test_two_writers_to_one_trajectory_count_it_once(app, rollups, make_trajectory):
    """A second writer waits for the first to commit before it reads its "before": else the
    first one's change would be counted twice (once by each)."""
    (t,) = notified(make_trajectory, 1, on=date(2026, 7, 1))
    trajectory_id, client_id = t.id, t.client_id
    t.closed_on, t.closure_reason = date(2026, 8, 1), ClosureReason.COMPLETED.value
    db.session.flush()  # the first writer holds its change, uncommitted
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with app.app_context():
                db.session.get(Client, client_id).gender = Gender.MALE.value
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported in the test's own thread
            errors.append(error)

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive(), "the second writer should wait for the first"
    db.session.commit()
    thread.join(10)
    assert not errors and not thread.is_alive()
    db.session.expire_all()
    assert db.session.get(Trajectory, trajectory_id).client.gender == Gender.MALE.value
    assert_rollups_equal_live()
