"""Handover changes the rules refuse, posted through the forms: a message, nothing changed."""

from __future__ import annotations

from datetime import date

from carecoord.codes import ClosureReason, Phase
from carecoord.extensions import db
from tests.conftest import post
from tests.handovers.forms import opened, propose_url, status_url, stored_state, submit, text_of


def test_sending_without_consent_is_refused(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, english
):
    t = make_trajectory()
    handover = make_handover(make_question(t), make_provider("Opvang De Haven"))
    login_as("coordinator")
    english()
    before = stored_state()

    response = submit(client, status_url(t, handover, "sent"), {"on": "2026-09-04"})

    assert response.status_code == 409
    assert "No consent for sharing with Opvang De Haven on September 4, 2026." in text_of(response)
    assert stored_state() == before


def test_consent_given_after_the_sending_date_does_not_count(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, give_consent
):
    t = make_trajectory()
    provider = make_provider()
    give_consent(t, provider, given_on=date(2026, 9, 10))
    handover = make_handover(make_question(t), provider)
    login_as("coordinator")
    before = stored_state()

    assert submit(client, status_url(t, handover, "sent"), {"on": "2026-09-05"}).status_code == 409
    assert stored_state() == before
    assert submit(client, status_url(t, handover, "sent"), {"on": "2026-09-10"}).status_code == 302


def test_after_consent_withdrawal_open_handovers_warn_and_sending_is_refused(
    client,
    login_as,
    make_trajectory,
    make_provider,
    make_question,
    make_handover,
    give_consent,
    english,
):
    t = make_trajectory()
    provider = make_provider("Opvang De Haven")
    give_consent(t, provider, given_on=date(2026, 9, 2), withdrawn_on=date(2026, 9, 10))
    question = make_question(t)
    proposed = make_handover(question, provider)
    login_as("coordinator")
    english()
    warning = "Consent withdrawn on September 10, 2026; do not share new data."

    assert warning in text_of(client.get(f"/trajectories/{t.public_id}"))
    form = client.get(status_url(t, proposed, "sent"))
    assert warning in text_of(form)
    before = stored_state()
    response = submit(client, status_url(t, proposed, "sent"), {"on": "2026-09-12"})

    assert response.status_code == 409
    assert (
        "No consent for sharing with Opvang De Haven: the consent was withdrawn on "
        "September 10, 2026. Do not share new data."
    ) in text_of(response)
    assert stored_state() == before


def test_a_provider_of_another_region_or_inactive_is_a_field_error(
    client, login_as, make_trajectory, make_provider, make_question, english
):
    t = make_trajectory()
    question = make_question(t)
    elsewhere = make_provider("Rotterdamse Opvang", region="Rotterdam-Rijnmond")
    inactive = make_provider("Gesloten Huis", active=False)
    make_provider("Open Huis")
    login_as("coordinator")
    english()
    form = text_of(client.get(propose_url(t, question)))
    assert "Open Huis" in form
    assert "Rotterdamse Opvang" not in form and "Gesloten Huis" not in form
    before = stored_state()

    for provider in (elsewhere, inactive):
        response = submit(
            client,
            propose_url(t, question),
            {"provider": str(provider.public_id), "on": "2026-09-04"},
        )
        assert response.status_code == 422
        assert "Choose one of the options." in text_of(response)
    assert stored_state() == before


def test_a_status_jump_posted_by_hand_is_refused(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, english
):
    t = make_trajectory()
    handover = make_handover(make_question(t), make_provider())
    login_as("coordinator")
    english()
    hidden = opened(client, status_url(t, handover, "withdrawn"))
    before = stored_state()

    for status in ("completed", "accepted", "started"):
        response = submit(
            client, status_url(t, handover, status), {"on": "2026-09-05"}, dict(hidden)
        )
        assert response.status_code == 409, status
        assert "A handover that is proposed cannot become" in text_of(response)
    assert client.get(status_url(t, handover, "completed")).status_code == 409
    assert (
        post(client, status_url(t, handover, "proposed"), {"on": "2026-09-05"}).status_code == 404
    )
    assert stored_state() == before


def test_dates_before_the_previous_status_or_in_the_future_are_refused(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, english
):
    t = make_trajectory()
    question = make_question(t, on=date(2026, 9, 2))
    handover = make_handover(question, make_provider(), sent=date(2026, 9, 10))
    other = make_provider("Ander Huis")
    login_as("coordinator")
    english()
    before = stored_state()

    early = submit(client, status_url(t, handover, "accepted"), {"on": "2026-09-09"})
    future = submit(client, status_url(t, handover, "accepted"), {"on": "2099-01-01"})

    assert early.status_code == future.status_code == 422
    assert "The date cannot be before the previous status date (September 10, 2026)." in text_of(
        early
    )
    assert "This date cannot be in the future." in text_of(future)
    assert stored_state() == before
    submit(client, status_url(t, handover, "withdrawn"), {"on": "2026-09-11"})
    before = stored_state()
    too_early = submit(
        client, propose_url(t, question), {"provider": str(other.public_id), "on": "2026-09-01"}
    )
    assert too_early.status_code == 422
    assert "before the help question was added (September 2, 2026)" in text_of(too_early)
    assert stored_state() == before


def test_a_closed_trajectory_refuses_handover_changes(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, english
):
    t = make_trajectory()
    question = make_question(t)
    handover = make_handover(question, make_provider())
    other = make_provider("Ander Huis")
    login_as("coordinator")
    english()
    hidden = opened(client, status_url(t, handover, "withdrawn"))
    t.phase, t.closed_on = Phase.CLOSED.value, date(2026, 10, 1)
    t.closure_reason = ClosureReason.LEFT_UNKNOWN_DESTINATION.value
    db.session.commit()
    hidden["version"] = str(t.version)
    before = stored_state()

    response = submit(client, status_url(t, handover, "withdrawn"), {"on": "2026-10-01"}, hidden)

    assert response.status_code == 409
    assert "The trajectory is closed" in text_of(response)
    assert client.get(propose_url(t, question)).status_code == 409
    proposal = {"provider": str(other.public_id), "on": "2026-10-01"}
    assert submit(client, propose_url(t, question), proposal, hidden).status_code == 409
    assert stored_state() == before


def test_a_provider_name_in_a_refusal_is_shown_escaped(
    client, login_as, make_trajectory, make_provider, make_question, make_handover, english
):
    t = make_trajectory()
    handover = make_handover(make_question(t), make_provider("<b>100% Zorg</b> & Co"))
    login_as("coordinator")
    english()

    response = submit(client, status_url(t, handover, "sent"), {"on": "2026-09-04"})

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "<b>100" not in page
    assert "No consent for sharing with &lt;b&gt;100&#37; Zorg&lt;/b&gt; &amp; Co on" in page
