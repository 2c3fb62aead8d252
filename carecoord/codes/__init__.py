"""The code lists of DOMAIN.md as StrEnums with English message-id labels. Pure.

Labels are message ids: templates show them through gettext (filter `label`), so the Dutch
catalogue gives the Dutch label of DOMAIN.md.
"""

from carecoord.codes.base import LABELS, N_, Coded, _labelled
from carecoord.codes.care import ConsentGiver, ConsentPurpose, HandoverStatus, ProviderType
from carecoord.codes.legal import CriminalCase, PoliceReport, ResidencePermit
from carecoord.codes.notification import ExploitationForm, ReferrerType
from carecoord.codes.people import AgeBand, Gender, NationalityGroup, Role
from carecoord.codes.trajectory import ClosureReason, InformationTopic, LifeDomain, Phase, StepKind

__all__ = [
    "LABELS",
    "N_",
    "AgeBand",
    "ClosureReason",
    "Coded",
    "ConsentGiver",
    "ConsentPurpose",
    "CriminalCase",
    "ExploitationForm",
    "Gender",
    "HandoverStatus",
    "InformationTopic",
    "LifeDomain",
    "NationalityGroup",
    "Phase",
    "PoliceReport",
    "ProviderType",
    "ReferrerType",
    "ResidencePermit",
    "Role",
    "StepKind",
    "_labelled",
]
