"""Following a handover through its statuses in the browser: dates, who, steps and audit."""

from __future__ import annotations

from datetime import date

from carecoord.codes import Phase, ProviderType, StepKind
from carecoord.extensions import db
from carecoord.handovers.models import Handover
from tests.handovers.forms import (
    opened,
    propose_url,
    question_url,
    status_url,
    stored_state,
    submit,
    text_of,
)


def handover_kinds(t) -> list[tuple[str, date, str]]:
    """The handover steps of `t`, oldest first: kind, date and text."""
    db.session.expire_all()
    steps = [s for s in t.steps if s.kind.startswith("handover_")]
    return [(s.kind, s.occurred_on, s.text) for s in reversed(steps)]


def test_the_full_path_from_proposed_to_completed(
    client,
    login_as,
    make_trajectory,
    make_provider,
    give_consent,
    make_question,
    audit_entries,
    english,
):
    t = make_trajectory()
    provider = make_provider("Opvang De Haven")
    give_consent(t, provider, given_on=date(2026, 9, 2))
    question = make_question(t)
    coordinator = login_as("coordinator")
    english()

    proposed = submit(
        client, propose_url(t, question), {"provider": str(provider.public_id), "on": "2026-09-03"}
    )
    assert proposed.status_code == 302
    assert proposed.location.endswith(question_url(t, question))
    handover = db.session.query(Handover).one()
    path = [("sent", "2026-09-04"), ("accepted", "2026-09-10"), ("started", "2026-09-12")]
    for status, on in [*path, ("completed", "2026-10-30")]:
        response = submit(client, status_url(t, handover, status), {"on": on})
        assert response.status_code == 302, (status, text_of(response)[-3000:])

    db.session.expire_all()
    assert handover.status == "completed"
    assert (handover.proposed_on, handover.sent_on, handover.accepted_on) == (
        date(2026, 9, 3),
        date(2026, 9, 4),
        date(2026, 9, 10),
    )
    assert (handover.started_on, handover.completed_on) == (date(2026, 9, 12), date(2026, 10, 30))
    assert (handover.declined_on, handover.withdrawn_on) == (None, None)
    assert handover.days_to_acceptance == 6
    assert [(c.status, c.changed_on, c.changed_by_id) for c in handover.changes] == [
        ("proposed", date(2026, 9, 3), coordinator.id),
        ("sent", date(2026, 9, 4), coordinator.id),
        ("accepted", date(2026, 9, 10), coordinator.id),
        ("started", date(2026, 9, 12), coordinator.id),
        ("completed", date(2026, 10, 30), coordinator.id),
    ]
    assert handover_kinds(t) == [
        (StepKind.HANDOVER_PROPOSED.value, date(2026, 9, 3), "Opvang De Haven"),
        (StepKind.HANDOVER_SENT.value, date(2026, 9, 4), "Opvang De Haven"),
        (StepKind.HANDOVER_ACCEPTED.value, date(2026, 9, 10), "Opvang De Haven"),
        (StepKind.HANDOVER_STARTED.value, date(2026, 9, 12), "Opvang De Haven"),
        (StepKind.HANDOVER_COMPLETED.value, date(2026, 10, 30), "Opvang De Haven"),
    ]
    changes = [(e.action, e.detail) for e in audit_entries() if e.object_type == "handovers"]
    assert ("create", None) in changes
    for status in ("sent", "accepted", "started", "completed"):
        assert ("update", f"status:{status}") in changes
    page = text_of(client.get(question_url(t, question)))
    assert "<td>6</td>" in page  # days to acceptance
    assert "September 10, 2026" in page and coordinator.name in page  # history: when, who
    assert "Propose a new handover" in page
    assert audit_entries()[-1].action == "view"


def test_the_first_handover_during_intake_starts_assistance(
    client, login_as, make_trajectory, make_provider, make_question
):
    t = make_trajectory(phase=Phase.INTAKE)
    first, second = (
        make_provider("Eerste"),
        make_provider("Tweede", provider_type=ProviderType.MEDICAL),
    )
    shelter, doctor = make_question(t), make_question(t, text="Needs a doctor")
    login_as("coordinator")

    submit(client, propose_url(t, shelter), {"provider": str(first.public_id), "on": "2026-09-04"})
    submit(client, propose_url(t, doctor), {"provider": str(second.public_id), "on": "2026-09-06"})

    db.session.expire_all()
    assert (t.phase, t.assistance_started_on) == (Phase.INTAKE.value, date(2026, 9, 4))
    assert t.in_assistance


def test_declined_with_a_reason_invites_another_provider(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, english
):
    t = make_trajectory()
    first, other = make_provider("Vol Huis"), make_provider("Ruim Huis")
    question = make_question(t)
    handover = make_handover(question, first, sent=date(2026, 9, 4))
    login_as("coordinator")
    english()
    url = status_url(t, handover, "declined")

    missing = submit(client, url, {"on": "2026-09-08", "decline_reason": ""})
    assert missing.status_code == 422
    assert "Enter why the care provider declined." in text_of(missing)
    declined = submit(client, url, {"on": "2026-09-08", "decline_reason": "Geen plek vrij"})
    assert declined.status_code == 302

    page = text_of(client.get(declined.location))
    assert "Vol Huis declined this help question. Look for another care provider." in page
    assert "Hand over to another provider" in page
    assert f'href="{propose_url(t, question)}"' in page
    assert "Geen plek vrij" in page
    db.session.expire_all()
    assert (handover.status, handover.declined_on) == ("declined", date(2026, 9, 8))
    assert b"Geen plek vrij" not in bytes(handover._decline_reason)
    assert handover_kinds(t)[-1] == (
        "handover_declined",
        date(2026, 9, 8),
        "Vol Huis: Geen plek vrij",
    )

    again = submit(
        client, propose_url(t, question), {"provider": str(other.public_id), "on": "2026-09-09"}
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert [(h.provider.name, h.status) for h in question.handovers] == [
        ("Vol Huis", "declined"),
        ("Ruim Huis", "proposed"),
    ]


def test_withdrawing_a_handover(
    client, login_as, make_trajectory, make_provider, make_question, make_handover
):
    t = make_trajectory()
    question = make_question(t)
    handover = make_handover(
        question, make_provider(), sent=date(2026, 9, 4), accepted=date(2026, 9, 5)
    )
    coordinator = login_as("coordinator")

    response = submit(client, status_url(t, handover, "withdrawn"), {"on": "2026-09-20"})

    assert response.status_code == 302
    db.session.expire_all()
    assert (handover.status, handover.withdrawn_on, handover.accepted_on) == (
        "withdrawn",
        date(2026, 9, 20),
        date(2026, 9, 5),
    )
    assert handover.changes[-1].changed_by_id == coordinator.id
    assert handover_kinds(t)[-1][:2] == ("handover_withdrawn", date(2026, 9, 20))


def test_one_open_handover_per_help_question(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, english
):
    t = make_trajectory()
    question = make_question(t)
    make_handover(question, make_provider("Bezet Huis"))
    other = make_provider("Ander Huis")
    login_as("coordinator")
    english()
    form = client.get(propose_url(t, question))
    assert form.status_code == 409
    assert 'name="provider"' not in form.get_data(as_text=True)
    hidden = opened(client, f"/trajectories/{t.public_id}/help-questions/new")
    before = stored_state()

    response = submit(
        client,
        propose_url(t, question),
        {"provider": str(other.public_id), "on": "2026-09-05"},
        hidden,
    )

    assert response.status_code == 409
    assert "already has an open handover to Bezet Huis" in text_of(response)
    assert stored_state() == before
