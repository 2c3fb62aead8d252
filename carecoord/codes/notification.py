"""What a notification records: forms of exploitation and referrer types. Pure."""

from __future__ import annotations

from carecoord.codes.base import N_, Coded, _labelled


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
