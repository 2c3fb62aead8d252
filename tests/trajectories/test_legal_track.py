"""The legal-track page: reflection period, police report, B8/3 permit, criminal case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from carecoord.codes import Phase, StepKind
from carecoord.timeutil import today
from tests.trajectories.intake_helpers import (
    audit_details,
    bump_version,
    days_ago,
    filled,
    form_of,
    fresh,
    recent_trajectory,
    snapshot,
    steps_of,
    submit,
    text_of,
)


def url(t):
    return f"/trajectories/{t.public_id}/legal"


def save(client, t, **data):
    return submit(client, url(t), url(t), data)


def long_date(day):
    """A date as the English interface writes it in a step, e.g. "September 1, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"


FULL = {
    "reflection_started_on": 50,
    "police_report": "filed",
    "police_report_on": 40,
    "residence_permit": "applied",
    "residence_permit_on": 30,
    "criminal_case": "under_investigation",
    "criminal_case_on": 20,
}


def typed(values):
    """Whole numbers are days ago; everything else as typed."""
    return {k: days_ago(v).isoformat() if isinstance(v, int) else v for k, v in values.items()}


def test_the_page_is_audited(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()

    page = text_of(client.get(url(t)))

    assert "Reflection period started on" in page and "Appeal pending" in page
    assert ("view", "legal") in audit_details(t.id)


def test_saving_records_each_fact_and_one_step_per_change(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()

    response = save(client, t, **typed(FULL))

    assert response.status_code == 302
    stored = fresh(t)
    assert stored.reflection_started_on == days_ago(50)
    assert (stored.police_report, stored.police_report_on) == ("filed", days_ago(40))
    assert (stored.residence_permit, stored.residence_permit_on) == ("applied", days_ago(30))
    assert (stored.criminal_case, stored.criminal_case_on) == ("under_investigation", days_ago(20))
    steps = steps_of(t, StepKind.LEGAL_TRACK)
    assert [s.occurred_on for s in steps] == [days_ago(d) for d in (50, 40, 30, 20)]
    assert [s.text for s in steps] == [
        f"Reflection period started on {long_date(days_ago(50))}; it ends on "
        f"{long_date(stored.reflection_period_ends_on)}.",
        f"Police report: police report filed, from {long_date(days_ago(40))}.",
        f"Residence permit (B8/3): applied for, from {long_date(days_ago(30))}.",
        f"Criminal case: under investigation, from {long_date(days_ago(20))}.",
    ]
    assert steps[0]._text is not None and b"Reflection" not in steps[0]._text
    assert (
        "update",
        "legal_track:reflection.police_report.residence_permit.criminal_case",
    ) in audit_details(t.id)
    page = text_of(client.get(response.location))
    assert "The legal track was saved." in page
    assert "Criminal-law trajectory over: <strong>no</strong>" in page


def test_unchanged_facts_write_nothing(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    save(client, t, **typed(FULL))
    before = len(steps_of(t, StepKind.LEGAL_TRACK))

    save(client, t, **typed(FULL))
    assert len(steps_of(t, StepKind.LEGAL_TRACK)) == before

    later = typed(FULL | {"criminal_case": "conviction", "criminal_case_on": 2})
    save(client, t, **later, appeal_pending="y")

    steps = steps_of(t, StepKind.LEGAL_TRACK)[before:]
    assert [s.text for s in steps] == [
        f"Criminal case: conviction, from {long_date(days_ago(2))}.",
        "Appeal pending.",
    ]
    assert steps[1].occurred_on == days_ago(2)
    assert fresh(t).appeal_pending is True
    assert fresh(t).closure_facts().criminal_case_open

    save(client, t, **later)  # the appeal was decided
    assert steps_of(t, StepKind.LEGAL_TRACK)[-1].text == "No appeal pending any more."
    assert steps_of(t, StepKind.LEGAL_TRACK)[-1].occurred_on == today()
    assert not fresh(t).closure_facts().criminal_case_open


def test_a_new_date_for_the_same_status_is_a_change(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    save(client, t, police_report="exempted", police_report_on=days_ago(9).isoformat())

    save(client, t, police_report="exempted", police_report_on=days_ago(8).isoformat())

    texts = [s.text for s in steps_of(t, StepKind.LEGAL_TRACK)]
    assert (
        texts[-1] == f"Police report: exempted from filing a report, from {long_date(days_ago(8))}."
    )
    assert len(texts) == 2


def test_the_reflection_period_may_start_up_to_90_days_before_notification(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory, days=60)
    login_as("coordinator")
    english()
    before = snapshot(t)

    refused = save(client, t, reflection_started_on=days_ago(151).isoformat())
    assert refused.status_code == 422
    assert "cannot start more than 90 days before the date of notification" in text_of(refused)
    assert snapshot(t) == before

    assert save(client, t, reflection_started_on=days_ago(150).isoformat()).status_code == 302
    assert fresh(t).reflection_started_on == days_ago(150)


FUTURE = (today() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"police_report": "maybe", "police_report_on": 3}, "police_report", "Choose one of"),
        ({"residence_permit": "granted"}, "residence_permit_on", "Enter the date this status"),
        ({"criminal_case_on": 3}, "criminal_case_on", "Choose a status for this date"),
        (
            {"police_report": "filed", "police_report_on": 61},
            "police_report_on",
            "cannot be before the date of notification",
        ),
        (
            {"criminal_case": "prosecution", "criminal_case_on": FUTURE},
            "criminal_case_on",
            "This date cannot be in the future.",
        ),
        ({"reflection_started_on": FUTURE}, "reflection_started_on", "cannot be in the future"),
        (
            {"criminal_case": "prosecution", "criminal_case_on": 3, "appeal_pending": "y"},
            "appeal_pending",
            "An appeal can only be pending after a dismissal, a conviction or an acquittal.",
        ),
        ({"appeal_pending": "y"}, "appeal_pending", "An appeal can only be pending"),
    ],
)
def test_bad_input_is_refused_on_the_field(
    client, login_as, make_trajectory, english, data, field, message
):
    t = recent_trajectory(make_trajectory, days=60)
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = save(client, t, **typed(data))

    assert response.status_code == 422
    html = text_of(response)
    error = html[html.index(f'id="{field}-error"') :][:300]
    assert message in error
    assert snapshot(t) == before


@pytest.mark.parametrize(
    ("cleared", "message"),
    [
        ({"criminal_case": "", "criminal_case_on": ""}, "criminal case status cannot be removed"),
        ({"police_report": "", "police_report_on": ""}, "police report status cannot be removed"),
        ({"reflection_started_on": ""}, "start of the reflection period cannot be removed"),
    ],
)
def test_a_recorded_fact_cannot_be_removed(
    client, login_as, make_trajectory, english, cleared, message
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    save(client, t, **typed(FULL))
    before = snapshot(t)

    response = save(client, t, **(typed(FULL) | cleared))

    assert response.status_code == 409
    assert message in text_of(response)
    assert snapshot(t) == before


def test_a_closed_trajectory_refuses_changes(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory, phase=Phase.CLOSED)
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = save(client, t, **typed(FULL))

    assert response.status_code == 409
    assert "This trajectory is closed. Reopen it before changing it." in text_of(response)
    assert snapshot(t) == before


def test_a_stale_form_is_a_conflict_that_keeps_the_typed_status(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    hidden = form_of(client, url(t))
    bump_version(t)
    before = snapshot(t)

    response = client.post(url(t), data=filled(hidden, typed(FULL)))

    assert response.status_code == 409
    html = text_of(response)
    assert "Someone else changed this trajectory" in html
    assert '<option selected value="under_investigation">' in html
    assert snapshot(t) == before


def test_a_double_submit_writes_one_set_of_steps(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    data = filled(form_of(client, url(t)), typed(FULL))

    assert client.post(url(t), data=data).status_code == 302
    assert client.post(url(t), data=data).status_code == 302

    assert len(steps_of(t, StepKind.LEGAL_TRACK)) == 4
