"""Handover pages: ids from another file are 404 and audited; stale and repeated forms; roles."""

from __future__ import annotations

from datetime import date

from carecoord.codes import StepKind
from carecoord.extensions import db
from tests.conftest import csrf_token, post
from tests.handovers.forms import (
    opened,
    propose_url,
    question_url,
    status_url,
    stored_state,
    submit,
    text_of,
)


def test_ids_of_another_trajectory_in_the_url_are_404_and_audited(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, audit_entries
):
    mine = make_trajectory(name="Eigen Cliënt")
    neighbour = make_trajectory(name="Andere Cliënt")
    far = make_trajectory(name="Verre Cliënt", region="Rotterdam-Rijnmond")
    provider = make_provider()
    their_question = make_question(neighbour, text="Geheime hulpvraag")
    their_handover = make_handover(their_question, provider)
    far_question = make_question(far, text="Verre hulpvraag")
    far_handover = make_handover(far_question, make_provider(region="Rotterdam-Rijnmond"))
    coordinator = login_as("coordinator")
    before = stored_state()
    cases = [
        (question_url(mine, their_question), "help_questions", their_question),
        (propose_url(mine, their_question), "help_questions", their_question),
        (status_url(mine, their_handover, "withdrawn"), "handovers", their_handover),
        (question_url(mine, far_question), "help_questions", far_question),
        (status_url(mine, far_handover, "sent"), "handovers", far_handover),
        (status_url(far, far_handover, "sent"), "trajectories", far),
    ]

    token = csrf_token(client)
    for url, object_type, target in cases:
        methods = ["GET"] if "/handovers/" not in url else ["GET", "POST"]
        for method in methods:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, url
            assert "hulpvraag" not in text_of(response)
            entry = audit_entries()[-1]
            assert (entry.user_id, entry.outcome, entry.detail) == (
                coordinator.id,
                "denied",
                "not_found_in_scope",
            )
            assert (entry.object_type, entry.object_id) == (object_type, str(target.public_id))
    assert stored_state() == before


def test_a_stale_status_form_gets_the_conflict_page(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, english
):
    t = make_trajectory()
    question = make_question(t)
    first = make_handover(question, make_provider("Eerste Huis"))
    second = make_handover(make_question(t, text="Tweede vraag"), make_provider("Tweede Huis"))
    login_as("coordinator")
    english()
    stale = opened(client, status_url(t, first, "withdrawn"))
    assert (
        submit(client, status_url(t, second, "withdrawn"), {"on": "2026-09-05"}).status_code == 302
    )
    before = stored_state()

    response = submit(client, status_url(t, first, "withdrawn"), {"on": "2026-09-06"}, stale)

    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else changed this trajectory" in page
    assert "handover withdrawn" in page and "Tweede Huis" in page
    assert 'value="2026-09-06"' in page
    assert stored_state() == before


def test_a_double_submit_changes_the_status_once(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, give_consent
):
    t = make_trajectory()
    provider = make_provider()
    give_consent(t, provider)
    handover = make_handover(make_question(t), provider)
    login_as("coordinator")
    url = status_url(t, handover, "sent")
    hidden = opened(client, url)

    first = submit(client, url, {"on": "2026-09-04"}, hidden)
    second = submit(client, url, {"on": "2026-09-04"}, hidden)

    assert (first.status_code, second.status_code) == (302, 302)
    db.session.expire_all()
    assert [s.kind for s in t.steps].count(StepKind.HANDOVER_SENT.value) == 1
    assert [c.status for c in handover.changes] == ["proposed", "sent"]
    assert (handover.status, handover.sent_on) == ("sent", date(2026, 9, 4))


def test_a_double_submit_proposes_one_handover(
    client, login_as, make_trajectory, make_provider, make_question
):
    t = make_trajectory()
    question = make_question(t)
    provider = make_provider()
    login_as("coordinator")
    hidden = opened(client, propose_url(t, question))
    data = {"provider": str(provider.public_id), "on": "2026-09-04"}

    assert submit(client, propose_url(t, question), data, hidden).status_code == 302
    assert submit(client, propose_url(t, question), data, hidden).status_code == 302

    db.session.expire_all()
    assert len(question.handovers) == 1
    assert [s.kind for s in t.steps].count(StepKind.HANDOVER_PROPOSED.value) == 1


def test_a_chain_director_gets_403_and_nothing_changes(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, audit_entries
):
    t = make_trajectory()
    question = make_question(t)
    provider = make_provider()
    handover = make_handover(question, provider)
    director = login_as("chain_director")
    before = stored_state()
    forms = [
        propose_url(t, question),
        status_url(t, handover, "withdrawn"),
        f"/trajectories/{t.public_id}/help-questions/new",
    ]

    page = client.get(question_url(t, question))
    assert page.status_code == 403
    assert "Needs a safe place" not in text_of(page)
    for url in forms:
        get, posted = client.get(url), post(client, url, {"on": "2026-09-05"})
        assert (get.status_code, posted.status_code) == (403, 403), url
    assert stored_state() == before
    denied = [e for e in audit_entries() if e.user_id == director.id and e.outcome == "denied"]
    assert len(denied) == 1 + 2 * len(forms)
