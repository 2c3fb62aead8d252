"""The search term stays in the POST body: never in a URL, a redirect, the audit log or a log."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from sqlalchemy import select

from carecoord.audit.models import AuditEntry
from carecoord.extensions import db
from tests.conftest import post
from tests.trajectories.caseload_helpers import CASELOAD, SEARCH, case_numbers
from tests.trajectories.stored import read_blob, write_blob

NAME = "Zofia Wiśniewska"
LINKS = re.compile(r'(?:href|action|src)="([^"]*)"')
HEADER_FORM = re.compile(
    r'<form method="post" action="/trajectories/search"[^>]*role="search"[^>]*>.*?name="term"',
    re.S,
)


@pytest.fixture
def zofia(login_as, make_trajectory):
    t = make_trajectory(name=NAME, date_of_birth=date(1988, 2, 29))
    coordinator = login_as("coordinator")
    return t, coordinator


def stored_audit_text() -> str:
    db.session.expire_all()
    rows = db.session.execute(select(*AuditEntry.__table__.columns)).all()
    return " ".join(str(value) for row in rows for value in row if not isinstance(value, bytes))


def searches(audit_entries) -> list[AuditEntry]:
    return [e for e in audit_entries() if e.action == "search"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": "wisniewska"}, "by_name"),
        ({"date_of_birth": "1988-02-29"}, "by_date_of_birth"),
        ({"case_number": "GV-2026"}, "by_case_number"),
        ({"name": "zofia", "date_of_birth": "1988-02-29"}, "by_name_and_date_of_birth"),
        ({"term": "Wiśniewska"}, "by_name"),
        ({"term": "29-02-1988"}, "by_date_of_birth"),
    ],
)
def test_every_search_is_audited_with_how_never_with_what(
    client, zofia, audit_entries, fields, code
):
    t, coordinator = zofia

    response = post(client, SEARCH, fields)

    assert response.status_code == 200
    assert case_numbers(response.get_data(as_text=True)) == [t.case_number]
    [entry] = searches(audit_entries)
    assert (entry.user_id, entry.object_type, entry.detail, entry.outcome) == (
        coordinator.id,
        "clients",
        code,
        "success",
    )
    stored = stored_audit_text()
    for typed in fields.values():
        assert typed not in stored


def test_the_term_is_in_no_url_no_redirect_and_no_link(client, zofia):
    term = "Wiśniewska"
    for fields in ({"name": term}, {"term": term}, {"name": term, "date_of_birth": "morgen"}):
        response = post(client, SEARCH, fields)

        assert response.status_code in (200, 422)
        assert response.location is None
        assert response.headers["Cache-Control"] == "no-store"
        assert response.request.path == SEARCH
        assert response.request.query_string == b""
        headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
        assert "niew" not in headers and "%C5%9B" not in headers.upper()
        links = LINKS.findall(response.get_data(as_text=True))
        assert links and not [link for link in links if "niew" in link]


def test_the_term_is_never_logged(client, zofia, make_trajectory, caplog):
    # A damaged name on the way makes the search log something: that line must not hold the term.
    damaged = make_trajectory(name="Zofia Beschadigd")
    write_blob(
        "clients", "name_ct", damaged.client_id, read_blob("clients", "name_ct", zofia[0].client_id)
    )
    caplog.set_level(logging.DEBUG)

    post(client, SEARCH, {"name": "zofia wiśniewska"})
    post(client, SEARCH, {"term": "Zofia"})
    post(client, SEARCH, {"term": "29-02-1988"})

    assert "could not be decrypted" in caplog.text
    for fragment in ("zofia", "Zofia", "niewska", "29-02-1988", "1988-02-29"):
        assert fragment not in caplog.text
        assert not [r for r in caplog.records if fragment in str(r.args)]


def test_a_get_with_a_term_in_the_query_string_does_not_search(client, zofia, audit_entries):
    response = client.get(SEARCH + "?name=Zofia&term=Zofia&case_number=GV")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert case_numbers(html) == []
    assert "Zofia" not in html
    assert searches(audit_entries) == []


def test_a_post_without_the_csrf_token_is_refused(client, zofia, audit_entries):
    response = client.post(SEARCH, data={"name": "zofia"})

    assert response.status_code == 400
    assert NAME not in response.get_data(as_text=True)
    assert searches(audit_entries) == []


@pytest.mark.parametrize("role", ["chain_director", "admin"])
def test_other_roles_get_403_and_the_attempt_is_audited(
    client, login_as, make_trajectory, audit_entries, role
):
    make_trajectory(name=NAME)
    user = login_as(role)

    for response in (post(client, SEARCH, {"name": "zofia"}), client.get(SEARCH)):
        assert response.status_code == 403
        assert NAME not in response.get_data(as_text=True)
    denied = [e for e in audit_entries() if e.user_id == user.id and e.outcome == "denied"]
    assert len(denied) == 2
    assert searches(audit_entries) == []


def test_the_search_box_is_in_the_header_of_coordinator_pages(client, login_as):
    assert not HEADER_FORM.search(client.get("/sign-in").get_data(as_text=True))
    login_as("coordinator")
    for page in (CASELOAD, SEARCH, "/providers/", "/account"):
        assert HEADER_FORM.search(client.get(page).get_data(as_text=True)), page


def test_a_chain_director_has_no_search_box(client, login_as):
    login_as("chain_director")

    response = client.get("/region")

    assert response.status_code == 200
    assert not HEADER_FORM.search(response.get_data(as_text=True))
