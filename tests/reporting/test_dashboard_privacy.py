"""What the dashboard must never show: names, links to files, small counts, per-row queries."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from carecoord.codes import Gender, Role
from carecoord.extensions import db
from carecoord.reporting.dashboard_tables import TABLE_KEYS, Table, _agreeing
from carecoord.reporting.rollups import maintenance
from carecoord.reporting.suppression import SUPPRESSED_MARK, Cell
from tests.reporting.dashboard_data import CANARY, counted_queries, notified

URL = "/dashboard/?period=2026-Q3"


@pytest.fixture(autouse=True, params=["live", "rollups"])
def counts_source(request, app) -> str:
    """Each test on the live queries and on the rollups (built first, then kept by the writes)."""
    if request.param == "rollups":
        maintenance.rebuild()
        db.session.commit()
    return request.param


def _csv(client, period: str) -> dict[str, str]:
    response = client.get(f"/dashboard/nationality_group.csv?period={period}")
    return dict(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _gender_rows(page: str) -> dict[str, str]:
    section = page.split('id="table-gender"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="numeric">([^<]+)</td>', section)
    return dict(rows)


def test_no_name_no_link_to_a_file_on_the_page_or_in_any_csv(client, login_as, make_trajectory):
    notified(make_trajectory, 7, phone="0612345678", email="canary@example.org")
    login_as(Role.CHAIN_DIRECTOR)
    page = client.get(URL).get_data(as_text=True)
    assert "Forms of exploitation" in page
    downloads = [client.get(f"/dashboard/{key}.csv?period=2026-Q3") for key in TABLE_KEYS]
    assert all(response.status_code == 200 for response in downloads)
    for text in [page] + [response.get_data(as_text=True) for response in downloads]:
        assert CANARY[:10] not in text and "Canarynaam" not in text
        assert "0612345678" not in text and "canary@example.org" not in text
        assert "1994" not in text  # the date of birth
        assert "/trajectories" not in text and "/clients" not in text
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)  # no public id of anything


def test_a_small_cell_is_hidden_and_cannot_be_worked_out_from_the_total(
    client, login_as, make_trajectory
):
    for t in notified(make_trajectory, 9):
        t.client.gender = Gender.FEMALE.value
    males = notified(make_trajectory, 3)
    for t in males:
        t.client.gender = Gender.MALE.value
    db.session.commit()
    login_as(Role.CHAIN_DIRECTOR)
    rows = _gender_rows(client.get(URL).get_data(as_text=True))
    assert rows["male"] == SUPPRESSED_MARK
    assert rows["Total"] != "12" or rows["female"] != "9"
    published = {k: v for k, v in rows.items() if v != SUPPRESSED_MARK}
    hidden = [k for k, v in rows.items() if v == SUPPRESSED_MARK]
    assert len(hidden) >= 2, rows  # one hidden cell next to a published total gives itself away
    assert "3" not in published.values()
    download = client.get("/dashboard/gender.csv?period=2026-Q3").get_data(as_text=True)
    assert f"male,{SUPPRESSED_MARK}\r\n" in download
    assert ",3\r\n" not in download


def test_a_quarter_cannot_be_worked_out_from_its_year(client, login_as, make_trajectory):
    """Year and quarters come from one table: a cell hidden in Q3 is hidden in the year too,
    or enough of the year's cells are, so year minus the other quarters gives nothing."""
    notified(make_trajectory, 6, on=date(2025, 2, 1))
    notified(make_trajectory, 3, on=date(2025, 8, 1), nationality="NL")
    login_as(Role.CHAIN_DIRECTOR)
    quarter_values = {q: _csv(client, f"2025-Q{q}") for q in range(1, 5)}
    year = _csv(client, "2025")
    assert quarter_values[3]["Dutch"] == SUPPRESSED_MARK
    for row, value in year.items():
        quarters = [quarter_values[q][row] for q in range(1, 5)]
        if value != SUPPRESSED_MARK:
            hidden = [v for v in quarters if v == SUPPRESSED_MARK]
            assert len(hidden) != 1, (row, value, quarters)


def test_queries_per_page_do_not_grow_with_the_trajectories(
    client, login_as, make_trajectory, counts_source
):
    notified(make_trajectory, 5)
    login_as(Role.CHAIN_DIRECTOR)
    client.get(URL)
    with counted_queries() as few:
        assert client.get(URL).status_code == 200
    notified(make_trajectory, 15, on=date(2026, 8, 3))
    with counted_queries() as many:
        assert client.get(URL).status_code == 200
    assert len(few) == len(many) < 40
    # No encrypted column of client data is read (the user's own row is loaded for the session).
    client_data = [sql for sql in many if "FROM users" not in sql]
    read = "FROM dashboard_flow_counts" if counts_source == "rollups" else "FROM trajectories"
    assert any(read in sql for sql in client_data)  # the counts' own reads are among them
    assert not any(re.search(r"\w+_ct\b", sql) for sql in client_data)


# Found by search: suppressed alone, the gender table hides its Q2 total (8), which the
# notifications table shows; read together they would give hidden cells away.
GENDER_BY_QUARTER = {"female": (5, 0, 6, 4), "male": (12, 8, 2, 8)}


def test_tables_splitting_the_notifications_agree_on_their_total(client, login_as, make_trajectory):
    for gender, numbers in GENDER_BY_QUARTER.items():
        for quarter, n in enumerate(numbers):
            for t in notified(make_trajectory, n, on=date(2025, 3 * quarter + 1, 6)):
                t.client.gender = gender
    db.session.commit()
    login_as(Role.CHAIN_DIRECTOR)
    for period in ["2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]:
        page = client.get(f"/dashboard/?period={period}").get_data(as_text=True)
        totals = dict(re.findall(r'id="table-(\w+)".*?<tfoot>.*?"numeric">([^<]+)<', page, re.S))
        for key in ["gender", "age_band", "nationality_group", "referrer", "municipality"]:
            assert totals[key] == totals["notifications"], (period, key, totals)
    rows = _gender_rows(client.get("/dashboard/?period=2025-Q2").get_data(as_text=True))
    assert rows == {
        "female": "x",
        "male": "x",
        "transgender": "x",
        "non-binary": "x",
        "unknown": "x",
        "Total": "8",
    }


def test_a_table_disagreeing_on_the_total_is_hidden_whole():
    shown, hidden = Cell(7, "7"), Cell(None, SUPPRESSED_MARK)
    notifications = Table("notifications", [("count", "")], [], {}, {"count": shown})
    gender = Table(
        "gender", [("count", "")], [], {"male": {"count": Cell(5, "5")}}, {"count": hidden}
    )
    agreed = _agreeing(gender, notifications)
    assert agreed.cells["male"]["count"].suppressed and agreed.totals["count"] == shown
    assert _agreeing(notifications, notifications) is notifications
