"""The needs inventory under the change guard: conflicts, double submits, closed and unreadable."""

from __future__ import annotations

from carecoord.codes import Phase, StepKind
from carecoord.security.encrypted import UNREADABLE
from tests.trajectories.intake_helpers import (
    bump_version,
    days_ago,
    filled,
    form_of,
    fresh,
    hidden_fields,
    recent_trajectory,
    replace_note_ciphertext,
    snapshot,
    step_kinds,
    submit,
    text_of,
)


def urls(t):
    page = f"/trajectories/{t.public_id}/intake"
    return page, page + "/needs"


def save_needs(client, t, **data):
    page, action = urls(t)
    data.setdefault("conversation_on", days_ago(10).isoformat())
    return submit(client, page, action, data, prefix="needs")


def test_a_note_that_cannot_be_decrypted_is_kept_until_replaced(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    save_needs(client, t, assessed=["safety"], note_safety="geheim")
    row = fresh(t).needs[0]
    replace_note_ciphertext(row.id, fresh(t).steps[0]._text)  # another row's ciphertext
    assert fresh(t).needs[0].note is UNREADABLE

    page = text_of(client.get(f"/trajectories/{t.public_id}/intake"))
    assert "could not be decrypted" in page
    save_needs(client, t, assessed=["safety"], need=["safety"])
    assert fresh(t).needs[0].has_need
    assert fresh(t).needs[0].note is UNREADABLE  # not overwritten with nothing

    save_needs(client, t, assessed=["safety"], need=["safety"], note_safety="nieuw")
    assert fresh(t).needs[0].note == "nieuw"


def test_a_stale_form_gets_the_conflict_page_with_what_was_typed(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()
    page, action = urls(t)
    hidden = form_of(client, page, prefix="needs")
    bump_version(t)
    before = snapshot(t)
    typed = {"conversation_on": days_ago(2).isoformat(), "assessed": ["safety"]}
    typed["note_safety"] = "Wat ik net typte"

    response = client.post(action, data=filled(hidden, typed, prefix="needs"))

    assert response.status_code == 409
    html = text_of(response)
    assert "Someone else changed this trajectory" in html
    assert "Wat ik net typte" in html
    again = hidden_fields(html, "needs")
    assert again["needs-version"] == str(before["version"])
    assert snapshot(t) == before
    # Saving the conflict page as it stands goes through, with what was typed.
    assert client.post(action, data=filled(again, typed, prefix="needs")).status_code == 302
    assert fresh(t).needs[0].note == "Wat ik net typte"


def test_a_double_submit_records_one_set_of_steps(client, login_as, make_trajectory):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    page, action = urls(t)
    data = filled(
        form_of(client, page, prefix="needs"),
        {"conversation_on": days_ago(5).isoformat(), "assessed": ["safety"]},
        prefix="needs",
    )

    first = client.post(action, data=data)
    second = client.post(action, data=data)

    assert first.status_code == second.status_code == 302
    assert step_kinds(t)[1:] == [StepKind.INTAKE_CONVERSATION, StepKind.NEEDS_ASSESSED]


def test_a_closed_trajectory_refuses_changes(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory, phase=Phase.CLOSED)
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = save_needs(client, t, assessed=["safety"])

    assert response.status_code == 409
    html = text_of(response)
    assert "This trajectory is closed. Reopen it before changing it." in html
    assert snapshot(t) == before
