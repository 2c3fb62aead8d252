"""The administrator's access log: who accessed a file, filters, and reading it is audited."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from carecoord.audit.models import Action, AuditEntry
from carecoord.audit.operations import record
from carecoord.extensions import db
from carecoord.timeutil import today
from tests.conftest import post

URL = "/admin/audit/"
PLANTED = "Zuzanna Geheimnaam"
ROW = re.compile(r"<tr>\s*<td>", re.S)


@pytest.fixture
def history(client, make_user, sign_in, make_trajectory):
    """A coordinator opens two files, then signs out; the admin signs in."""
    watched = make_trajectory(name=PLANTED)
    other = make_trajectory(name="Ander Persoon")
    coordinator = make_user("coordinator", name="Carla Coördinator")
    admin = make_user("admin", name="Ad Beheerder")
    sign_in(coordinator)
    assert client.get(f"/trajectories/{watched.public_id}").status_code == 200
    assert client.get(f"/trajectories/{other.public_id}").status_code == 200
    assert post(client, "/sign-out").status_code == 302
    sign_in(admin)
    return {
        "watched": watched,
        "other": other,
        "coordinator": coordinator,
        "admin": admin,
    }


def rows_in(html: str) -> int:
    tbody = html.partition("<tbody>")[2].partition("</tbody>")[0]
    return len(ROW.findall(tbody))


def entries_where(*conditions) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(*conditions)))


def test_who_accessed_this_file(client, history):
    watched = history["watched"]
    response = client.get(URL, query_string={"case_number": watched.case_number.lower()})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Who accessed this file" in html
    about_file = entries_where(AuditEntry.client_id == watched.client_id)
    assert about_file and rows_in(html) == len(about_file)
    assert "Carla Coördinator" in html
    assert watched.case_number in html
    assert history["other"].case_number not in html
    assert PLANTED not in html and "Ander Persoon" not in html


def test_the_whole_log_shows_no_client_name(client, history):
    html = client.get(URL).get_data(as_text=True)
    assert "Access log" in html and "Who accessed this file" not in html
    assert history["watched"].case_number in html and history["other"].case_number in html
    assert PLANTED not in html and "Ander Persoon" not in html


def test_filter_by_user(client, history):
    coordinator = history["coordinator"]
    html = client.get(URL, query_string={"user": coordinator.id}).get_data(as_text=True)
    assert rows_in(html) == len(entries_where(AuditEntry.user_id == coordinator.id)) >= 3
    tbody = html.partition("<tbody>")[2]
    assert "Ad Beheerder" not in tbody


def test_filter_by_action_and_outcome(client, history):
    html = client.get(URL, query_string={"action": "sign_out"}).get_data(as_text=True)
    assert rows_in(html) == 1
    html = client.get(URL, query_string={"outcome": "denied"}).get_data(as_text=True)
    assert "No entries match these filters." in html


def test_filter_by_period(client, history):
    day = today()
    in_period = {"date_from": day.isoformat(), "date_to": day.isoformat()}
    before = {"date_to": (day - timedelta(days=1)).isoformat()}
    after = {"date_from": (day + timedelta(days=1)).isoformat()}
    assert rows_in(client.get(URL, query_string=in_period).get_data(as_text=True)) >= 5
    for period in (before, after):
        html = client.get(URL, query_string=period).get_data(as_text=True)
        assert rows_in(html) == 0 and "No entries match these filters." in html


@pytest.mark.parametrize(
    "args",
    [
        {"date_from": "29-11-2026"},
        {"date_to": "2026-02-30"},
        {"date_from": "2026-11-29", "date_to": "2026-11-28"},
        {"user": "999999"},
        {"action": "drop_table"},
        {"case_number": "GV-2099-9999"},
    ],
)
def test_bad_filters_are_422_and_not_read(client, history, args):
    before = len(entries_where())
    response = client.get(URL, query_string=args)
    assert response.status_code == 422
    assert "These filters could not be applied" in response.get_data(as_text=True)
    assert len(entries_where()) == before


def test_reading_the_log_is_audited_by_filter_names_only(client, history):
    watched = history["watched"]
    client.get(URL, query_string={"case_number": watched.case_number, "date_from": "2026-01-01"})
    client.get(URL)
    reads = entries_where(AuditEntry.object_type == "audit_log")
    assert [(e.user_id, e.action, e.outcome, e.detail) for e in reads] == [
        (history["admin"].id, "view", "success", "filter:client.date_from"),
        (history["admin"].id, "view", "success", "filter:none"),
    ]
    assert all(watched.case_number.lower() not in (e.detail or "") for e in entries_where())


@pytest.mark.parametrize("role", ["coordinator", "chain_director"])
def test_other_roles_get_403(client, login_as, role):
    login_as(role)
    assert client.get(URL).status_code == 403
    assert entries_where(AuditEntry.object_type == "audit_log") == []


def test_the_admin_navigation_links_the_log(client, login_as):
    login_as("admin")
    assert 'href="/admin/audit/"' in client.get("/admin/").get_data(as_text=True)


@contextmanager
def counted_statements():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_query_count_does_not_grow_with_the_rows(
    app, client, login_as, make_user, make_trajectory
):
    login_as("admin")

    def add_entries(count: int) -> None:
        for _ in range(count):
            user, t = make_user(), make_trajectory()
            record(user, Action.VIEW, t)
        db.session.commit()

    def statements_for_page() -> int:
        with counted_statements() as statements:
            assert client.get(URL).status_code == 200
        return len(statements)

    add_entries(2)
    few = statements_for_page()
    add_entries(12)
    assert statements_for_page() == few


def test_pages_carry_the_filters(app, client, login_as, make_user):
    login_as("admin")
    user = make_user()
    for n in range(app.config["PAGE_SIZE"] + 3):
        record(user, Action.VIEW, detail=f"n{n}")
    db.session.commit()
    html = client.get(URL, query_string={"user": user.id}).get_data(as_text=True)
    assert rows_in(html) == app.config["PAGE_SIZE"]
    assert f"page=2&amp;user={user.id}" in html or f"user={user.id}&amp;page=2" in html
    second = client.get(URL, query_string={"user": user.id, "page": 2}).get_data(as_text=True)
    assert rows_in(second) == 3
    assert "n0" in second and f"n{app.config['PAGE_SIZE'] + 2}" not in second
    assert "functional administrator" not in second.partition("<tbody>")[2]
