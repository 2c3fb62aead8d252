"""The coordinator's home page: her region's clients, newest notification first, paginated."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from carecoord.codes import ExploitationForm
from carecoord.extensions import db
from carecoord.trajectories.models import TrajectoryExploitation
from tests.trajectories.stored import read_blob

HOME = "/trajectories/"


@contextmanager
def counted_statements():
    """Count the SQL statements the engine runs inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_lists_only_own_region_newest_notification_first(client, login_as, make_trajectory):
    make_trajectory(name="Oudste Cliënt", notified_on=date(2026, 1, 5))
    make_trajectory(name="Nieuwste Cliënt", notified_on=date(2026, 9, 20))
    make_trajectory(name="Middelste Cliënt", notified_on=date(2026, 4, 2))
    make_trajectory(region="Rotterdam-Rijnmond", name="Rotterdamse Cliënt")
    login_as("coordinator", region="Gooi en Vechtstreek")

    response = client.get(HOME)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Rotterdamse Cliënt" not in html
    positions = [html.index(n) for n in ("Nieuwste Cliënt", "Middelste Cliënt", "Oudste Cliënt")]
    assert positions == sorted(positions)
    assert "20 september 2026" in html  # the Dutch date of the default language
    assert response.headers["Cache-Control"] == "no-store"


def test_row_shows_case_number_link_phase_forms_municipality_and_responsible(
    client, login_as, make_trajectory, english
):
    t = make_trajectory(name="Ana Popescu")
    t.exploitation.append(TrajectoryExploitation(form=ExploitationForm.LABOUR.value))
    coordinator = login_as("coordinator")
    t.responsible = coordinator
    db.session.commit()
    english()

    html = client.get(HOME).get_data(as_text=True)

    assert f'href="/trajectories/{t.public_id}">{t.case_number}</a>' in html
    row = html[html.index(t.case_number) :].split("</tr>", 1)[0]
    for shown in ("Ana Popescu", "intake", "sexual exploitation", "labour exploitation"):
        assert shown in row
    assert "Hilversum" in row
    assert coordinator.name in row


def test_a_client_with_two_trajectories_is_one_row_with_the_latest(
    client, login_as, make_trajectory, closed_trajectory
):
    current = make_trajectory(name="Eén Keer", notified_on=date(2026, 6, 1))
    earlier = closed_trajectory(current, notified_on=date(2025, 2, 1), closed_on=date(2025, 8, 1))
    login_as("coordinator")

    html = client.get(HOME).get_data(as_text=True)

    assert html.count("Eén Keer") == 1
    assert current.case_number in html
    assert earlier.case_number not in html


def test_paginates_by_the_configured_page_size(
    app, client, login_as, make_trajectory, monkeypatch, english
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for day, name in ((1, "Cliënt Een"), (2, "Cliënt Twee"), (3, "Cliënt Drie")):
        make_trajectory(name=name, notified_on=date(2026, 3, day))
    login_as("coordinator")
    english()

    first = client.get(HOME).get_data(as_text=True)
    second = client.get(HOME + "?page=2").get_data(as_text=True)

    assert "Cliënt Drie" in first and "Cliënt Twee" in first
    assert "Cliënt Een" not in first
    assert "Page 1 of 2" in first
    assert 'href="/trajectories/?page=2"' in first
    assert "Cliënt Een" in second
    assert "Cliënt Drie" not in second and "Cliënt Twee" not in second
    assert 'href="/trajectories/?page=1"' in second
    assert client.get(HOME + "?page=3").status_code == 404


def test_names_are_decrypted_and_nothing_is_stored_in_clear(client, login_as, make_trajectory):
    t = make_trajectory(name="Joanna Nowak-Wiśniewska")
    login_as("coordinator")

    assert "Joanna Nowak-Wiśniewska" in client.get(HOME).get_data(as_text=True)
    assert b"Joanna" not in read_blob("clients", "name_ct", t.client_id)


def test_empty_state_links_to_registration(client, login_as, make_trajectory, english):
    make_trajectory(region="Rotterdam-Rijnmond", name="Rotterdamse Cliënt")
    login_as("coordinator", region="Gooi en Vechtstreek")
    english()

    html = client.get(HOME).get_data(as_text=True)

    assert "No clients have been registered in your region yet." in html
    assert 'href="/clients/new"' in html
    assert "Rotterdamse Cliënt" not in html


def test_viewing_the_list_is_audited(client, login_as, make_trajectory, audit_entries):
    make_trajectory()
    coordinator = login_as("coordinator")

    client.get(HOME)

    entry = audit_entries()[-1]
    assert (entry.action, entry.object_type, entry.outcome) == ("view", "trajectories", "success")
    assert entry.user_id == coordinator.id
    assert entry.detail == "client_list"


def test_statement_count_does_not_grow_with_the_rows(client, login_as, make_trajectory):
    coordinator = login_as("coordinator")

    def statements_for_home() -> int:
        with counted_statements() as statements:
            assert client.get(HOME).status_code == 200
        return len(statements)

    for n in range(2):
        make_trajectory(name=f"Cliënt {n}").responsible = coordinator
    db.session.commit()
    few = statements_for_home()
    for n in range(2, 7):
        make_trajectory(name=f"Cliënt {n}").responsible = coordinator
    db.session.commit()

    assert statements_for_home() == few
