"""Searching a client of the region by name, date of birth or case number, through the form."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.codes import Phase
from carecoord.extensions import db
from carecoord.trajectories import search
from tests.conftest import csrf_token, post
from tests.trajectories.caseload_helpers import SEARCH, case_numbers, counted_statements
from tests.trajectories.stored import read_blob, write_blob

OTHER_REGION = "Rotterdam-Rijnmond"


def found(client, **fields: str) -> list[str]:
    """The case numbers the search form finds, in the order shown."""
    response = post(client, SEARCH, fields)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return case_numbers(response.get_data(as_text=True))


@pytest.fixture
def people(login_as, make_trajectory):
    """Three clients of the region, one of another region with the same name; signed in."""
    login_as("coordinator")
    return {
        "jose": make_trajectory(name="José Díaz-Pérez", date_of_birth=date(1990, 3, 4)),
        "maria": make_trajectory(name="Maria Kowalska", date_of_birth=date(1994, 5, 17)),
        "marek": make_trajectory(name="Marek Nowak", date_of_birth=date(1994, 5, 17)),
        "rotterdam": make_trajectory(
            region=OTHER_REGION, name="José Díaz-Pérez", date_of_birth=date(1990, 3, 4)
        ),
    }


@pytest.mark.parametrize("typed", ["josé díaz", "JOSE DIAZ", "díaz", "  perez   jose ", "Diaz-P"])
def test_part_of_the_name_whatever_case_and_accents(client, people, typed):
    assert found(client, name=typed) == [people["jose"].case_number]


def test_a_name_matches_several_clients(client, people):
    assert set(found(client, name="mar")) == {
        people["maria"].case_number,
        people["marek"].case_number,
    }


def test_a_name_nobody_has(client, people, english):
    english()
    response = post(client, SEARCH, {"name": "Zuzanna"})

    assert response.status_code == 200
    assert case_numbers(response.get_data(as_text=True)) == []
    assert "No client of your region matches." in response.get_data(as_text=True)


def test_by_exact_date_of_birth(client, people):
    assert set(found(client, date_of_birth="1994-05-17")) == {
        people["maria"].case_number,
        people["marek"].case_number,
    }
    assert found(client, date_of_birth="1990-03-04") == [people["jose"].case_number]
    assert found(client, date_of_birth="1990-03-05") == []


def test_name_and_date_of_birth_together(client, people):
    assert set(found(client, name="ma", date_of_birth="1994-05-17")) == {
        people["maria"].case_number,
        people["marek"].case_number,
    }
    assert found(client, name="maria", date_of_birth="1994-05-17") == [people["maria"].case_number]
    assert found(client, name="maria", date_of_birth="1990-03-04") == []


def test_by_case_number_exact_or_its_beginning(client, people):
    maria = people["maria"].case_number
    own = sorted(people[k].case_number for k in ("jose", "maria", "marek"))

    assert found(client, case_number=maria) == [maria]
    assert found(client, case_number=maria.lower()) == [maria]
    for prefix in (maria[:-1], "gv-2026", "GV-"):
        assert found(client, case_number=prefix) == [n for n in own if n.startswith(prefix.upper())]
    assert maria in found(client, case_number=maria[:-1])
    assert found(client, case_number="gv-2026") == own
    assert found(client, case_number=people["rotterdam"].case_number) == []
    # LIKE's wildcards are searched as themselves, not as "anything".
    assert found(client, case_number="%") == []
    assert found(client, case_number="GV_2026") == []


def test_the_header_box_reads_a_name_a_case_number_or_a_date(client, people):
    assert found(client, term="kowalska") == [people["maria"].case_number]
    assert found(client, term=people["marek"].case_number) == [people["marek"].case_number]
    assert set(found(client, term="17-05-1994")) == {
        people["maria"].case_number,
        people["marek"].case_number,
    }


def test_results_link_to_the_file_and_show_who_was_found(client, people, english):
    english()
    jose = people["jose"]

    html = post(client, SEARCH, {"name": "jose"}).get_data(as_text=True)

    assert f'href="/trajectories/{jose.public_id}">{jose.case_number}</a>' in html
    assert "José Díaz-Pérez" in html
    assert "March 4, 1990" in html


def test_another_regions_client_is_never_found(client, people):
    rotterdam = people["rotterdam"]
    for fields in (
        {"name": "José Díaz-Pérez"},
        {"date_of_birth": "1990-03-04"},
        {"name": "jose", "date_of_birth": "1990-03-04"},
        {"case_number": rotterdam.case_number[:3]},
        {"term": rotterdam.case_number},
    ):
        assert rotterdam.case_number not in found(client, **fields), fields


def test_a_client_with_a_closed_earlier_trajectory_is_one_result_with_the_latest(
    client, login_as, make_trajectory, closed_trajectory
):
    current = make_trajectory(name="Eén Keer", notified_on=date(2026, 6, 1))
    earlier = closed_trajectory(current, notified_on=date(2025, 2, 1), closed_on=date(2025, 8, 1))
    login_as("coordinator")

    assert found(client, name="een keer") == [current.case_number]
    assert found(client, case_number=earlier.case_number) == [earlier.case_number]


def test_closed_trajectories_are_found_too(client, login_as, make_trajectory):
    closed = make_trajectory(name="Gesloten Dossier", phase=Phase.CLOSED)
    login_as("coordinator")

    assert found(client, name="gesloten") == [closed.case_number]


def test_too_many_matches_shows_the_first_and_says_so(
    client, login_as, make_trajectory, monkeypatch, english
):
    monkeypatch.setattr(search, "MAX_RESULTS", 2)
    for n in range(3):
        make_trajectory(name=f"Anna Jansen {n}")
    login_as("coordinator")
    english()

    html = post(client, SEARCH, {"name": "anna"}).get_data(as_text=True)

    assert len(case_numbers(html)) == 2
    assert "only the first 2 are shown" in html


def test_an_unreadable_name_is_skipped_and_the_rest_is_found(client, login_as, make_trajectory):
    damaged = make_trajectory(name="Beschadigd Dossier")
    intact = make_trajectory(name="Heel Dossier")
    # The ciphertext of another row: its associated data no longer fits, so it cannot decrypt.
    write_blob(
        "clients", "name_ct", damaged.client_id, read_blob("clients", "name_ct", intact.client_id)
    )
    login_as("coordinator")

    assert found(client, name="dossier") == [intact.case_number]
    assert damaged.case_number in found(client, case_number=damaged.case_number)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Fill in a name, a date of birth or a case number."),
        ({"term": "   "}, "Fill in a name, a date of birth or a case number."),
        ({"name": "é"}, "Type at least 2 letters of the name."),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"name": "Ana\u202eEvil"}, "Remove the invisible control characters"),
        ({"date_of_birth": "17 mei"}, "Not a valid date value."),
        ({"case_number": "G" * 21}, "Field cannot be longer than 20 characters."),
    ],
)
def test_bad_input_is_refused_with_422_and_a_message(
    client, login_as, make_trajectory, audit_entries, english, fields, message
):
    make_trajectory()
    login_as("coordinator")
    english()

    response = post(client, SEARCH, fields)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert case_numbers(response.get_data(as_text=True)) == []
    assert not [e for e in audit_entries() if e.action == "search"]


def test_statement_count_does_not_grow_with_the_results(client, login_as, make_trajectory):
    login_as("coordinator")

    token = csrf_token(client)

    def statements_for_search() -> int:
        with counted_statements() as statements:
            response = client.post(SEARCH, data={"name": "jansen", "csrf_token": token})
            assert response.status_code == 200
        return len(statements)

    for n in range(2):
        make_trajectory(name=f"Jan Jansen {n}")
    db.session.commit()
    few = statements_for_search()
    for n in range(2, 7):
        make_trajectory(name=f"Jan Jansen {n}")
    db.session.commit()

    assert statements_for_search() == few
