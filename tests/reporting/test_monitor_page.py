"""The yearly monitor page: suppressed figures beside the year before, access and audit."""

from __future__ import annotations

import re
from datetime import date

import pytest

from carecoord.audit.models import Action, Outcome
from carecoord.codes import Role
from carecoord.reporting.suppression import SUPPRESSED_MARK
from carecoord.timeutil import today
from tests.reporting.monitor_helpers import CANARY, CANARY_TEXT, last_year, seed_two_years


def _section(page: str, key: str) -> str:
    """The HTML of one table's section on the page."""
    match = re.search(rf'<section[^>]*aria-labelledby="monitor-{key}".*?</section>', page, re.S)
    assert match, f"no section {key}"
    return match.group(0)


def _cells(section: str, label: str) -> list[str]:
    """The cells of the row headed `label`: previous year, year, change."""
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", section, re.S)
    assert match, f"no row {label}"
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_page_shows_the_year_and_the_year_before_suppressed(client, login_as, make_trajectory):
    year = seed_two_years(make_trajectory, shown=6, small=3)
    login_as(Role.CHAIN_DIRECTOR)
    response = client.get(f"/monitor/{year}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"Regional trafficking monitor Gooi en Vechtstreek {year}" in page
    notifications = _section(page, "notifications")
    assert f">{year - 1}</th>" in notifications and f">{year}</th>" in notifications
    # 3 in the year before is hidden: no change can be given; 6 this year is shown.
    assert _cells(notifications, "new notifications") == [SUPPRESSED_MARK, "6", "—"]
    gender = _section(page, "gender")
    assert _cells(gender, "female") == [SUPPRESSED_MARK, "6", "—"]
    assert _cells(gender, "male") == ["0", "0", "0"]
    assert _cells(_section(page, "municipality"), "Hilversum")[1] == "6"
    for key in ("exploitation", "age_band", "minor_adult", "nationality_group", "referrer"):
        _section(page, key)
    for key in ("closure_reasons", "handovers", "medians"):
        _section(page, key)
    # Stocks at the year's end are not part of the yearly monitor.
    assert 'aria-labelledby="monitor-open_by_phase"' not in page
    medians = _section(page, "medians")
    assert _cells(medians, "notification to closure") == ["–", "–", "—"]
    assert "dark number" in page and "care coordinators of Gooi en Vechtstreek" in page
    assert CANARY not in page and CANARY_TEXT not in page
    assert response.headers["Cache-Control"] == "no-store"


def test_a_change_is_shown_when_both_years_are_shown(client, login_as, make_trajectory):
    year = seed_two_years(make_trajectory, shown=7, small=5)
    login_as(Role.CHAIN_DIRECTOR)
    page = client.get(f"/monitor/{year}").get_data(as_text=True)
    assert _cells(_section(page, "notifications"), "new notifications") == ["5", "7", "+2"]


def test_closures_and_their_median(client, login_as, make_trajectory):
    year = seed_two_years(make_trajectory, shown=5, small=2, closed_after_days=40)
    login_as(Role.CHAIN_DIRECTOR)
    page = client.get(f"/monitor/{year}").get_data(as_text=True)
    closures = _section(page, "closure_reasons")
    assert _cells(closures, "completed (regular closure)") == ["0", "5", "+5"]
    assert _cells(closures, "Total") == ["0", "5", "+5"]
    medians = _section(page, "medians")
    assert _cells(medians, "notification to closure") == ["–", "40", "—"]
    assert _cells(medians, "notification to intake complete") == ["–", "–", "—"]


def test_the_page_shows_what_the_dashboard_shows(client, login_as, make_trajectory):
    year = seed_two_years(make_trajectory, shown=6, small=3)
    login_as(Role.CHAIN_DIRECTOR)
    dashboard = client.get(f"/dashboard/?period={year - 1}").get_data(as_text=True)
    row = re.search(r"new notifications</th>\s*<td[^>]*>(.*?)</td>", dashboard, re.S)
    assert row and row.group(1).strip() == SUPPRESSED_MARK


def test_view_is_audited(client, login_as, make_trajectory, audit_entries):
    year = seed_two_years(make_trajectory)
    user = login_as(Role.CHAIN_DIRECTOR)
    client.get(f"/monitor/{year}")
    entries = [e for e in audit_entries() if e.object_type == "monitor"]
    assert [(e.user_id, e.action, e.object_id, e.outcome) for e in entries] == [
        (user.id, Action.VIEW.value, f"GV-{year}", Outcome.SUCCESS.value)
    ]


def test_a_coordinator_is_refused(client, login_as):
    login_as(Role.COORDINATOR)
    assert client.get(f"/monitor/{last_year()}").status_code == 403
    assert client.get(f"/monitor/{last_year()}.pdf").status_code == 403
    assert client.get("/monitor/").status_code == 403


@pytest.mark.parametrize("offset", [0, 1, 50])
def test_a_year_not_over_is_refused(client, login_as, audit_entries, offset):
    login_as(Role.CHAIN_DIRECTOR)
    year = today().year + offset
    response = client.get(f"/monitor/{year}")
    assert response.status_code == 422
    assert "is not over yet" in response.get_data(as_text=True)
    assert client.get(f"/monitor/{year}.pdf").status_code == 422
    assert not [e for e in audit_entries() if e.object_type == "monitor"]


@pytest.mark.parametrize("path", ["/monitor/abc", "/monitor/0", "/monitor/99999", "/monitor/-1"])
def test_a_malformed_year_is_not_found(client, login_as, path):
    login_as(Role.CHAIN_DIRECTOR)
    assert client.get(path).status_code == 404


def test_another_region_is_not_found_and_audited(client, login_as, make_region, audit_entries):
    make_region("Rotterdam-Rijnmond")
    login_as(Role.CHAIN_DIRECTOR)
    assert client.get(f"/monitor/{last_year()}?region=RR").status_code == 404
    assert client.get(f"/monitor/{last_year()}.pdf?region=RR").status_code == 404
    denied = [e for e in audit_entries() if e.outcome == Outcome.DENIED.value]
    assert [(e.object_type, e.object_id) for e in denied] == [("region", "RR")] * 2


def test_an_admin_chooses_any_region(client, login_as, make_trajectory, audit_entries):
    year = seed_two_years(make_trajectory)
    make_trajectory(region="Rotterdam-Rijnmond", notified_on=date(year, 6, 1))
    login_as(Role.ADMIN, region="Rotterdam-Rijnmond")
    page = client.get(f"/monitor/{year}?region=GV").get_data(as_text=True)
    assert f"Regional trafficking monitor Gooi en Vechtstreek {year}" in page
    assert _cells(_section(page, "notifications"), "new notifications")[1] == "6"
    own = client.get(f"/monitor/{year}").get_data(as_text=True)
    assert f"Regional trafficking monitor Rotterdam-Rijnmond {year}" in own
    assert client.get(f"/monitor/{year}?region=ZZ").status_code == 404
    assert client.get(f"/monitor/{year}?region=%3Cscript%3E").status_code == 404
    assert [e.object_id for e in audit_entries() if e.object_type == "monitor"] == [
        f"GV-{year}",
        f"RR-{year}",
    ]


def test_the_chooser_links_to_ended_years(client, login_as):
    login_as(Role.CHAIN_DIRECTOR)
    page = client.get("/monitor/").get_data(as_text=True)
    assert f'href="/monitor/{last_year()}"' in page
    assert f'href="/monitor/{today().year}"' not in page
    response = client.get(f"/monitor/?year={last_year()}")
    assert response.status_code == 302 and response.location.endswith(f"/monitor/{last_year()}")
    assert client.get("/monitor/?year=20x6").status_code == 404
