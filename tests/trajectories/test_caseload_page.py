"""The caseload page: what each row shows, what needs attention first, pages, audit, queries."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from carecoord.codes import ExploitationForm, HandoverStatus, Phase
from carecoord.extensions import db
from carecoord.timeutil import today
from carecoord.trajectories.models import TrajectoryExploitation
from carecoord.trajectories.rules import reflection_period_end
from tests.trajectories.caseload_helpers import (
    CASELOAD,
    add_handover,
    case_numbers,
    change,
    counted_statements,
    days_ago,
    days_ahead,
    row_of,
)
from tests.trajectories.stored import read_blob


def test_is_the_coordinators_home(client, login_as):
    login_as("coordinator")

    response = client.get("/")

    assert response.status_code == 302
    assert response.location.endswith(CASELOAD)


def test_a_row_shows_what_needs_attention(client, login_as, make_trajectory, english):
    coordinator = login_as("coordinator")
    t = make_trajectory(name="Ana Popescu", notified_on=date(2026, 9, 1))
    t.exploitation.append(TrajectoryExploitation(form=ExploitationForm.LABOUR.value))
    change(
        t,
        responsible=coordinator,
        assistance_started_on=date(2026, 9, 20),
        next_review_on=days_ago(2),
        reflection_started_on=days_ago(85),
    )
    add_handover(t, HandoverStatus.SENT, sent_on=days_ago(10))
    add_handover(t, HandoverStatus.ACCEPTED, sent_on=days_ago(3))
    add_handover(t, HandoverStatus.COMPLETED, sent_on=days_ago(40))
    english()

    html = client.get(CASELOAD).get_data(as_text=True)

    row = row_of(html, t.case_number)
    assert f'href="/trajectories/{t.public_id}">{t.case_number}</a>' in row
    for shown in (
        "Ana Popescu",
        "intake + assistance",
        f"<td>{(today() - date(2026, 9, 1)).days}</td>",
        "overdue",
        "ends within 14 days",
        "1 waiting more than 7 days",
        "sexual exploitation",
        "labour exploitation",
        coordinator.name,
    ):
        assert shown in row, shown
    assert "<td>2 <span" in row  # sent and accepted are open; completed is not
    assert reflection_period_end(days_ago(85)).strftime("%B") in row


def test_a_quiet_row_has_no_marks(client, login_as, make_trajectory, english):
    t = change(
        make_trajectory(phase=Phase.ASSISTANCE),
        next_review_on=days_ahead(20),
        reflection_started_on=days_ago(10),
    )
    add_handover(t, HandoverStatus.SENT, sent_on=days_ago(2))
    login_as("coordinator")
    english()

    row = row_of(client.get(CASELOAD).get_data(as_text=True), t.case_number)

    assert "assistance" in row and "intake" not in row
    assert "tag--attention" not in row
    assert "<td>1</td>" in row


def test_what_needs_attention_comes_first(client, login_as, make_trajectory):
    quiet = change(make_trajectory(name="Rustig", notified_on=date(2026, 11, 1)))
    later_review = change(make_trajectory(name="Later"), next_review_on=days_ahead(30))
    sooner_review = change(make_trajectory(name="Eerder"), next_review_on=days_ahead(10))
    waiting = change(make_trajectory(name="Wachtend"), next_review_on=days_ahead(40))
    add_handover(waiting, HandoverStatus.SENT, sent_on=days_ago(9))
    reflection = change(make_trajectory(name="Bedenktijd"), reflection_started_on=days_ago(85))
    overdue = change(
        make_trajectory(name="Te Laat", notified_on=date(2025, 1, 1)),
        next_review_on=days_ago(1),
    )
    most_overdue = change(make_trajectory(name="Erg Te Laat"), next_review_on=days_ago(20))
    newer_quiet = make_trajectory(name="Nieuw", notified_on=date(2026, 11, 20))
    login_as("coordinator")

    shown = case_numbers(client.get(CASELOAD).get_data(as_text=True))

    assert shown == [
        t.case_number
        for t in (
            most_overdue,
            overdue,
            reflection,
            waiting,
            sooner_review,
            later_review,
            newer_quiet,
            quiet,
        )
    ]


def test_overdue_review_is_on_the_first_page_and_filters_stay_on_page_links(
    app, client, login_as, make_trajectory, monkeypatch, english
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    me = login_as("coordinator")
    newest = [
        change(
            make_trajectory(name=f"Cliënt {day}", notified_on=date(2026, 10, day)), responsible=me
        )
        for day in (1, 2, 3)
    ]
    oldest_overdue = change(
        make_trajectory(name="Oud En Te Laat", notified_on=date(2024, 1, 1)),
        responsible=me,
        next_review_on=days_ago(1),
    )
    make_trajectory(name="Niet Van Mij")
    english()

    first = client.get(CASELOAD + "?mine=y").get_data(as_text=True)
    second = client.get(CASELOAD + "?mine=y&page=2").get_data(as_text=True)

    assert case_numbers(first) == [oldest_overdue.case_number, newest[2].case_number]
    assert case_numbers(second) == [newest[1].case_number, newest[0].case_number]
    assert "Page 1 of 2" in first
    assert 'href="/trajectories/?page=2&amp;mine=y"' in first
    assert 'href="/trajectories/?page=1&amp;mine=y"' in second
    assert client.get(CASELOAD + "?mine=y&page=3").status_code == 404


def test_in_dutch_names_decrypted_and_nothing_stored_in_clear(
    client, login_as, make_trajectory, dutch
):
    t = change(make_trajectory(name="Joanna Nowak-Wiśniewska"), next_review_on=days_ahead(400))
    login_as("coordinator")

    response = client.get(CASELOAD)

    html = response.get_data(as_text=True)
    assert "Joanna Nowak-Wiśniewska" in html
    assert format_date(days_ahead(400), "long", locale="nl") in html
    assert response.headers["Cache-Control"] == "no-store"
    assert b"Joanna" not in read_blob("clients", "name_ct", t.client_id)


def test_empty_states(client, login_as, make_trajectory, english):
    make_trajectory(region="Rotterdam-Rijnmond", name="Rotterdamse Cliënt")
    make_trajectory(name="Gesloten Cliënt", phase=Phase.CLOSED)
    login_as("coordinator")
    english()

    empty = client.get(CASELOAD).get_data(as_text=True)
    filtered = client.get(CASELOAD + "?overdue=y").get_data(as_text=True)

    assert "There are no open trajectories in your region." in empty
    assert 'href="/clients/new"' in empty
    assert "No trajectories match these filters." in filtered
    assert "Rotterdamse Cliënt" not in empty + filtered
    assert "Gesloten Cliënt" not in empty + filtered


def test_each_page_served_is_one_audit_entry(client, login_as, make_trajectory, audit_entries):
    for n in range(3):
        make_trajectory(name=f"Cliënt {n}")
    coordinator = login_as("coordinator")
    before = len(audit_entries())

    client.get(CASELOAD + "?phase=intake")

    entries = audit_entries()[before:]
    assert [(e.action, e.object_type, e.detail, e.outcome) for e in entries] == [
        ("view", "trajectories", "caseload", "success")
    ]
    assert entries[0].user_id == coordinator.id


def test_a_chain_director_gets_403_and_the_attempt_is_audited(
    client, login_as, make_trajectory, audit_entries
):
    make_trajectory(name="Geheime Cliënt")
    director = login_as("chain_director")

    response = client.get(CASELOAD)

    assert response.status_code == 403
    assert "Geheime Cliënt" not in response.get_data(as_text=True)
    entry = audit_entries()[-1]
    assert (entry.user_id, entry.outcome, entry.detail) == (
        director.id,
        "denied",
        "role_not_allowed",
    )


def test_statement_count_does_not_grow_with_the_rows(client, login_as, make_trajectory):
    coordinator = login_as("coordinator")

    def add(names: range) -> None:
        for n in names:
            t = change(
                make_trajectory(name=f"Cliënt {n}"),
                responsible=coordinator,
                next_review_on=days_ago(n),
                reflection_started_on=days_ago(80),
            )
            add_handover(t, HandoverStatus.SENT, sent_on=days_ago(9))
        db.session.commit()

    def statements_for_caseload() -> int:
        with counted_statements() as statements:
            assert client.get(CASELOAD).status_code == 200
        return len(statements)

    add(range(2))
    few = statements_for_caseload()
    add(range(2, 7))

    assert statements_for_caseload() == few
