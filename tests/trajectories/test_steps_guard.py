"""The change guard and access on the step, closure and monitoring pages."""

from __future__ import annotations

import pytest

from carecoord.codes import ClosureReason, Phase, StepKind
from tests.conftest import csrf_token
from tests.trajectories.closure_helpers import (
    NOTIFIED,
    days_ago,
    fresh,
    iso,
    open_form,
    steps_of,
    stored,
    text_of,
    url,
)

PAGES = [
    ("/close", "close", {"reason": "declined_help", "closed_on": iso(days_ago(1)), "note": "N"}),
    ("/steps/contact_moment", "step", {"occurred_on": iso(days_ago(1)), "text": "Gebeld"}),
    ("/monitoring", "monitoring", {"interval_days": "14", "next_review_on": ""}),
]


@pytest.fixture
def coordinator(login_as, english):
    user = login_as("coordinator")
    english()
    return user


def test_a_stale_form_gets_the_conflict_page_with_the_typed_note(
    client, coordinator, make_trajectory, make_user
):
    t = make_trajectory(notified_on=NOTIFIED)
    hidden = open_form(client, url(t, "/steps/contact_moment"), "step")
    # A colleague logs a step in between.
    colleague_form = open_form(client, url(t, "/steps/contact_moment"), "step")
    typed = {"occurred_on": iso(days_ago(2)), "text": "Eerst opgeslagen"}
    assert (
        client.post(url(t, "/steps/contact_moment"), data={**colleague_form, **typed}).status_code
        == 302
    )
    before = stored(t)

    response = client.post(
        url(t, "/steps/contact_moment"),
        data={**hidden, "occurred_on": iso(days_ago(1)), "text": "Mijn getypte notitie"},
    )

    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else changed this trajectory" in page
    assert "Eerst opgeslagen" in page  # what changed since
    assert "Mijn getypte notitie" in page  # what she typed is still in the form
    assert f'value="{before.version}"' in response.get_data(as_text=True)
    assert stored(t) == before


def test_a_stale_closure_is_refused_and_can_be_saved_again(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    hidden = open_form(client, url(t, "/close"), "close")
    assert (
        client.post(
            url(t, "/monitoring"),
            data={**open_form(client, url(t, "/monitoring"), "monitoring"), "interval_days": "14"},
        ).status_code
        == 302
    )
    data = {"reason": "declined_help", "closed_on": iso(days_ago(1)), "note": "Wil niet verder"}

    conflict = client.post(url(t, "/close"), data={**hidden, **data})

    assert conflict.status_code == 409
    assert fresh(t).phase == Phase.INTAKE
    assert "Wil niet verder" in text_of(conflict)
    again = client.post(url(t, "/close"), data={**hidden, **data, "version": fresh(t).version})
    assert again.status_code == 302
    assert fresh(t).closure_reason == ClosureReason.DECLINED_HELP


@pytest.mark.parametrize(("path", "form", "data"), PAGES)
def test_a_double_submit_changes_once(client, coordinator, make_trajectory, path, form, data):
    t = make_trajectory(notified_on=NOTIFIED)
    hidden = open_form(client, url(t, path), form)

    first = client.post(url(t, path), data={**hidden, **data})
    after_first = stored(t)
    second = client.post(url(t, path), data={**hidden, **data})

    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert after_first.version > int(hidden["version"])
    assert stored(t) == after_first


def test_a_double_submitted_step_is_one_step(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    hidden = open_form(client, url(t, "/steps/care_meeting"), "step")
    data = {"occurred_on": iso(days_ago(1)), "text": "Afspraken", "participants": "Opvang"}

    for _ in range(2):
        assert (
            client.post(url(t, "/steps/care_meeting"), data={**hidden, **data}).status_code == 302
        )

    assert len(steps_of(t, StepKind.CARE_MEETING)) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/close",
        "/conditions",
        "/reopen",
        "/new-trajectory",
        "/responsible",
        "/monitoring",
        "/monitoring/note",
        "/steps/contact_moment",
        "/steps/care_meeting",
    ],
)
def test_another_region_gets_404_and_the_attempt_is_audited(
    client, login_as, make_trajectory, audit_entries, path
):
    t = make_trajectory(
        region="Rotterdam-Rijnmond", name="Rotterdamse Cliënt", notified_on=NOTIFIED
    )
    coordinator = login_as("coordinator", region="Gooi en Vechtstreek")
    before = stored(t)

    responses = [client.post(url(t, path), data={"csrf_token": csrf_token(client)})]
    if path != "/conditions" and path != "/monitoring/note":
        responses.append(client.get(url(t, path)))

    for response in responses:
        assert response.status_code == 404
        assert "Rotterdamse Cliënt" not in text_of(response) and t.case_number not in text_of(
            response
        )
    denied = [e for e in audit_entries() if e.outcome == "denied" and e.user_id == coordinator.id]
    assert len(denied) == len(responses)
    assert {(e.object_type, e.object_id) for e in denied} == {("trajectories", str(t.public_id))}
    assert stored(t) == before


@pytest.mark.parametrize("path", ["/close", "/reopen", "/steps/care_meeting", "/monitoring"])
def test_a_chain_director_is_refused(client, login_as, make_trajectory, audit_entries, path):
    t = make_trajectory(name="Geheime Naam", notified_on=NOTIFIED)
    director = login_as("chain_director")
    before = stored(t)

    get = client.get(url(t, path))
    post = client.post(url(t, path), data={"csrf_token": csrf_token(client)})

    for response in (get, post):
        assert response.status_code == 403
        assert "Geheime Naam" not in text_of(response)
    entry = audit_entries()[-1]
    assert (entry.user_id, entry.outcome, entry.detail) == (
        director.id,
        "denied",
        "role_not_allowed",
    )
    assert stored(t) == before
