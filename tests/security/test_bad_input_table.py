"""SECURITY.md's "Bad input and faults" table, line by line: each test breaks one line's rule
through the browser's way in and sees the promised refusal.

The deeper variations live with their features (tests/clients/test_register_bad_input.py,
tests/trajectories/test_tampering.py, test_steps_guard.py, test_closure.py, tests/test_faults.py,
tests/reporting/test_export_run.py); this module reuses their helpers and shows, in one place,
that every line of the table holds. `test_every_line_of_the_table_has_its_test` keeps the
mapping complete when the table changes.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from carecoord.audit.models import AuditEntry
from carecoord.clients.models import NAME_MAX
from carecoord.codes import ClosureReason, CriminalCase, Role, StepKind
from carecoord.extensions import db
from carecoord.reporting import exports
from carecoord.reporting.models import ExportBatch
from carecoord.security.crypto import Keyring, associated_data
from carecoord.timeutil import today
from carecoord.trajectories.rules import UNMET_MESSAGES, Unmet
from tests.clients.registration import count_clients, count_trajectories, register
from tests.conftest import csrf_token, post
from tests.reporting.export_fixtures import files_in, give_consent
from tests.security.routes import snapshot
from tests.test_access import audit_count, entries_after
from tests.test_faults import count, database_down
from tests.trajectories.closure_helpers import (
    NOTIFIED,
    confirm_knowledge,
    days_ago,
    iso,
    open_form,
    steps_of,
    stored,
    submit,
    text_of,
    url,
)
from tests.trajectories.stored import read_blob, write_blob
from tests.trajectories.test_tampering import MARKER, flipped

SECURITY_MD = Path(__file__).resolve().parents[2] / "docs" / "design" / "SECURITY.md"
OTHER_REGION = "Rotterdam-Rijnmond"
HOSTILE = (
    "<script>alert('x')</script> '; DROP TABLE steps; -- "
    "مرحبا 👩‍👩‍👧 Zoe\u0308 \u05e9\u05dc\u05d5\u05dd"  # Arabic, emoji ZWJ, combining, Hebrew
)
STEP = "/steps/contact_moment"


@pytest.fixture
def coordinator(login_as, english):
    user = login_as(Role.COORDINATOR)
    english()
    return user


def log_step(client, t, text: str = "Gebeld", hidden: dict | None = None):
    data = {"occurred_on": iso(days_ago(1)), "text": text}
    if hidden is None:
        return submit(client, url(t, STEP), "step", data)
    return client.post(url(t, STEP), data={**hidden, **data})


# --- field over its length, wrong type, date of birth in the future ----------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "N" * (NAME_MAX + 1)),
        ("municipality", "Hilversum"),
        ("date_of_birth", (today() + timedelta(days=1)).isoformat()),
    ],
    ids=["over-length", "wrong-type", "born-tomorrow"],
)
def test_bad_field_gets_the_form_again_with_a_message_on_it(
    client, coordinator, audit_entries, field, value
):
    """field over its length, wrong type, date of birth in the future → the form again with a
    message on that field; nothing stored"""
    response = register(client, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and page.count('class="form-error"') == 1
    assert count_clients() == 0 and count_trajectories() == 0
    assert not [e for e in audit_entries() if e.action == "create"]


# --- script or SQL in any text field; RTL, emoji, combining marks, NUL ------------------------


def test_hostile_text_is_stored_as_text_shown_escaped_and_round_trips(
    client, coordinator, make_trajectory
):
    """script or SQL in any text field; RTL, emoji, combining marks, NUL → stored as text, shown
    escaped, round-trips exactly (NUL: see the next test)"""
    t = make_trajectory(notified_on=NOTIFIED)
    assert log_step(client, t, HOSTILE).status_code == 302
    assert register(client, name=HOSTILE[:NAME_MAX], address=HOSTILE).status_code == 302

    [step] = steps_of(t, StepKind.CONTACT_MOMENT)
    assert step.text == HOSTILE  # not normalised, not stripped
    page = client.get(url(t)).get_data(as_text=True)
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "مرحبا 👩‍👩‍👧 Zoe\u0308" in page
    assert count_trajectories() == 2  # the SQL did not run: the tables are there and whole


@pytest.mark.parametrize("where", ["step", "name"])
def test_nul_is_refused(client, coordinator, make_trajectory, where):
    """script or SQL in any text field; RTL, emoji, combining marks, NUL → NUL refused (the form
    again, nothing stored)"""
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)
    if where == "step":
        response = log_step(client, t, "before\x00after")
    else:
        response = register(client, name="Ana\x00Silva")
    assert response.status_code == 422
    assert stored(t) == before and count_clients() == 1


# --- another region's or role's id in a URL ----------------------------------------------------


def test_another_regions_id_is_404_and_audited(client, coordinator, make_trajectory):
    """another region's or role's id in a URL → 404; the attempt audited"""
    theirs = make_trajectory(region=OTHER_REGION, name="Zuzanna Wiśniewska")
    before = audit_count()
    for path in (url(theirs), url(theirs, "/intake"), url(theirs, "/close")):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Zuzanna" not in response.get_data(as_text=True)
    denied = [e for e in entries_after(before) if e.outcome == "denied"]
    assert [e.user_id for e in denied] == [coordinator.id] * 3
    assert {e.object_id for e in denied} <= {str(theirs.public_id), str(theirs.id)}


def test_another_roles_object_is_closed_to_a_chain_director(client, login_as, make_trajectory):
    """another region's or role's id in a URL → for another role the role check answers first
    (403, audited), so not even the object's existence is looked up"""
    t = make_trajectory()
    director = login_as(Role.CHAIN_DIRECTOR)
    before = audit_count()
    assert client.get(url(t)).status_code == 403
    [entry] = entries_after(before)
    assert (entry.user_id, entry.outcome) == (director.id, "denied")


# --- POST without a valid CSRF token -----------------------------------------------------------


def test_post_without_a_valid_token_is_400_and_changes_nothing(
    app, client, coordinator, make_trajectory
):
    """POST without a valid CSRF token → 400; nothing changed"""
    t = make_trajectory(notified_on=NOTIFIED)
    hidden = open_form(client, url(t, STEP), "step")
    foreign = csrf_token(app.test_client())
    before = snapshot()
    for token in ("", foreign):
        response = log_step(client, t, "Gebeld", hidden={**hidden, "csrf_token": token})
        assert response.status_code == 400
    assert snapshot() == before
    assert log_step(client, t, "Gebeld", hidden=hidden).status_code == 302  # the token did it


# --- closure that breaks the rule --------------------------------------------------------------


def test_a_closure_that_breaks_the_rule_names_the_condition(client, coordinator, make_trajectory):
    """closure that breaks the rule → refused, naming the unmet condition; nothing changed"""
    t = make_trajectory(notified_on=NOTIFIED)
    confirm_knowledge(t)
    t.criminal_case = CriminalCase.UNDER_INVESTIGATION.value
    db.session.commit()
    before = stored(t)
    data = {"reason": ClosureReason.COMPLETED.value, "closed_on": iso(days_ago(1)), "note": "Klaar"}

    response = submit(client, url(t, "/close"), "close", data)

    assert response.status_code == 409
    assert UNMET_MESSAGES[Unmet.CRIMINAL_CASE_OPEN] in text_of(response)
    assert stored(t) == before


# --- two coordinators save the same trajectory -------------------------------------------------


def switch_to(client, sign_in, user) -> None:
    assert post(client, "/sign-out").status_code == 302
    sign_in(user)


def test_two_coordinators_saving_the_same_trajectory_lose_nothing(
    client, coordinator, make_user, sign_in, make_trajectory
):
    """two coordinators save the same trajectory → the second gets a conflict page with both
    versions; nothing lost"""
    t = make_trajectory(notified_on=NOTIFIED)
    colleague = make_user(Role.COORDINATOR)
    mine = open_form(client, url(t, STEP), "step")  # she opens the form ...
    switch_to(client, sign_in, colleague)  # ... her colleague saves first ...
    assert log_step(client, t, "Collega belde eerst").status_code == 302
    switch_to(client, sign_in, coordinator)
    first = stored(t)

    mine["csrf_token"] = csrf_token(client)  # (a new sign-in: a new session and token)
    response = log_step(client, t, "Mijn eigen notitie", hidden=mine)

    assert response.status_code == 409
    page = text_of(response)
    assert "Collega belde eerst" in page  # the version saved
    assert "Mijn eigen notitie" in page  # and hers, still in the form
    assert stored(t) == first
    assert [s.text for s in steps_of(t, StepKind.CONTACT_MOMENT)] == ["Collega belde eerst"]


# --- the same form submitted twice -------------------------------------------------------------


def test_the_same_form_twice_is_one_step(client, coordinator, make_trajectory):
    """the same form submitted twice → one step, not two"""
    t = make_trajectory(notified_on=NOTIFIED)
    hidden = open_form(client, url(t, STEP), "step")
    first = log_step(client, t, "Eén keer", hidden=hidden)
    second = log_step(client, t, "Eén keer", hidden=hidden)
    assert first.status_code == second.status_code == 302
    assert len(steps_of(t, StepKind.CONTACT_MOMENT)) == 1


# --- tampered ciphertext or wrong key ----------------------------------------------------------


@pytest.mark.parametrize("fault", ["tampered", "wrong-key"])
def test_unreadable_field_is_marked_logged_and_the_page_served(
    client, coordinator, make_trajectory, caplog, fault
):
    """tampered ciphertext or wrong key → field marked unreadable, event logged, page still
    served"""
    t = make_trajectory(name="Dana Dumitru", phone="+31 20 123 4567")
    if fault == "tampered":
        blob = flipped(read_blob("clients", "phone_ct", t.client_id))
    else:
        foreign = Keyring.of([("stolen-1", b"\x09" * 32)])
        aad = associated_data("clients", "phone", t.client.public_id.bytes)
        blob = foreign.encrypt(b"+31 20 123 4567", aad)
    write_blob("clients", "phone_ct", t.client_id, blob)

    with caplog.at_level(logging.WARNING, logger="carecoord.security.encrypted"):
        response = client.get(url(t))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert MARKER in page[page.index(">Phone<") :].split("</dd>", 1)[0]
    assert "Dana Dumitru" in page and "123 4567" not in page
    assert "field=phone" in caplog.text and "123 4567" not in caplog.text


# --- database down -----------------------------------------------------------------------------


def test_database_down_gives_503_no_partial_write_and_recovers(
    client, coordinator, make_trajectory
):
    """database down → a 503 page; no partial write; recovers without a restart"""
    t = make_trajectory(notified_on=NOTIFIED)
    hidden = open_form(client, url(t, STEP), "step")
    before, entries = stored(t), count(AuditEntry)
    db.session.rollback()
    # The step and the trajectory's version are written; the audit entry, last, fails.
    with database_down(lambda sql: sql.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRIES")):
        response = log_step(client, t, "Tijdens de storing", hidden=hidden)
    assert response.status_code == 503
    assert "Temporarily unavailable" in text_of(response)
    assert stored(t) == before and count(AuditEntry) == entries
    assert log_step(client, t, "Na de storing").status_code == 302  # no restart needed
    assert [s.text for s in steps_of(t, StepKind.CONTACT_MOMENT)] == ["Na de storing"]


# --- SQLite under concurrent writers -----------------------------------------------------------

WRITERS, SEARCHES = 2, 15


def test_concurrent_writers_get_no_locked_error_page(app, client, coordinator, make_trajectory):
    """SQLite under concurrent writers → no "database is locked" error page (each search is
    a write: it is audited)"""
    make_trajectory(name="Maria Kowalska")
    token = csrf_token(client)  # (before the cookie: the token lives in the session)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    before = audit_count()
    db.session.rollback()  # the test's own session must not hold a lock
    start = threading.Barrier(WRITERS)
    outcomes: list[tuple[int, bool]] = []

    def writer() -> None:
        browser = FlaskClient(app, app.response_class, use_cookies=True)
        browser.set_cookie(cookie.key, cookie.value)
        start.wait(timeout=10)
        for _ in range(SEARCHES):
            response = browser.post(
                "/trajectories/search", data={"name": "maria", "csrf_token": token}
            )
            outcomes.append((response.status_code, "locked" in response.get_data(as_text=True)))

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == [(200, False)] * (WRITERS * SEARCHES)
    searches = [e for e in entries_after(before) if e.action == "search"]
    assert len(searches) == WRITERS * SEARCHES


# --- export interrupted ------------------------------------------------------------------------


@pytest.fixture
def export_folder(app, tmp_path, monkeypatch, make_trajectory):
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path))
    give_consent(make_trajectory(), date(2026, 9, 1))
    return tmp_path


@pytest.mark.parametrize("fault", ["disk", "database"])
def test_an_interrupted_export_leaves_no_batch_and_no_file(
    client, coordinator, export_folder, monkeypatch, fault
):
    """export interrupted → no batch recorded, no partial file left as if complete"""
    real_replace = exports.os.replace

    def fail_on_the_second_file(source, target):
        if str(target).endswith(".json"):
            raise OSError("no space left on device")
        real_replace(source, target)

    token = csrf_token(client)
    db.session.rollback()
    if fault == "disk":
        monkeypatch.setattr(exports.os, "replace", fail_on_the_second_file)
        response = client.post("/exports/", data={"period": "2026-Q3", "csrf_token": token})
    else:
        with database_down(lambda sql: "INSERT INTO EXPORT_BATCHES" in sql.upper()):
            response = client.post("/exports/", data={"period": "2026-Q3", "csrf_token": token})
    assert response.status_code in (500, 503)
    assert "Nothing was saved" in text_of(response)
    assert files_in(export_folder / "GV") == {}
    db.session.expire_all()
    assert db.session.scalars(select(ExportBatch)).all() == []


# --- the table itself --------------------------------------------------------------------------

TESTS_OF_LINE = {
    "field over its length, wrong type, date of birth in the future": [
        "test_bad_field_gets_the_form_again_with_a_message_on_it"
    ],
    "script or SQL in any text field; RTL, emoji, combining marks, NUL": [
        "test_hostile_text_is_stored_as_text_shown_escaped_and_round_trips",
        "test_nul_is_refused",
    ],
    "another region's or role's id in a URL": [
        "test_another_regions_id_is_404_and_audited",
        "test_another_roles_object_is_closed_to_a_chain_director",
    ],
    "POST without a valid CSRF token": [
        "test_post_without_a_valid_token_is_400_and_changes_nothing"
    ],
    "closure that breaks the rule": ["test_a_closure_that_breaks_the_rule_names_the_condition"],
    "two coordinators save the same trajectory": [
        "test_two_coordinators_saving_the_same_trajectory_lose_nothing"
    ],
    "the same form submitted twice": ["test_the_same_form_twice_is_one_step"],
    "tampered ciphertext or wrong key": [
        "test_unreadable_field_is_marked_logged_and_the_page_served"
    ],
    "database down": ["test_database_down_gives_503_no_partial_write_and_recovers"],
    "SQLite under concurrent writers": ["test_concurrent_writers_get_no_locked_error_page"],
    "export interrupted": ["test_an_interrupted_export_leaves_no_batch_and_no_file"],
}


def table_lines() -> list[str]:
    """The first cell of each row of the table under "## Bad input and faults"."""
    text = SECURITY_MD.read_text(encoding="utf-8")
    section = text.split("## Bad input and faults", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    cells = [row.strip("|").split("|")[0].strip() for row in rows[2:]]  # header, separator
    return [re.sub(r"\s+", " ", cell) for cell in cells]


def test_every_line_of_the_table_has_its_test():
    lines = table_lines()
    assert len(lines) >= 11
    assert set(TESTS_OF_LINE) == set(lines)
    for line, names in TESTS_OF_LINE.items():
        for name in names:
            test = globals().get(name)
            assert callable(test) and name.startswith("test_"), name
            docstring = re.sub(r"\s+", " ", test.__doc__ or "")
            assert docstring.startswith(line), (name, line)
