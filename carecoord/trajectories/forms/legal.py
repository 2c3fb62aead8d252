"""The legal-track form: reflection period, police report, B8/3 permit, criminal case."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, Field, SelectField
from wtforms.validators import Optional, ValidationError

from carecoord.codes import N_, CriminalCase, PoliceReport, ResidencePermit
from carecoord.formfields import INVALID_CHOICE, coded_choices
from carecoord.trajectories.forms.base import ChangeForm
from carecoord.trajectories.forms.dates import check_date, date_error

# The reflection period may be offered at the first signal, before the referral to the
# coordinator; it lasts three months, so a start more than 90 days before notification would
# mean it ended before the trajectory began.
REFLECTION_LOOKBACK_DAYS = 90
BEFORE_REFLECTION_WINDOW = N_(
    "The reflection period cannot start more than 90 days before the date of notification "
    "(so not before %(date)s)."
)
# Outcomes against which an appeal (or a complaint against a dismissal) can be pending.
APPEALABLE = frozenset({CriminalCase.DISMISSED, CriminalCase.CONVICTION, CriminalCase.ACQUITTAL})
# Each status with the date field that goes with it.
STATUS_DATES = {
    "police_report": "police_report_on",
    "residence_permit": "residence_permit_on",
    "criminal_case": "criminal_case_on",
}


class LegalTrackForm(ChangeForm):
    """The current legal-track facts; each status needs the date it applies from."""

    reflection_started_on = DateField(_l("Reflection period started on"), validators=[Optional()])
    police_report = SelectField(
        _l("Police report"), default="", invalid_choice_message=INVALID_CHOICE
    )
    police_report_on = DateField(_l("Date of the police report status"), validators=[Optional()])
    residence_permit = SelectField(
        _l("Residence permit (B8/3)"), default="", invalid_choice_message=INVALID_CHOICE
    )
    residence_permit_on = DateField(
        _l("Date of the residence permit status"), validators=[Optional()]
    )
    criminal_case = SelectField(
        _l("Criminal case"), default="", invalid_choice_message=INVALID_CHOICE
    )
    criminal_case_on = DateField(_l("Date of the criminal case status"), validators=[Optional()])
    appeal_pending = BooleanField(_l("Appeal pending"))

    def __init__(self, *args: Any, notified_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notified_on = notified_on
        self.police_report.choices = coded_choices(PoliceReport, blank=True)
        self.residence_permit.choices = coded_choices(ResidencePermit, blank=True)
        self.criminal_case.choices = coded_choices(CriminalCase, blank=True)

    def validate_reflection_started_on(self, field: Field) -> None:
        earliest = self.notified_on - timedelta(days=REFLECTION_LOOKBACK_DAYS)
        check_date(field, earliest, BEFORE_REFLECTION_WINDOW)

    def validate_appeal_pending(self, field: Field) -> None:
        if field.data and self.criminal_case.data not in APPEALABLE:
            raise ValidationError(
                _("An appeal can only be pending after a dismissal, a conviction or an acquittal.")
            )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for status_name, date_name in STATUS_DATES.items():
            status, on = self[status_name], self[date_name]
            if on.errors:
                continue
            if status.data and on.data is None:
                on.errors.append(_("Enter the date this status applies from."))
            elif not status.data and on.data is not None:
                on.errors.append(_("Choose a status for this date, or clear the date."))
            elif (message := date_error(on.data, self.notified_on)) is not None:
                on.errors.append(message)
            valid = valid and not on.errors
        return valid
