"""Monitoring: the interval, the next review date, and monitoring notes moving it on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from carecoord.codes import StepKind
from carecoord.extensions import db
from carecoord.trajectories.rules import DEFAULT_MONITORING_INTERVAL_DAYS
from tests.trajectories.closure_helpers import (
    NOTIFIED,
    days_ago,
    fresh,
    iso,
    steps_of,
    stored,
    submit,
    text_of,
    url,
)


@pytest.fixture
def coordinator(login_as, english):
    user = login_as("coordinator")
    english()
    return user


def note(client, t, on, text="Gaat goed in de opvang"):
    data = {"occurred_on": iso(on), "text": text}
    return submit(client, url(t, "/monitoring"), "note", data, action=url(t, "/monitoring/note"))


def settings(client, t, interval, next_review=""):
    data = {"interval_days": str(interval), "next_review_on": next_review}
    return submit(client, url(t, "/monitoring"), "monitoring", data)


def status_of(client, t) -> str:
    page = text_of(client.get(url(t)))
    return page[page.index(">Status<") :].split("</section>", 1)[0]


def test_a_new_trajectory_has_no_review_planned(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)

    assert fresh(t).next_review_on is None
    assert "not planned" in status_of(client, t)


def test_a_monitoring_note_moves_the_next_review_one_interval_on(
    client, coordinator, make_trajectory, audit_entries
):
    t = make_trajectory(notified_on=NOTIFIED)

    response = note(client, t, days_ago(2))

    assert response.status_code == 302
    assert fresh(t).next_review_on == days_ago(2) + timedelta(days=DEFAULT_MONITORING_INTERVAL_DAYS)
    [step] = steps_of(t, StepKind.MONITORING_NOTE)
    assert (step.occurred_on, step.text) == (days_ago(2), "Gaat goed in de opvang")
    entry = audit_entries()[-1]
    assert (entry.action, entry.object_type, entry.detail) == ("create", "steps", "monitoring_note")


def test_a_late_note_does_not_move_the_review_back(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    assert note(client, t, days_ago(2)).status_code == 302

    assert note(client, t, days_ago(20), text="Vergeten te noteren").status_code == 302

    assert fresh(t).next_review_on == days_ago(2) + timedelta(days=DEFAULT_MONITORING_INTERVAL_DAYS)
    assert len(steps_of(t, StepKind.MONITORING_NOTE)) == 2


def test_an_overdue_review_is_marked_on_the_file(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    t.next_review_on = days_ago(1)
    db.session.commit()

    assert "overdue" in status_of(client, t)

    assert note(client, t, days_ago(0)).status_code == 302
    assert "overdue" not in status_of(client, t)


def test_changing_the_interval_sets_the_next_review(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    assert note(client, t, days_ago(4)).status_code == 302

    response = settings(client, t, 14)

    assert response.status_code == 302
    now = fresh(t)
    assert (now.monitoring_interval_days, now.next_review_on) == (14, days_ago(4 - 14))
    assert note(client, t, days_ago(1)).status_code == 302
    assert fresh(t).next_review_on == days_ago(1 - 14)


def test_the_interval_without_notes_counts_from_today(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)

    assert settings(client, t, 7).status_code == 302

    assert fresh(t).next_review_on == days_ago(-7)


def test_an_explicit_next_review_date_is_kept(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)

    assert settings(client, t, 30, next_review=iso(days_ago(-3))).status_code == 302

    assert fresh(t).next_review_on == days_ago(-3)


@pytest.mark.parametrize(
    ("interval", "next_review", "message"),
    [
        ("6", "", "Choose an interval from 7 to 182 days."),
        ("183", "", "Choose an interval from 7 to 182 days."),
        ("soon", "", "Not a valid integer value."),
        ("28", iso(days_ago(1)), "The next review cannot be in the past."),
    ],
)
def test_bad_monitoring_settings_are_422(
    client, coordinator, make_trajectory, interval, next_review, message
):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = settings(client, t, interval, next_review)

    assert response.status_code == 422
    assert message in text_of(response)
    assert stored(t) == before


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (days_ago(61), "This date cannot be before the date of notification"),
        (days_ago(-1), "This date cannot be in the future."),
    ],
)
def test_a_note_dated_outside_the_trajectory_is_422(
    client, coordinator, make_trajectory, when, message
):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = note(client, t, when, text="Buiten de periode")

    assert response.status_code == 422
    page = text_of(response)
    assert message in page and "Buiten de periode" in page
    assert stored(t) == before


def test_the_reflection_period_warning_shows_within_14_days(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    t.reflection_started_on = days_ago(80)  # three months end in about ten days
    db.session.commit()

    status = status_of(client, t)

    assert "ends within 14 days" in status
    t = fresh(t)
    t.reflection_started_on = days_ago(30)
    db.session.commit()
    assert "ends within 14 days" not in status_of(client, t)
