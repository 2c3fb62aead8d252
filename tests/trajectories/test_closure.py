"""Closing a trajectory through the form: the closure rule, dropout reasons, refusals (409)."""

from __future__ import annotations

import pytest

from carecoord.codes import ClosureReason, CriminalCase, Phase, StepKind
from carecoord.extensions import db
from carecoord.trajectories.rules import UNMET_MESSAGES, Unmet
from tests.trajectories.closure_helpers import (
    NOTIFIED,
    confirm_knowledge,
    days_ago,
    fresh,
    iso,
    steps_of,
    stored,
    submit,
    text_of,
    url,
)

DROPOUTS = [r for r in ClosureReason if r is not ClosureReason.COMPLETED]
CONDITION_COLUMNS = {
    Unmet.RESIDENCE_STEPS_UNKNOWN: "knows_residence_steps_on",
    Unmet.RIGHTS_TO_SERVICES_UNKNOWN: "knows_rights_to_services_on",
    Unmet.HELP_AGENCY_UNKNOWN: "knows_where_to_get_help_on",
}


@pytest.fixture
def coordinator(login_as, english):
    user = login_as("coordinator")
    english()
    return user


def close(client, t, reason: ClosureReason, on=None, note: str = "", **extra):
    data = {"reason": reason.value, "closed_on": iso(on or days_ago(1)), "note": note, **extra}
    return submit(client, url(t, "/close"), "close", data)


def refusal_list(page: str) -> str:
    start = page.index("This cannot be saved:")
    return page[start : page.index("</ul>", start)]


def test_regular_closure_is_refused_while_the_criminal_case_is_open(
    client, coordinator, make_trajectory, audit_entries
):
    t = make_trajectory(notified_on=NOTIFIED)
    confirm_knowledge(t)
    t.criminal_case = CriminalCase.UNDER_INVESTIGATION.value
    db.session.commit()
    before = stored(t)

    response = close(client, t, ClosureReason.COMPLETED, note="Alles geregeld")

    assert response.status_code == 409
    refused = refusal_list(text_of(response))
    assert UNMET_MESSAGES[Unmet.CRIMINAL_CASE_OPEN] in refused
    assert refused.count("<li>") == 1
    assert "Alles geregeld" in text_of(response)  # what she typed is still in the form
    assert stored(t) == before
    entry = audit_entries()[-1]
    assert (entry.action, entry.outcome, entry.detail) == ("update", "denied", "close.refused")


@pytest.mark.parametrize("missing", list(CONDITION_COLUMNS))
def test_regular_closure_names_exactly_the_missing_knowledge_condition(
    client, coordinator, make_trajectory, missing
):
    t = make_trajectory(notified_on=NOTIFIED)
    confirm_knowledge(t)
    setattr(t, CONDITION_COLUMNS[missing], None)
    db.session.commit()
    before = stored(t)

    response = close(client, t, ClosureReason.COMPLETED)

    assert response.status_code == 409
    refused = refusal_list(text_of(response))
    assert UNMET_MESSAGES[missing] in refused
    assert refused.count("<li>") == 1
    assert stored(t) == before


def test_every_unmet_condition_is_listed_at_once(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    t.criminal_case = CriminalCase.PROSECUTION.value
    db.session.commit()

    response = close(client, t, ClosureReason.COMPLETED)

    assert response.status_code == 409
    refused = refusal_list(text_of(response))
    for unmet in Unmet:
        assert UNMET_MESSAGES[unmet] in refused
    assert refused.count("<li>") == len(Unmet)


def test_a_pending_appeal_keeps_the_criminal_track_open(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    confirm_knowledge(t)
    t.criminal_case = CriminalCase.CONVICTION.value
    t.appeal_pending = True
    db.session.commit()

    response = close(client, t, ClosureReason.COMPLETED)

    assert response.status_code == 409
    assert UNMET_MESSAGES[Unmet.CRIMINAL_CASE_OPEN] in refusal_list(text_of(response))
    assert fresh(t).phase == Phase.INTAKE


@pytest.mark.parametrize("phase", [Phase.INTAKE, Phase.ASSISTANCE])
def test_regular_closure_when_every_condition_holds(
    client, coordinator, make_trajectory, audit_entries, phase
):
    t = make_trajectory(notified_on=NOTIFIED, phase=phase)
    confirm_knowledge(t)
    t.criminal_case = CriminalCase.DISMISSED.value
    t.next_review_on = days_ago(-10)
    db.session.commit()

    response = close(client, t, ClosureReason.COMPLETED, on=days_ago(2), note="Zelfstandig")

    assert response.status_code == 302
    assert response.location == url(t)
    closed = fresh(t)
    assert (closed.phase, closed.closure_reason) == (Phase.CLOSED, ClosureReason.COMPLETED)
    assert (closed.closed_on, closed.left_from_phase) == (days_ago(2), phase.value)
    assert closed.next_review_on is None
    [step] = steps_of(t, StepKind.CLOSURE)
    assert (step.occurred_on, step.text, step.author_id) == (
        days_ago(2),
        "Zelfstandig",
        coordinator.id,
    )
    entry = audit_entries()[-1]
    assert (entry.action, entry.detail, entry.outcome) == ("update", "close:completed", "success")
    page = text_of(client.get(url(t)))
    assert "completed (regular closure)" in page and "Zelfstandig" in page


@pytest.mark.parametrize("phase", [Phase.INTAKE, Phase.ASSISTANCE])
@pytest.mark.parametrize("reason", DROPOUTS)
def test_every_dropout_reason_closes_from_intake_and_assistance(
    client, coordinator, make_trajectory, phase, reason
):
    t = make_trajectory(notified_on=NOTIFIED, phase=phase)
    t.criminal_case = CriminalCase.UNDER_INVESTIGATION.value  # no condition applies
    db.session.commit()

    response = close(client, t, reason)

    assert response.status_code == 302
    closed = fresh(t)
    assert (closed.phase, closed.closure_reason, closed.left_from_phase) == (
        Phase.CLOSED,
        reason.value,
        phase.value,
    )
    [step] = steps_of(t, StepKind.CLOSURE)
    assert step.text is None  # the note is optional


def test_closing_a_closed_trajectory_is_refused(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    assert close(client, t, ClosureReason.DECLINED_HELP).status_code == 302
    before = stored(t)

    response = close(client, t, ClosureReason.DECEASED)

    assert response.status_code == 409
    assert "This trajectory is already closed." in refusal_list(text_of(response))
    assert stored(t) == before
    assert fresh(t).closure_reason == ClosureReason.DECLINED_HELP


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (days_ago(61), "This date cannot be before the date of notification"),
        (days_ago(-1), "This date cannot be in the future."),
    ],
)
def test_closure_date_outside_the_trajectory_is_422(
    client, coordinator, make_trajectory, when, message
):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = close(client, t, ClosureReason.DECLINED_HELP, on=when)

    assert response.status_code == 422
    assert message in text_of(response)
    assert stored(t) == before


@pytest.mark.parametrize("bad", ["", "closed_for_fun"])
def test_a_missing_or_unknown_reason_is_422(client, coordinator, make_trajectory, bad):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = submit(
        client, url(t, "/close"), "close", {"reason": bad, "closed_on": iso(days_ago(1))}
    )

    assert response.status_code == 422
    assert stored(t) == before


def test_the_close_page_shows_the_conditions_and_the_five_reasons(
    client, coordinator, make_trajectory, audit_entries
):
    t = make_trajectory(notified_on=NOTIFIED)
    t.criminal_case = CriminalCase.UNDER_INVESTIGATION.value
    db.session.commit()

    page = text_of(client.get(url(t, "/close")))

    assert "the criminal-law trajectory is not over" in page
    for reason in ClosureReason:
        assert f'value="{reason.value}"' in page
    assert "The client knows which agency to turn to for help and care" in page
    entry = audit_entries()[-1]
    assert (entry.action, entry.detail, entry.object_id) == ("view", "close_form", str(t.id))
