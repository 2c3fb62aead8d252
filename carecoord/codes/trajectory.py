"""Phases, closure reasons, steps and intake topics of a trajectory. Pure."""

from __future__ import annotations

from carecoord.codes.base import N_, Coded, _labelled


class Phase(Coded):
    INTAKE = "intake"
    ASSISTANCE = "assistance"
    CLOSED = "closed"


_labelled(
    Phase,
    {"intake": N_("intake"), "assistance": N_("assistance"), "closed": N_("closed")},
)


class ClosureReason(Coded):
    COMPLETED = "completed"
    LEFT_UNKNOWN_DESTINATION = "left_unknown_destination"
    DECLINED_HELP = "declined_help"
    RETURNED_TO_ORIGIN = "returned_to_origin"
    DECEASED = "deceased"


_labelled(
    ClosureReason,
    {
        "completed": N_("completed (regular closure)"),
        "left_unknown_destination": N_("left for an unknown destination"),
        "declined_help": N_("declines help"),
        "returned_to_origin": N_("returned to the country of origin"),
        "deceased": N_("deceased"),
    },
)


class StepKind(Coded):
    NOTIFICATION = "notification"
    INTAKE_CONVERSATION = "intake_conversation"
    NEEDS_ASSESSED = "needs_assessed"
    CLIENT_INFORMED = "client_informed"
    HELP_QUESTION_ADDED = "help_question_added"
    HANDOVER_PROPOSED = "handover_proposed"
    HANDOVER_SENT = "handover_sent"
    HANDOVER_ACCEPTED = "handover_accepted"
    HANDOVER_DECLINED = "handover_declined"
    HANDOVER_STARTED = "handover_started"
    HANDOVER_COMPLETED = "handover_completed"
    HANDOVER_WITHDRAWN = "handover_withdrawn"
    LEGAL_TRACK = "legal_track"
    CONSENT_RECORDED = "consent_recorded"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CLOSURE_CONDITION_CONFIRMED = "closure_condition_confirmed"
    RESPONSIBLE_CHANGED = "responsible_changed"
    CONTACT_MOMENT = "contact_moment"
    CARE_MEETING = "care_meeting"
    MONITORING_NOTE = "monitoring_note"
    PHASE_CHANGE = "phase_change"
    CLOSURE = "closure"
    REOPENING = "reopening"
    COMENSHA_EXPORT = "comensha_export"


_labelled(
    StepKind,
    {
        "notification": N_("notification"),
        "intake_conversation": N_("intake conversation"),
        "needs_assessed": N_("needs assessed"),
        "client_informed": N_("client informed"),
        "help_question_added": N_("help question added"),
        "handover_proposed": N_("handover proposed"),
        "handover_sent": N_("handover sent"),
        "handover_accepted": N_("handover accepted"),
        "handover_declined": N_("handover declined"),
        "handover_started": N_("handover started"),
        "handover_completed": N_("handover completed"),
        "handover_withdrawn": N_("handover withdrawn"),
        "legal_track": N_("legal track updated"),
        "consent_recorded": N_("consent recorded"),
        "consent_withdrawn": N_("consent withdrawn"),
        "closure_condition_confirmed": N_("closure condition confirmed"),
        "responsible_changed": N_("responsible coordinator changed"),
        "contact_moment": N_("contact moment"),
        "care_meeting": N_("care meeting"),
        "monitoring_note": N_("monitoring note"),
        "phase_change": N_("phase change"),
        "closure": N_("closure"),
        "reopening": N_("reopening"),
        "comensha_export": N_("export to CoMensha"),
    },
)


class LifeDomain(Coded):
    SHELTER_HOUSING = "shelter_housing"
    PHYSICAL_HEALTH = "physical_health"
    MENTAL_HEALTH = "mental_health"
    ADDICTION = "addiction"
    SAFETY = "safety"
    RESIDENCE_STATUS = "residence_status"
    LEGAL_AID = "legal_aid"
    IDENTITY_DOCUMENTS = "identity_documents"
    INCOME_DEBTS = "income_debts"
    WORK_EDUCATION = "work_education"
    SOCIAL_NETWORK = "social_network"
    CHILDREN = "children"
    LANGUAGE_INTERPRETER = "language_interpreter"
    RETURN = "return"


_labelled(
    LifeDomain,
    {
        "shelter_housing": N_("shelter and housing"),
        "physical_health": N_("physical health"),
        "mental_health": N_("mental health"),
        "addiction": N_("addiction"),
        "safety": N_("safety"),
        "residence_status": N_("residence status"),
        "legal_aid": N_("legal aid and criminal proceedings"),
        "identity_documents": N_("identity documents"),
        "income_debts": N_("income and debts"),
        "work_education": N_("work, education and daytime activities"),
        "social_network": N_("social network and family"),
        "children": N_("children"),
        "language_interpreter": N_("language and interpreter"),
        "return": N_("return to the country of origin"),
    },
)


class InformationTopic(Coded):
    RESIDENCE_LAW = "residence_law"
    CRIMINAL_LAW = "criminal_law"
    CARE = "care"


_labelled(
    InformationTopic,
    {
        "residence_law": N_("residence law (incl. reflection period)"),
        "criminal_law": N_("criminal law (incl. filing a police report)"),
        "care": N_("care"),
    },
)
