"""The code lists of DOMAIN.md as StrEnums, each with an English message id for its label. Pure.

Labels are message ids: templates show them through gettext (filter `label`), so the Dutch
catalogue gives the Dutch label of DOMAIN.md.
"""

from __future__ import annotations

from enum import StrEnum


def N_(message: str) -> str:
    """Marks `message` for extraction; it is translated where it is shown."""
    return message


LABELS: dict[type, dict[str, str]] = {}


class Coded(StrEnum):
    @property
    def label(self) -> str:
        return LABELS[type(self)][self.value]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


def _labelled(cls: type[Coded], labels: dict[str, str]) -> None:
    missing = {m.value for m in cls} ^ set(labels)
    if missing:
        raise ValueError(f"labels of {cls.__name__} do not match: {sorted(missing)}")
    LABELS[cls] = labels


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


class ExploitationForm(Coded):
    SEXUAL = "sexual"
    LABOUR = "labour"
    CRIMINAL = "criminal"
    ORGAN_REMOVAL = "organ_removal"
    UNKNOWN = "unknown"


_labelled(
    ExploitationForm,
    {
        "sexual": N_("sexual exploitation"),
        "labour": N_("labour exploitation"),
        "criminal": N_("criminal exploitation"),
        "organ_removal": N_("forced organ removal"),
        "unknown": N_("unknown"),
    },
)


class ReferrerType(Coded):
    POLICE = "police"
    KMAR = "kmar"
    LABOUR_INSPECTORATE = "labour_inspectorate"
    FAIRWORK = "fairwork"
    COMENSHA = "comensha"
    SHELTER = "shelter"
    HEALTHCARE = "healthcare"
    YOUTH_CARE = "youth_care"
    ASYLUM_RECEPTION = "asylum_reception"
    IMMIGRATION = "immigration"
    LAWYER = "lawyer"
    MUNICIPALITY = "municipality"
    VEILIG_THUIS = "veilig_thuis"
    SELF = "self"
    OTHER = "other"


_labelled(
    ReferrerType,
    {
        "police": N_("police"),
        "kmar": N_("Royal Netherlands Marechaussee"),
        "labour_inspectorate": N_("Netherlands Labour Authority"),
        "fairwork": N_("FairWork"),
        "comensha": N_("CoMensha (after a shelter placement)"),
        "shelter": N_("shelter"),
        "healthcare": N_("healthcare"),
        "youth_care": N_("youth care"),
        "asylum_reception": N_("COA (asylum reception)"),
        "immigration": N_("IND (immigration service)"),
        "lawyer": N_("lawyer"),
        "municipality": N_("municipality (designated officer)"),
        "veilig_thuis": N_("Veilig Thuis"),
        "self": N_("self-referral"),
        "other": N_("other"),
    },
)


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


class StepKind(Coded):
    NOTIFICATION = "notification"
    INTAKE_CONVERSATION = "intake_conversation"
    NEEDS_ASSESSED = "needs_assessed"
    CLIENT_INFORMED = "client_informed"
    HELP_QUESTION_ADDED = "help_question_added"
    HANDOVER_SENT = "handover_sent"
    HANDOVER_ACCEPTED = "handover_accepted"
    HANDOVER_DECLINED = "handover_declined"
    HANDOVER_STARTED = "handover_started"
    HANDOVER_COMPLETED = "handover_completed"
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
        "handover_sent": N_("handover sent"),
        "handover_accepted": N_("handover accepted"),
        "handover_declined": N_("handover declined"),
        "handover_started": N_("handover started"),
        "handover_completed": N_("handover completed"),
        "contact_moment": N_("contact moment"),
        "care_meeting": N_("care meeting"),
        "monitoring_note": N_("monitoring note"),
        "phase_change": N_("phase change"),
        "closure": N_("closure"),
        "reopening": N_("reopening"),
        "comensha_export": N_("export to CoMensha"),
    },
)
