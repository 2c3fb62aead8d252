"""Adding a help question through the form: stored encrypted, a step, and every refusal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from carecoord.codes import ClosureReason, Phase, StepKind
from carecoord.extensions import db
from carecoord.handovers.models import HelpQuestion
from tests.conftest import post
from tests.handovers.forms import hidden_fields, opened, stored_state, submit, text_of

DESCRIPTION = "Zoekt een veilige opvangplek; <script>alert(1)</script> مأوى ŕ 🏠 100%"
VALID = {"domain": "shelter_housing", "text": DESCRIPTION, "on": "2026-09-05"}


def new_url(t) -> str:
    return f"/trajectories/{t.public_id}/help-questions/new"


def test_adding_a_help_question_stores_it_encrypted_with_a_step(
    client, login_as, make_trajectory, audit_entries, english
):
    t = make_trajectory()
    coordinator = login_as("coordinator")
    english()

    response = submit(client, new_url(t), VALID)

    assert response.status_code == 302
    assert response.location.endswith(f"/trajectories/{t.public_id}#help-questions-heading")
    question = db.session.scalars(select(HelpQuestion)).one()
    assert (question.domain, question.text, question.created_on) == (
        "shelter_housing",
        DESCRIPTION,
        date(2026, 9, 5),
    )
    assert DESCRIPTION.encode() not in bytes(question._text)
    step = t.steps[0]
    assert (step.kind, step.text, step.occurred_on, step.author_id) == (
        StepKind.HELP_QUESTION_ADDED.value,
        DESCRIPTION,
        date(2026, 9, 5),
        coordinator.id,
    )
    assert [(e.action, e.object_type) for e in audit_entries()[-1:]] == [
        ("create", "help_questions")
    ]
    page = client.get(f"/trajectories/{t.public_id}").get_data(as_text=True)
    section = page[page.index('id="help-questions-heading"') :]
    assert "shelter and housing" in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "<script>alert(1)" not in page
    assert "Propose a handover" in section


def test_the_form_is_offered_in_dutch_and_its_view_audited(
    client, login_as, make_trajectory, audit_entries
):
    t = make_trajectory()
    login_as("coordinator")

    response = client.get(new_url(t))

    assert response.status_code == 200
    assert "Leefgebied" in text_of(response) or "Life domain" in text_of(response)
    assert audit_entries()[-1].action == "view"
    assert audit_entries()[-1].object_id == str(t.id)


def test_bad_input_gives_field_messages_and_stores_nothing(
    client, login_as, make_trajectory, english
):
    t = make_trajectory(notified_on=date(2026, 9, 1))
    login_as("coordinator")
    english()
    cases = [
        ({"on": "2026-08-31"}, "The date cannot be before the notification (September 1, 2026)."),
        ({"on": "2099-01-01"}, "This date cannot be in the future."),
        ({"domain": "space_travel"}, "Choose one of the options."),
        ({"domain": ""}, "Choose the life domain."),
        ({"text": ""}, "Describe the help question."),
        ({"text": "x" * 2001}, "Use at most 2000 characters."),
        ({"text": "null\x00byte"}, "Remove the invisible control characters"),
    ]
    before = stored_state()
    for change, message in cases:
        response = submit(client, new_url(t), {**VALID, **change})
        assert response.status_code == 422, change
        assert message in text_of(response), change
    assert stored_state() == before


def test_a_closed_trajectory_refuses_a_help_question(client, login_as, make_trajectory, english):
    t = make_trajectory()
    login_as("coordinator")
    english()
    hidden = opened(client, new_url(t))
    t.phase, t.closed_on = Phase.CLOSED.value, date(2026, 10, 1)
    t.closure_reason = ClosureReason.DECLINED_HELP.value
    db.session.commit()
    hidden["version"] = str(t.version)
    before = stored_state()

    response = submit(client, new_url(t), VALID, hidden)

    assert response.status_code == 409
    assert "The trajectory is closed" in text_of(response)
    assert stored_state() == before
    page = client.get(new_url(t))
    assert page.status_code == 409
    assert 'name="text"' not in page.get_data(as_text=True)
    assert "Add a help question" not in text_of(client.get(f"/trajectories/{t.public_id}"))


def test_a_double_submit_adds_one_help_question_and_one_step(client, login_as, make_trajectory):
    t = make_trajectory()
    login_as("coordinator")
    hidden = opened(client, new_url(t))

    first = submit(client, new_url(t), VALID, hidden)
    second = submit(client, new_url(t), VALID, hidden)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second.location == first.location
    db.session.expire_all()
    assert len(t.help_questions) == 1
    assert [s.kind for s in t.steps].count(StepKind.HELP_QUESTION_ADDED.value) == 1


def test_a_stale_form_gets_the_conflict_page_and_keeps_what_was_typed(
    client, login_as, make_trajectory, english
):
    t = make_trajectory()
    login_as("coordinator")
    english()
    stale = opened(client, new_url(t))
    submit(client, new_url(t), {**VALID, "text": "Eerste hulpvraag"})
    before = stored_state()

    response = submit(client, new_url(t), {**VALID, "text": "Tweede hulpvraag"}, stale)

    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else changed this trajectory" in page
    assert "Eerste hulpvraag" in page  # what changed since
    assert "Tweede hulpvraag</textarea>" in page  # what she typed, kept
    assert stored_state() == before
    # Saved again from the conflict page, it goes through: nothing typed was lost.
    again = hidden_fields(response.get_data(as_text=True))
    assert (
        submit(client, new_url(t), {**VALID, "text": "Tweede hulpvraag"}, again).status_code == 302
    )
    db.session.expire_all()
    assert [q.text for q in t.help_questions] == ["Eerste hulpvraag", "Tweede hulpvraag"]


def test_a_chain_director_gets_403(client, login_as, make_trajectory, audit_entries):
    t = make_trajectory()
    login_as("chain_director")
    before = stored_state()

    assert client.get(new_url(t)).status_code == 403
    assert post(client, new_url(t), VALID).status_code == 403
    assert stored_state() == before
    assert audit_entries()[-1].outcome == "denied"


def test_another_regions_trajectory_is_404_and_audited(
    client, login_as, make_trajectory, audit_entries
):
    t = make_trajectory(region="Rotterdam-Rijnmond")
    coordinator = login_as("coordinator")
    before = stored_state()

    assert client.get(new_url(t)).status_code == 404
    assert post(client, new_url(t), VALID).status_code == 404
    assert stored_state() == before
    denied = [e for e in audit_entries() if e.outcome == "denied"]
    assert [(e.user_id, e.object_type) for e in denied] == [(coordinator.id, "trajectories")] * 2
