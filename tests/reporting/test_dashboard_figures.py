"""The dashboard's counts through HTTP: the right trajectories in the right cells."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from carecoord.codes import HandoverStatus, Role
from carecoord.extensions import db
from carecoord.reporting.rollups import maintenance
from tests.reporting.dashboard_data import close, complete_intake, hand_over, notified

URL = "/dashboard/?period=2026-Q3"


@pytest.fixture(autouse=True, params=["live", "rollups"])
def counts_source(request, app) -> str:
    """Each test on the live queries and on the rollups (built first, then kept by the writes)."""
    if request.param == "rollups":
        maintenance.rebuild()
        db.session.commit()
    return request.param


def _table(client, name: str, period: str = "2026-Q3") -> dict[str, list[str]]:
    response = client.get(f"/dashboard/{name}.csv?period={period}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    return {row[0]: row[1:] for row in rows[1:]}


def _region_data(make_trajectory) -> None:
    assisted = notified(make_trajectory, 6, on=date(2026, 7, 10))
    for t in assisted:
        complete_intake(t, date(2026, 7, 20))
        hand_over(t, HandoverStatus.ACCEPTED, date(2026, 8, 1))
    for t in assisted[:5]:
        t.reflection_started_on = date(2026, 8, 15)
    assisted[5].reflection_started_on = date(2026, 6, 1)  # ended on 1 September
    db.session.commit()
    for t in notified(make_trajectory, 5, on=date(2026, 7, 1)):
        close(t, date(2026, 9, 1))
    notified(make_trajectory, 5, on=date(2026, 10, 5))  # the next quarter
    notified(make_trajectory, 5, on=date(2026, 8, 1), region="Rotterdam-Rijnmond")


def test_counts_of_the_quarter(client, login_as, make_trajectory):
    _region_data(make_trajectory)
    login_as(Role.CHAIN_DIRECTOR)
    assert _table(client, "notifications") == {"new notifications": ["11"], "Total": ["11"]}
    assert _table(client, "gender")["female"] == ["11"]
    assert _table(client, "age_band")["30–39 years"] == ["11"]
    assert _table(client, "minor_adult")["adult (18 or older)"] == ["11"]
    assert _table(client, "nationality_group")["EU/EEA"] == ["11"]
    assert _table(client, "referrer")["police"] == ["11"]
    assert _table(client, "municipality")["Hilversum"] == ["11"]
    assert _table(client, "exploitation")["sexual exploitation"] == ["11"]
    assert _table(client, "closure_reasons")["completed (regular closure)"] == ["5"]
    assert _table(client, "open_by_phase") == {"intake": ["0"], "assistance": ["6"], "Total": ["6"]}
    assert _table(client, "reflection")["reflection period running"] == ["5"]
    handovers = _table(client, "handovers")
    assert handovers["shelter"] == ["6", "0", "0"]
    assert handovers["mental health care"] == ["0", "0", "0"]
    assert "Total" not in handovers  # per status totals would undo the year/quarter protection
    assert _table(client, "medians") == {
        "notification to intake complete": ["10"],
        "notification to first accepted handover": ["22"],
        "notification to closure": ["62"],
    }


def test_the_year_adds_its_quarters(client, login_as, make_trajectory):
    _region_data(make_trajectory)
    login_as(Role.CHAIN_DIRECTOR)
    assert _table(client, "notifications", "2025") == {"new notifications": ["0"], "Total": ["0"]}
    q4 = _table(client, "notifications", "2025-Q4")
    assert q4 == {"new notifications": ["0"], "Total": ["0"]}


def test_open_trajectories_at_the_end_of_an_earlier_quarter(client, login_as, make_trajectory):
    """Phase at the period's end: still in intake then, though in assistance now."""
    for t in notified(make_trajectory, 5, on=date(2026, 5, 4)):
        complete_intake(t, date(2026, 7, 2))
    login_as(Role.CHAIN_DIRECTOR)
    assert _table(client, "open_by_phase", "2026-Q2")["intake"] == ["5"]
    assert _table(client, "open_by_phase", "2026-Q3")["assistance"] == ["5"]


def test_medians_over_fewer_than_the_threshold_are_not_shown(client, login_as, make_trajectory):
    for t in notified(make_trajectory, 4, on=date(2026, 7, 1)):
        close(t, date(2026, 9, 1))
    login_as(Role.CHAIN_DIRECTOR)
    assert _table(client, "medians")["notification to closure"] == ["–"]
    assert _table(client, "closure_reasons")["completed (regular closure)"] == ["x"]


def test_each_table_has_an_accessible_chart_without_script_or_style(
    client, login_as, make_trajectory
):
    notified(make_trajectory, 5)
    login_as(Role.CHAIN_DIRECTOR)
    response = client.get(URL)
    page = response.get_data(as_text=True)
    charts = re.findall(r"<svg [^>]*>", page)
    assert len(charts) == page.count("<table")
    for tag in charts:
        assert 'role="img"' in tag
        chart_id = re.search(r'aria-labelledby="(chart-[a-z_]+)-title \1-desc"', tag).group(1)
        assert f'<title id="{chart_id}-title">' in page
    assert "<script" not in page and "style=" not in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_threshold_comes_from_the_configuration(client, login_as, make_trajectory, app):
    notified(make_trajectory, 5)
    login_as(Role.CHAIN_DIRECTOR)
    app.config["SUPPRESSION_THRESHOLD"] = 6
    try:
        assert _table(client, "gender")["female"] == ["x"]
        app.config["SUPPRESSION_THRESHOLD"] = 2  # below the minimum: never served
        assert client.get(URL).status_code == 500
    finally:
        app.config["SUPPRESSION_THRESHOLD"] = 5


def test_code_labels_are_in_dutch_by_default(client, login_as, make_trajectory, dutch):
    notified(make_trajectory, 5)
    login_as(Role.CHAIN_DIRECTOR)
    page = client.get(URL).get_data(as_text=True)
    assert "vrouw" in page and "seksuele uitbuiting" in page
    assert ">female<" not in page
    assert _table(client, "gender")["vrouw"] == ["5"]


def test_assistance_without_an_intake_date_counts_from_the_start_of_assistance(
    client, login_as, make_trajectory
):
    for t in notified(make_trajectory, 5, on=date(2026, 5, 4)):
        t.phase, t.assistance_started_on = "assistance", date(2026, 6, 1)
    db.session.commit()
    login_as(Role.CHAIN_DIRECTOR)
    assert _table(client, "open_by_phase", "2026-Q2")["assistance"] == ["5"]


def test_handovers_of_a_quarter_cannot_be_worked_out_from_the_year(
    client, login_as, make_trajectory
):
    for t in notified(make_trajectory, 7, on=date(2025, 1, 6)):
        hand_over(t, HandoverStatus.ACCEPTED, date(2025, 2, 1))
    for t in notified(make_trajectory, 2, on=date(2025, 7, 1)):
        hand_over(t, HandoverStatus.ACCEPTED, date(2025, 8, 1))
    login_as(Role.CHAIN_DIRECTOR)
    assert _table(client, "handovers", "2025-Q3")["shelter"][0] == "x"
    year, first = _table(client, "handovers", "2025"), _table(client, "handovers", "2025-Q1")
    assert "x" in (year["shelter"][0], first["shelter"][0])
