"""Care providers, consent and handovers. Pure."""

from __future__ import annotations

from carecoord.codes.base import N_, Coded, _labelled


class ProviderType(Coded):
    SHELTER = "shelter"
    COSM_SHELTER = "cosm_shelter"
    WOMENS_SHELTER = "womens_shelter"
    MENTAL_HEALTH = "mental_health"
    MEDICAL = "medical"
    LEGAL_AID = "legal_aid"
    YOUTH_CARE = "youth_care"
    ADDICTION = "addiction"
    DEBT_INCOME = "debt_income"
    EDUCATION_WORK = "education_work"
    INTERPRETER = "interpreter"
    RETURN_SUPPORT = "return_support"
    MUNICIPALITY = "municipality"
    OTHER = "other"


_labelled(
    ProviderType,
    {
        "shelter": N_("shelter"),
        "cosm_shelter": N_("COSM shelter for trafficking victims"),
        "womens_shelter": N_("women's shelter"),
        "mental_health": N_("mental health care"),
        "medical": N_("medical care"),
        "legal_aid": N_("legal aid"),
        "youth_care": N_("youth care"),
        "addiction": N_("addiction care"),
        "debt_income": N_("debt and income support"),
        "education_work": N_("education and work"),
        "interpreter": N_("interpreter services"),
        "return_support": N_("return and repatriation support"),
        "municipality": N_("municipality"),
        "other": N_("other"),
    },
)


class ConsentPurpose(Coded):
    COMENSHA_REGISTRATION = "comensha_registration"
    SHARE_WITH_PROVIDER = "share_with_provider"


_labelled(
    ConsentPurpose,
    {
        "comensha_registration": N_("registration with CoMensha"),
        "share_with_provider": N_("sharing with a care provider"),
    },
)


class ConsentGiver(Coded):
    CLIENT = "client"
    PARENT_OR_GUARDIAN = "parent_or_guardian"


_labelled(
    ConsentGiver,
    {"client": N_("the client"), "parent_or_guardian": N_("parent or guardian")},
)


class HandoverStatus(Coded):
    PROPOSED = "proposed"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    STARTED = "started"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


_labelled(
    HandoverStatus,
    {
        "proposed": N_("proposed"),
        "sent": N_("sent"),
        "accepted": N_("accepted"),
        "declined": N_("declined"),
        "started": N_("started"),
        "completed": N_("completed"),
        "withdrawn": N_("withdrawn"),
    },
)
