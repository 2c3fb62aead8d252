"""The pure intake and consent rules: completing the intake, who gives consent at which age."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.codes import ConsentGiver, InformationTopic, LifeDomain, Phase
from carecoord.trajectories.intake_rules import (
    CONSENT_AGE,
    GiverRefusal,
    IntakeBlocker,
    age_on,
    consent_giver_allowed,
    consent_giver_refusal,
    intake_blockers,
)

ALL_TOPICS = list(InformationTopic)
ONE_DOMAIN = [LifeDomain.SHELTER_HOUSING]


def test_intake_with_all_topics_and_a_domain_can_be_completed():
    assert intake_blockers(Phase.INTAKE, ALL_TOPICS, ONE_DOMAIN) == []


@pytest.mark.parametrize("phase", [Phase.ASSISTANCE, Phase.CLOSED])
def test_only_the_intake_phase_can_complete_the_intake(phase):
    assert intake_blockers(phase, ALL_TOPICS, ONE_DOMAIN) == [IntakeBlocker.NOT_IN_INTAKE]


def test_every_missing_topic_and_the_missing_domain_are_named():
    assert intake_blockers(Phase.INTAKE, [], []) == [
        IntakeBlocker.RESIDENCE_LAW_NOT_INFORMED,
        IntakeBlocker.CRIMINAL_LAW_NOT_INFORMED,
        IntakeBlocker.CARE_NOT_INFORMED,
        IntakeBlocker.NO_DOMAIN_ASSESSED,
    ]


@pytest.mark.parametrize("missing", list(InformationTopic))
def test_one_missing_topic_is_named_alone(missing):
    told = [topic for topic in InformationTopic if topic is not missing]
    blockers = intake_blockers(Phase.INTAKE, told, ONE_DOMAIN)
    assert len(blockers) == 1
    assert missing.value.split("_")[0] in blockers[0].value


def test_blockers_accept_any_iterable_once():
    assert intake_blockers(Phase.INTAKE, iter(ALL_TOPICS), iter(ONE_DOMAIN)) == []


def test_every_blocker_has_a_plain_message():
    for blocker in IntakeBlocker:
        assert blocker.message.endswith(".")
        assert "_" not in blocker.message


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2010, 5, 17), date(2026, 5, 16), 15),
        (date(2010, 5, 17), date(2026, 5, 17), 16),
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(2009, 2, 28), date(2025, 3, 1), 16),
        (date(2010, 12, 31), date(2026, 1, 1), 15),
    ],
)
def test_age_counts_completed_years(born, on, age):
    assert age_on(born, on) == age


def test_born_on_29_february_turns_older_on_1_march_in_other_years():
    assert age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16
    assert age_on(date(2008, 2, 29), date(2025, 3, 1)) == 17


def test_the_client_gives_consent_from_16():
    born = date(2010, 5, 17)
    assert CONSENT_AGE == 16
    assert consent_giver_allowed(born, date(2026, 5, 17), ConsentGiver.CLIENT)
    assert not consent_giver_allowed(born, date(2026, 5, 16), ConsentGiver.CLIENT)


def test_a_parent_or_guardian_gives_consent_below_16():
    born = date(2010, 5, 17)
    parent = ConsentGiver.PARENT_OR_GUARDIAN
    assert consent_giver_allowed(born, date(2026, 5, 16), parent)
    assert not consent_giver_allowed(born, date(2026, 5, 17), parent)


def test_refusals_say_who_should_give_consent():
    born = date(2014, 1, 1)  # 12 in 2026
    assert consent_giver_refusal(born, date(2026, 6, 1), ConsentGiver.CLIENT) is (
        GiverRefusal.CLIENT_UNDER_AGE
    )
    assert (
        consent_giver_refusal(date(2009, 1, 1), date(2026, 6, 1), ConsentGiver.PARENT_OR_GUARDIAN)
        is GiverRefusal.CLIENT_OF_AGE
    )
    assert "parent or guardian" in GiverRefusal.CLIENT_UNDER_AGE.message


@pytest.mark.parametrize("giver", list(ConsentGiver))
def test_an_unknown_date_of_birth_allows_either_giver(giver):
    assert consent_giver_allowed(None, date(2026, 6, 1), giver)


@pytest.mark.parametrize("giver", list(ConsentGiver))
def test_an_unreadable_date_of_birth_is_refused_not_guessed(giver):
    refusal = consent_giver_refusal(None, date(2026, 6, 1), giver, unreadable=True)
    assert refusal is GiverRefusal.BIRTH_DATE_UNREADABLE
    assert "could not be decrypted" in refusal.message
