"""The needs inventory of the intake page: per life domain assessed, need and note."""

from __future__ import annotations

from datetime import timedelta

import pytest

from carecoord.codes import LifeDomain, StepKind
from carecoord.timeutil import today
from carecoord.trajectories.models.intake import NEEDS_NOTE_MAX
from tests.trajectories.intake_helpers import (
    audit_details,
    days_ago,
    fresh,
    recent_trajectory,
    snapshot,
    step_kinds,
    steps_of,
    submit,
    text_of,
)

NOTE = "Slaapt bij een kennis; wil weg uit Hilversum. <script>alert(1)</script> فاطمة"


def urls(t):
    page = f"/trajectories/{t.public_id}/intake"
    return page, page + "/needs"


def save_needs(client, t, **data):
    page, action = urls(t)
    data.setdefault("conversation_on", days_ago(10).isoformat())
    return submit(client, page, action, data, prefix="needs")


def test_the_page_lists_every_life_domain_and_is_audited(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()

    page = text_of(client.get(f"/trajectories/{t.public_id}/intake"))

    for domain in LifeDomain:
        assert f'value="{domain.value}"' in page
    assert page.count('name="needs-assessed"') == len(LifeDomain) == 14
    assert ("view", "intake") in audit_details(t.id)


def test_saving_records_rows_and_the_steps(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    on = days_ago(10)

    response = save_needs(
        client,
        t,
        conversation_on=on.isoformat(),
        assessed=["shelter_housing", "safety"],
        need=["shelter_housing"],
        note_shelter_housing=NOTE,
    )

    assert response.status_code == 302
    assert response.location.endswith(f"/trajectories/{t.public_id}/intake")
    rows = {n.domain: n for n in fresh(t).needs}
    assert set(rows) == {"shelter_housing", "safety"}
    shelter = rows["shelter_housing"]
    assert (shelter.assessed, shelter.has_need, shelter.note, shelter.assessed_on) == (
        True,
        True,
        NOTE,
        on,
    )
    assert (rows["safety"].assessed, rows["safety"].has_need) == (True, False)
    assert NOTE.encode() not in shelter._note  # encrypted at rest
    assert step_kinds(t)[1:] == [StepKind.INTAKE_CONVERSATION, StepKind.NEEDS_ASSESSED]
    assessed = steps_of(t, StepKind.NEEDS_ASSESSED)[0]
    assert assessed.occurred_on == on
    assert "shelter and housing: assessed, need" in assessed.text
    assert "safety: assessed, no need" in assessed.text
    assert ("update", "intake.needs") in audit_details(t.id)
    page = text_of(client.get(response.location))
    assert "The needs inventory was saved." in page
    assert NOTE in page  # the note round-trips exactly, shown escaped
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_a_second_save_updates_only_what_changed(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    save_needs(client, t, assessed=["safety", "addiction"], note_safety="eerste")
    on = days_ago(3)

    save_needs(
        client,
        t,
        conversation_on=on.isoformat(),
        assessed=["safety", "addiction"],
        need=["addiction"],
        note_safety="eerste",
    )

    rows = {n.domain: n for n in fresh(t).needs}
    assert rows["addiction"].has_need and rows["addiction"].assessed_on == on
    assert rows["safety"].assessed_on == days_ago(10)  # unchanged, so not re-dated
    second = steps_of(t, StepKind.NEEDS_ASSESSED)[-1]
    assert "addiction" in second.text and "safety" not in second.text
    assert len(steps_of(t, StepKind.INTAKE_CONVERSATION)) == 2  # two dates, two conversations


def test_saving_the_same_inventory_again_writes_no_step(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    save_needs(client, t, assessed=["safety"], note_safety="x")
    before = step_kinds(t)

    response = save_needs(client, t, assessed=["safety"], note_safety="x")

    assert response.status_code == 302
    assert step_kinds(t) == before


def test_a_second_save_on_the_same_day_is_one_conversation(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    save_needs(client, t, assessed=["safety"])
    save_needs(client, t, assessed=["safety", "children"])

    assert len(steps_of(t, StepKind.INTAKE_CONVERSATION)) == 1
    assert len(steps_of(t, StepKind.NEEDS_ASSESSED)) == 2


def test_unticking_a_domain_records_it_as_not_assessed(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    save_needs(client, t, assessed=["safety"], need=["safety"])

    save_needs(client, t)

    row = fresh(t).needs[0]
    assert (row.assessed, row.has_need, row.assessed_on) == (False, False, None)
    assert "safety: not assessed" in steps_of(t, StepKind.NEEDS_ASSESSED)[-1].text


def test_a_need_without_assessment_is_refused(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = save_needs(client, t, assessed=["safety"], need=["safety", "children"])

    assert response.status_code == 422
    assert "A need can only be recorded for an assessed life domain: children." in text_of(response)
    assert snapshot(t) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"assessed": ["shelter_housing", "gambling"]}, "Choose one of the options."),
        ({"assessed": ["safety"], "need": ["safety", "x"]}, "Choose one of the options."),
        ({"conversation_on": ""}, "Enter the date of the conversation."),
        ({"conversation_on": "31-02-2026"}, "Not a valid date value."),
        ({"note_safety": "a" * (NEEDS_NOTE_MAX + 1)}, "Use at most 2000 characters."),
        ({"note_safety": "nul\x00byte"}, "Remove the invisible control characters"),
        ({"note_safety": "bidi \u202e override"}, "Remove the invisible control characters"),
    ],
)
def test_bad_input_is_refused_on_the_field(
    client, login_as, make_trajectory, english, data, message
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = save_needs(client, t, **data)

    assert response.status_code == 422
    assert message in text_of(response)
    assert snapshot(t) == before


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (-61, "This date cannot be before the date of notification"),
        (1, "This date cannot be in the future."),
    ],
)
def test_the_conversation_date_lies_between_notification_and_today(
    client, login_as, make_trajectory, english, offset, message
):
    t = recent_trajectory(make_trajectory, days=60)
    login_as("coordinator")
    english()
    before = snapshot(t)
    on = today() + timedelta(days=offset) if offset > 0 else days_ago(-offset)

    response = save_needs(client, t, conversation_on=on.isoformat(), assessed=["safety"])

    assert response.status_code == 422
    assert message in text_of(response)
    assert snapshot(t) == before
