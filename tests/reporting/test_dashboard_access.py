"""Who sees the dashboard, of which region and period; refusals are audited."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.codes import Role
from carecoord.reporting.dashboard_views import last_complete_quarter
from carecoord.timeutil import today
from tests.reporting.dashboard_data import notified

URL = "/dashboard/?period=2026-Q3"


def test_chain_director_sees_her_region_and_the_view_is_audited(
    client, login_as, make_trajectory, audit_entries
):
    notified(make_trajectory, 6)
    director = login_as(Role.CHAIN_DIRECTOR)
    response = client.get(URL)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    assert "Figures of region Gooi en Vechtstreek, 2026-Q3" in page
    views = [e for e in audit_entries() if e.object_type == "dashboard"]
    assert [(e.user_id, e.action, e.detail, e.outcome, e.client_id) for e in views] == [
        (director.id, "view", "dashboard", "success", None)
    ]


def test_home_of_a_chain_director_is_the_dashboard(client, login_as):
    login_as(Role.CHAIN_DIRECTOR)
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.endswith("/dashboard/")


def test_coordinator_is_refused(client, login_as):
    login_as(Role.COORDINATOR)
    assert client.get(URL).status_code == 403
    assert client.get("/dashboard/gender.csv?period=2026-Q3").status_code == 403


@pytest.mark.parametrize("path", [URL, "/dashboard/gender.csv?period=2026-Q3"])
def test_chain_director_asking_another_region_gets_404_audited(
    client, login_as, make_region, audit_entries, path
):
    make_region("Rotterdam-Rijnmond")
    login_as(Role.CHAIN_DIRECTOR)
    response = client.get(path + "&region=RR")
    assert response.status_code == 404
    assert "Rotterdam" not in response.get_data(as_text=True)
    denied = [e for e in audit_entries() if e.outcome == "denied"]
    assert [(e.object_type, e.object_id) for e in denied] == [("region", "RR")]
    assert not [e for e in audit_entries() if e.object_type == "dashboard"]


def test_admin_chooses_a_region(client, login_as, make_trajectory):
    notified(make_trajectory, 5, region="Rotterdam-Rijnmond")
    login_as(Role.ADMIN)
    page = client.get(URL + "&region=RR").get_data(as_text=True)
    assert "Figures of region Rotterdam-Rijnmond, 2026-Q3" in page
    assert 'value="RR" selected' in page
    assert client.get(URL + "&region=ZZ").status_code == 404


@pytest.mark.parametrize("period", ["2026-Q5", "26-Q1", "2026Q3", "abc", "2026-q3", "２０２５"])
def test_malformed_period_is_422_with_a_message(client, login_as, period):
    login_as(Role.CHAIN_DIRECTOR)
    response = client.get("/dashboard/", query_string={"period": period})
    assert response.status_code == 422
    assert "Choose a period as a year (2026) or a quarter (2026-Q3)." in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize("period", ["2999-Q1", "2999", str(today().year)])
def test_future_or_running_period_is_refused(client, login_as, period, audit_entries):
    login_as(Role.CHAIN_DIRECTOR)
    response = client.get("/dashboard/", query_string={"period": period})
    assert response.status_code == 422
    assert "This period is not over yet." in response.get_data(as_text=True)
    csv = client.get("/dashboard/gender.csv", query_string={"period": period})
    assert csv.status_code == 422
    assert not [e for e in audit_entries() if e.object_type == "dashboard"]


def test_default_period_is_the_last_complete_quarter(client, login_as):
    login_as(Role.CHAIN_DIRECTOR)
    page = client.get("/dashboard/").get_data(as_text=True)
    assert f", {last_complete_quarter(today())}</h1>" in page


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 1, 1), "2025-Q4"),
        (date(2026, 3, 31), "2025-Q4"),
        (date(2026, 4, 1), "2026-Q1"),
        (date(2026, 11, 23), "2026-Q3"),
        (date(2026, 12, 31), "2026-Q3"),
    ],
)
def test_last_complete_quarter(on, expected):
    assert str(last_complete_quarter(on)) == expected


def test_unknown_table_csv_is_404(client, login_as):
    login_as(Role.CHAIN_DIRECTOR)
    assert client.get("/dashboard/clients.csv?period=2026-Q3").status_code == 404


def test_a_typed_region_never_reaches_the_audit_log(client, login_as, audit_entries):
    login_as(Role.CHAIN_DIRECTOR)
    response = client.get("/dashboard/", query_string={"region": "Maria Kowalska"})
    assert response.status_code == 404
    assert [(e.object_type, e.object_id) for e in audit_entries() if e.outcome == "denied"] == [
        ("region", "invalid")
    ]
