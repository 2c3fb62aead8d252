"""The legal track: police report, B8/3 residence permit, criminal case. Pure."""

from __future__ import annotations

from carecoord.codes.base import N_, Coded, _labelled


class PoliceReport(Coded):
    FILED = "filed"
    OTHER_COOPERATION = "other_cooperation"
    EXEMPTED = "exempted"
    NOT_FILED = "not_filed"


_labelled(
    PoliceReport,
    {
        "filed": N_("police report filed"),
        "other_cooperation": N_("other cooperation with the investigation"),
        "exempted": N_("exempted from filing a report"),
        "not_filed": N_("no police report filed"),
    },
)


class ResidencePermit(Coded):
    APPLIED = "applied"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_APPLICABLE = "not_applicable"


_labelled(
    ResidencePermit,
    {
        "applied": N_("applied for"),
        "granted": N_("granted"),
        "refused": N_("refused"),
        "withdrawn": N_("withdrawn"),
        "not_applicable": N_("not applicable (Dutch or EU national)"),
    },
)


class CriminalCase(Coded):
    NONE = "none"
    UNDER_INVESTIGATION = "under_investigation"
    PROSECUTION = "prosecution"
    DISMISSED = "dismissed"
    CONVICTION = "conviction"
    ACQUITTAL = "acquittal"


_labelled(
    CriminalCase,
    {
        "none": N_("no criminal case"),
        "under_investigation": N_("under investigation"),
        "prosecution": N_("prosecution"),
        "dismissed": N_("dismissed (sepot)"),
        "conviction": N_("conviction"),
        "acquittal": N_("acquittal"),
    },
)
