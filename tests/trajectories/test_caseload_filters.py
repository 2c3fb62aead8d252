"""The caseload's filters: each narrows to exactly what it says, never beyond the region."""

from __future__ import annotations

import pytest

from carecoord.codes import ExploitationForm, HandoverStatus, Phase
from carecoord.timeutil import today
from carecoord.trajectories.models import TrajectoryExploitation
from carecoord.trajectories.rules import add_months
from tests.trajectories.caseload_helpers import (
    CASELOAD,
    add_handover,
    case_numbers,
    change,
    days_ago,
    days_ahead,
)

OTHER_REGION = "Rotterdam-Rijnmond"


def listed(client, query: str = "") -> set[str]:
    response = client.get(CASELOAD + query)
    assert response.status_code == 200
    return set(case_numbers(response.get_data(as_text=True)))


def started_ending_on(end_in_days: int):
    """A reflection start whose three-month period ends `end_in_days` from today."""
    end = days_ahead(end_in_days)
    start = add_months(end, -3)
    return start if add_months(start, 3) == end else None


def test_closed_trajectories_are_hidden_unless_asked_for(client, login_as, make_trajectory):
    open_one = make_trajectory(name="Open Cliënt")
    closed = make_trajectory(name="Gesloten Cliënt", phase=Phase.CLOSED)
    login_as("coordinator")

    assert listed(client) == {open_one.case_number}
    assert listed(client, "?closed=y") == {open_one.case_number, closed.case_number}
    assert listed(client, "?phase=closed") == {closed.case_number}


def test_phase_filter_counts_intake_with_assistance_as_both(client, login_as, make_trajectory):
    intake = make_trajectory(name="Alleen Intake")
    both = change(make_trajectory(name="Intake En Hulp"), assistance_started_on=days_ago(3))
    assistance = make_trajectory(name="Hulpverlening", phase=Phase.ASSISTANCE)
    make_trajectory(name="Afgesloten", phase=Phase.CLOSED)
    login_as("coordinator")

    assert listed(client, "?phase=intake") == {intake.case_number, both.case_number}
    assert listed(client, "?phase=assistance") == {both.case_number, assistance.case_number}


def test_form_of_exploitation_filter(client, login_as, make_trajectory):
    make_trajectory(name="Seksuele Uitbuiting")  # the fixture's form: sexual
    labour = make_trajectory(name="Arbeidsuitbuiting")
    labour.exploitation.append(TrajectoryExploitation(form=ExploitationForm.LABOUR.value))
    change(labour)
    login_as("coordinator")

    assert listed(client, "?exploitation=labour") == {labour.case_number}
    assert listed(client, "?exploitation=criminal") == set()


def test_review_overdue_is_a_past_review_date_of_an_open_trajectory(
    client, login_as, make_trajectory
):
    overdue = change(make_trajectory(name="Te Laat"), next_review_on=days_ago(1))
    change(make_trajectory(name="Vandaag"), next_review_on=today())
    change(make_trajectory(name="Later"), next_review_on=days_ahead(5))
    make_trajectory(name="Geen Datum")
    change(make_trajectory(name="Dicht", phase=Phase.CLOSED), next_review_on=days_ago(30))
    login_as("coordinator")

    assert listed(client, "?overdue=y") == {overdue.case_number}
    assert listed(client, "?overdue=y&closed=y") == {overdue.case_number}


def test_reflection_filter_takes_periods_ending_in_the_next_14_days(
    client, login_as, make_trajectory
):
    # Ends today, in 14 days, in 15 days, and ended yesterday (when such a start exists).
    ends = {days: started_ending_on(days) for days in (0, 14, 15, -1)}
    expected = set()
    for days, start in ends.items():
        if start is None:
            continue
        t = change(make_trajectory(name=f"Bedenktijd {days}"), reflection_started_on=start)
        if 0 <= days <= 14:
            expected.add(t.case_number)
    make_trajectory(name="Geen Bedenktijd")
    login_as("coordinator")

    assert expected
    assert listed(client, "?reflection=y") == expected


def test_waiting_filter_takes_handovers_sent_more_than_7_days_ago(
    client, login_as, make_trajectory
):
    waiting = make_trajectory(name="Wacht Al Lang")
    add_handover(waiting, HandoverStatus.SENT, sent_on=days_ago(8))
    add_handover(make_trajectory(name="Zeven Dagen"), HandoverStatus.SENT, sent_on=days_ago(7))
    add_handover(
        make_trajectory(name="Geaccepteerd"), HandoverStatus.ACCEPTED, sent_on=days_ago(30)
    )
    add_handover(make_trajectory(name="Voorgesteld"), HandoverStatus.PROPOSED)
    login_as("coordinator")

    assert listed(client, "?waiting=y") == {waiting.case_number}


def test_mine_shows_only_trajectories_she_is_responsible_for(
    client, login_as, make_trajectory, make_user
):
    me = login_as("coordinator")
    colleague = make_user("coordinator")
    mine = change(make_trajectory(name="Van Mij"), responsible=me)
    change(make_trajectory(name="Van Collega"), responsible=colleague)
    make_trajectory(name="Van Niemand")

    assert listed(client, "?mine=y") == {mine.case_number}
    assert len(listed(client)) == 3


def test_filters_combine(client, login_as, make_trajectory):
    me = login_as("coordinator")
    both = change(make_trajectory(name="Beide"), responsible=me, next_review_on=days_ago(2))
    change(make_trajectory(name="Alleen Mijn"), responsible=me)
    change(make_trajectory(name="Alleen Te Laat"), next_review_on=days_ago(2))

    assert listed(client, "?mine=y&overdue=y") == {both.case_number}


@pytest.mark.parametrize(
    "query",
    ["", "?closed=y", "?overdue=y", "?reflection=y", "?waiting=y", "?phase=closed", "?mine=y"],
)
def test_another_regions_trajectories_never_appear(client, login_as, make_trajectory, query):
    me = login_as("coordinator")
    start = started_ending_on(3) or started_ending_on(4)
    for phase in (Phase.INTAKE, Phase.CLOSED):
        theirs = make_trajectory(region=OTHER_REGION, name=f"Rotterdam {phase}", phase=phase)
        change(theirs, next_review_on=days_ago(9), reflection_started_on=start, responsible=me)
        add_handover(theirs, HandoverStatus.SENT, sent_on=days_ago(20))

    html = client.get(CASELOAD + query).get_data(as_text=True)

    assert case_numbers(html) == []
    assert "Rotterdam" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("query", ["?phase=dormant", "?exploitation=%3Cscript%3E"])
def test_an_unknown_code_is_refused_with_422_and_no_list(client, login_as, make_trajectory, query):
    t = make_trajectory()
    login_as("coordinator")

    response = client.get(CASELOAD + query)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert t.case_number not in html
    assert "<script>" not in html
