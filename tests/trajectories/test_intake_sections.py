"""The intake, legal-track and consent sections of the client file."""

from __future__ import annotations

from carecoord.codes import ConsentGiver, ConsentPurpose, HandoverStatus, Phase
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.trajectories.models import ClientInformed, Consent, NeedsAssessment
from tests.trajectories.intake_helpers import (
    add_provider,
    days_ago,
    fresh,
    recent_trajectory,
    text_of,
)


def section(client, t, heading_id):
    page = text_of(client.get(f"/trajectories/{t.public_id}"))
    start = page.index(f'aria-labelledby="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_the_intake_section_shows_domains_topics_and_completion(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    t.needs.append(NeedsAssessment(domain="safety", assessed=True, has_need=True))
    t.needs.append(NeedsAssessment(domain="addiction", assessed=True, has_need=False))
    t.informed.append(ClientInformed(topic="care", informed_on=days_ago(9), interpreter_used=True))
    db.session.commit()
    login_as("coordinator")
    english()

    shown = section(client, t, "intake-heading")

    assert "<td>safety</td>" in shown and "<strong>need</strong>" in shown
    assert "<td>addiction</td>" in shown
    assert "Informed about care</dt>" in shown and "with an interpreter" in shown
    assert "Informed about residence law (incl. reflection period)</dt>" in shown
    assert shown.count("not yet") == 3  # two topics and the completion
    assert f'href="/trajectories/{t.public_id}/intake"' in shown

    stored = fresh(t)
    stored.intake_completed_on = days_ago(1)
    db.session.commit()
    assert shown.count("not yet") - 1 == section(client, t, "intake-heading").count("not yet")


def test_the_legal_section_shows_statuses_and_the_reflection_warning(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    t.reflection_started_on = days_ago(80)  # ends within 9 to 12 days from today
    t.criminal_case, t.criminal_case_on = "conviction", days_ago(5)
    t.appeal_pending = True
    t.police_report, t.police_report_on = "filed", days_ago(30)
    db.session.commit()
    login_as("coordinator")
    english()

    shown = section(client, t, "legal-heading")

    assert "The reflection period ends within 14 days" in shown
    assert "police report filed" in shown and "conviction" in shown
    assert "appeal pending" in shown
    assert "Criminal-law trajectory over</dt>\n  <dd>no</dd>" in shown
    assert f'href="/trajectories/{t.public_id}/legal"' in shown

    stored = fresh(t)
    stored.appeal_pending = False
    stored.reflection_started_on = days_ago(30)
    db.session.commit()
    shown = section(client, t, "legal-heading")
    assert "Criminal-law trajectory over</dt>\n  <dd>yes</dd>" in shown
    assert "ends within 14 days" not in shown


def test_a_closed_trajectory_shows_no_reflection_warning(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory, phase=Phase.CLOSED)
    t.reflection_started_on = days_ago(80)
    db.session.commit()
    login_as("coordinator")
    english()

    assert "ends within 14 days" not in section(client, t, "legal-heading")


def test_the_consent_section_lists_consents_and_warns_about_open_handovers(
    client, login_as, make_trajectory, english
):
    t = recent_trajectory(make_trajectory)
    haven = add_provider(t.region, "Opvang De Haven")
    anker = add_provider(t.region, "Het Anker")
    for provider, withdrawn_on in ((haven, days_ago(2)), (anker, None)):
        t.consents.append(
            Consent(
                purpose=ConsentPurpose.SHARE_WITH_PROVIDER.value,
                provider=provider,
                given_on=days_ago(20),
                given_by=ConsentGiver.PARENT_OR_GUARDIAN.value,
                withdrawn_on=withdrawn_on,
            )
        )
    question = HelpQuestion(domain="shelter_housing", created_on=days_ago(19))
    t.help_questions.append(question)
    for provider in (haven, anker):
        question.handovers.append(
            Handover(
                provider=provider,
                status=HandoverStatus.SENT.value,
                proposed_on=days_ago(19),
                sent_on=days_ago(18),
            )
        )
    db.session.commit()
    login_as("coordinator")
    english()

    shown = section(client, t, "consent-heading")

    assert "Opvang De Haven" in shown and "Het Anker" in shown
    assert "parent or guardian" in shown
    assert '<span class="tag">withdrawn</span>' in shown
    assert "Consent for Opvang De Haven was withdrawn while a handover to it is still open" in shown
    assert "Consent for Het Anker was withdrawn" not in shown

    stored = fresh(t)
    for handover in stored.help_questions[0].handovers:
        handover.status = HandoverStatus.WITHDRAWN.value
    db.session.commit()
    assert "still open" not in section(client, t, "consent-heading")


def test_the_consent_section_without_consents(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    login_as("coordinator")
    english()

    shown = section(client, t, "consent-heading")

    assert "No consent has been recorded." in shown
    assert f'href="/trajectories/{t.public_id}/consent"' in shown
