"""`flask rollups rebuild|check`: building the rollups and checking them against a recount."""

from __future__ import annotations

from sqlalchemy import update

from carecoord.extensions import db
from carecoord.reporting.rollups import maintenance
from carecoord.reporting.rollups.cli import rollups
from carecoord.reporting.rollups.models import FlowCount
from tests.reporting.dashboard_data import notified


def test_check_refuses_unbuilt_rollups_and_repairs_them(app, make_trajectory):
    notified(make_trajectory, 3)
    runner = app.test_cli_runner()
    refused = runner.invoke(rollups, ["check"])
    assert refused.exit_code == 1
    assert "not built" in refused.output
    repaired = runner.invoke(rollups, ["check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    db.session.expire_all()
    assert maintenance.built()
    assert runner.invoke(rollups, ["check"]).exit_code == 0


def test_check_finds_a_count_that_drifted(app, make_trajectory):
    notified(make_trajectory, 3)
    runner = app.test_cli_runner()
    done = runner.invoke(rollups, ["rebuild"])
    assert done.exit_code == 0
    assert "3 trajectories" in done.output
    db.session.execute(update(FlowCount).where(FlowCount.dimension == "gender").values(n=2))
    db.session.commit()
    drifted = runner.invoke(rollups, ["check"])
    assert drifted.exit_code == 1
    assert "differ" in drifted.output
