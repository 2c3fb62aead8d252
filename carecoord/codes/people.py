"""Roles and coded facts about a person (DOMAIN.md). Pure."""

from __future__ import annotations

from carecoord.codes.base import N_, Coded, _labelled


class Role(Coded):
    COORDINATOR = "coordinator"
    CHAIN_DIRECTOR = "chain_director"
    ADMIN = "admin"


_labelled(
    Role,
    {
        "coordinator": N_("care coordinator"),
        "chain_director": N_("chain director"),
        "admin": N_("functional administrator"),
    },
)


class Gender(Coded):
    FEMALE = "female"
    MALE = "male"
    TRANSGENDER = "transgender"
    NON_BINARY = "non_binary"
    UNKNOWN = "unknown"


_labelled(
    Gender,
    {
        "female": N_("female"),
        "male": N_("male"),
        "transgender": N_("transgender"),
        "non_binary": N_("non-binary"),
        "unknown": N_("unknown"),
    },
)


class AgeBand(Coded):
    CHILD = "0-11"
    ADOLESCENT = "12-17"
    YOUNG_ADULT = "18-22"
    ADULT_23 = "23-29"
    ADULT_30 = "30-39"
    ADULT_40 = "40-49"
    ADULT_50 = "50+"
    UNKNOWN = "unknown"


_labelled(
    AgeBand,
    {
        "0-11": N_("0–11 years"),
        "12-17": N_("12–17 years"),
        "18-22": N_("18–22 years"),
        "23-29": N_("23–29 years"),
        "30-39": N_("30–39 years"),
        "40-49": N_("40–49 years"),
        "50+": N_("50 years and older"),
        "unknown": N_("unknown"),
    },
)


class NationalityGroup(Coded):
    NL = "nl"
    EEA = "eea"
    NON_EEA = "non_eea"
    UNKNOWN = "unknown"


_labelled(
    NationalityGroup,
    {
        "nl": N_("Dutch"),
        "eea": N_("EU/EEA"),
        "non_eea": N_("outside EU/EEA"),
        "unknown": N_("unknown"),
    },
)
