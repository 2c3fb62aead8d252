"""When the intake may be completed, and who may give consent at which age (seed 002). Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from carecoord.codes import N_, ConsentGiver, InformationTopic, LifeDomain, Phase
from carecoord.trajectories.rules import TransitionRefused, check_transition

# DOMAIN.md: the client gives consent from 16; below 16 a parent or guardian does.
CONSENT_AGE = 16


class IntakeBlocker(StrEnum):
    """A condition that stops completing the intake; its message says it in plain words."""

    NOT_IN_INTAKE = "not_in_intake"
    RESIDENCE_LAW_NOT_INFORMED = "residence_law_not_informed"
    CRIMINAL_LAW_NOT_INFORMED = "criminal_law_not_informed"
    CARE_NOT_INFORMED = "care_not_informed"
    NO_DOMAIN_ASSESSED = "no_domain_assessed"

    @property
    def message(self) -> str:
        return INTAKE_MESSAGES[self]


INTAKE_MESSAGES = {
    IntakeBlocker.NOT_IN_INTAKE: N_(
        "The intake can only be completed while the trajectory is in the intake phase."
    ),
    IntakeBlocker.RESIDENCE_LAW_NOT_INFORMED: N_(
        "The client has not yet been informed about residence law."
    ),
    IntakeBlocker.CRIMINAL_LAW_NOT_INFORMED: N_(
        "The client has not yet been informed about criminal law."
    ),
    IntakeBlocker.CARE_NOT_INFORMED: N_("The client has not yet been informed about care."),
    IntakeBlocker.NO_DOMAIN_ASSESSED: N_("No life domain has been assessed yet."),
}
TOPIC_BLOCKERS = {
    InformationTopic.RESIDENCE_LAW: IntakeBlocker.RESIDENCE_LAW_NOT_INFORMED,
    InformationTopic.CRIMINAL_LAW: IntakeBlocker.CRIMINAL_LAW_NOT_INFORMED,
    InformationTopic.CARE: IntakeBlocker.CARE_NOT_INFORMED,
}


class GiverRefusal(StrEnum):
    """Why this person cannot give consent on this date."""

    CLIENT_UNDER_AGE = "client_under_age"
    CLIENT_OF_AGE = "client_of_age"
    BIRTH_DATE_UNREADABLE = "birth_date_unreadable"

    @property
    def message(self) -> str:
        return GIVER_MESSAGES[self]


GIVER_MESSAGES = {
    GiverRefusal.CLIENT_UNDER_AGE: N_(
        "The client was under 16 on this date: consent is given by a parent or guardian."
    ),
    GiverRefusal.CLIENT_OF_AGE: N_(
        "The client was 16 or older on this date: the client gives consent themselves."
    ),
    GiverRefusal.BIRTH_DATE_UNREADABLE: N_(
        "The client's date of birth could not be decrypted, so it cannot be checked who may "
        "give consent. Ask the functional administrator to restore the key first."
    ),
}


def intake_blockers(
    phase: Phase, informed: Iterable[InformationTopic], assessed: Iterable[LifeDomain]
) -> list[IntakeBlocker]:
    """Why the intake cannot be completed now; empty means it can.

    Completing moves the trajectory from intake to assistance, so the phase must allow that;
    the client must have been informed about all three topics and at least one life domain
    must have been assessed.
    """
    blockers = []
    try:
        check_transition(phase, Phase.ASSISTANCE)
    except TransitionRefused:
        blockers.append(IntakeBlocker.NOT_IN_INTAKE)
    told = set(informed)
    blockers.extend(TOPIC_BLOCKERS[topic] for topic in InformationTopic if topic not in told)
    if not any(True for _domain in assessed):
        blockers.append(IntakeBlocker.NO_DOMAIN_ASSESSED)
    return blockers


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years on `on` (someone born on 29 February turns a year older on 1 March)."""
    had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (0 if had_birthday else 1)


def consent_giver_refusal(
    date_of_birth: date | None, on: date, giver: ConsentGiver, *, unreadable: bool = False
) -> GiverRefusal | None:
    """Why `giver` cannot give consent on `on`; None means they can.

    An unknown date of birth allows either giver (the coordinator knows who is present); a
    date of birth that cannot be decrypted is refused rather than guessed.
    """
    if unreadable:
        return GiverRefusal.BIRTH_DATE_UNREADABLE
    if date_of_birth is None:
        return None
    of_age = age_on(date_of_birth, on) >= CONSENT_AGE
    if giver is ConsentGiver.CLIENT and not of_age:
        return GiverRefusal.CLIENT_UNDER_AGE
    if giver is ConsentGiver.PARENT_OR_GUARDIAN and of_age:
        return GiverRefusal.CLIENT_OF_AGE
    return None


def consent_giver_allowed(date_of_birth: date | None, on: date, giver: ConsentGiver) -> bool:
    """True when `giver` may give consent on `on` for a client born on `date_of_birth`."""
    return consent_giver_refusal(date_of_birth, on, giver) is None
