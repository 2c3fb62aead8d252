"""Case numbers: per region and year, in sequence, also past 9999."""

from carecoord.extensions import db
from carecoord.trajectories.operations import next_case_number


def test_first_and_next_case_number(app, make_trajectory, make_region):
    region = make_region("Gooi en Vechtstreek")
    assert next_case_number(region, 2031) == "GV-2031-0001"
    t = make_trajectory()
    t.case_number = "GV-2031-0007"
    db.session.commit()
    assert next_case_number(region, 2031) == "GV-2031-0008"
    assert next_case_number(make_region("Rotterdam-Rijnmond"), 2031) == "RR-2031-0001"


def test_sequence_past_9999(app, make_trajectory, make_region):
    first, second = make_trajectory(), make_trajectory(name="Ana Pop")
    first.case_number, second.case_number = "GV-2031-9999", "GV-2031-10000"
    db.session.commit()
    assert next_case_number(make_region("Gooi en Vechtstreek"), 2031) == "GV-2031-10001"
