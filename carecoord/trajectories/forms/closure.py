"""Forms for closing (with the knowledge conditions), reopening and a new trajectory."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, Field, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from carecoord.codes import N_, ClosureReason, ExploitationForm, ReferrerType
from carecoord.formfields import (
    INVALID_CHOICE,
    NotificationFields,
    coded_choices,
    plain_text,
)
from carecoord.timeutil import today
from carecoord.trajectories.forms.steps import DatedChangeForm, in_period, step_text
from carecoord.trajectories.models import STEP_TEXT_MAX

# The knowledge conditions of a regular closure, in the words the coordinator confirms.
CONDITION_LABELS = {
    "residence_steps": _l("The client knows which residence-law steps they want to take"),
    "rights_to_services": _l("The client knows their rights to services"),
    "where_to_get_help": _l("The client knows which agency to turn to for help and care"),
}
CONDITION_KEPT = _l("A confirmed condition cannot be removed; correct its date if needed.")
BEFORE_CLOSURE = N_("This date cannot be before the date of closure (%(date)s).")
BEFORE_PREVIOUS = N_("This date cannot be before the previous trajectory closed (%(date)s).")


def condition_field(code: str) -> DateField:
    return DateField(CONDITION_LABELS[code], validators=[Optional()])


class ConditionsForm(DatedChangeForm):
    """The date each knowledge condition was confirmed; an empty date is not confirmed yet."""

    residence_steps = condition_field("residence_steps")
    rights_to_services = condition_field("rights_to_services")
    where_to_get_help = condition_field("where_to_get_help")

    def __init__(
        self, *args: Any, confirmed: dict[str, date | None] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.confirmed = confirmed or {}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for code in CONDITION_LABELS:
            field = self[code]
            if field.errors:
                continue
            try:
                in_period(field, self.earliest)
                if field.data is None and self.confirmed.get(code) is not None:
                    raise ValidationError(str(CONDITION_KEPT))
            except ValidationError as error:
                field.errors.append(str(error))
                valid = False
        return valid

    def values(self) -> dict[str, date | None]:
        return {code: self[code].data for code in CONDITION_LABELS}


class CloseForm(DatedChangeForm):
    """Close for one of the five reasons, on a date, with an optional note."""

    reason = SelectField(
        _l("Reason for closure"),
        default="",
        validators=[InputRequired(message=_l("Choose the reason for closure."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    closed_on = DateField(
        _l("Date of closure"),
        default=today,
        validators=[InputRequired(message=_l("Enter the date of closure."))],
    )
    note = step_text(_l("Note"), required=False)
    withdraw_handovers = BooleanField(_l("Withdraw these open handovers with the closure"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.choices = coded_choices(ClosureReason, blank=True)

    def validate_closed_on(self, field: Field) -> None:
        in_period(field, self.earliest)

    @property
    def reason_code(self) -> ClosureReason:
        return ClosureReason(self.reason.data)


class ReopenForm(DatedChangeForm):
    """Reopen on a date (not before the closure), with a reason."""

    reopened_on = DateField(
        _l("Date of reopening"),
        validators=[InputRequired(message=_l("Enter the date of reopening."))],
    )
    reason = TextAreaField(
        _l("Reason for reopening"),
        validators=[
            DataRequired(message=_l("Enter the reason for reopening.")),
            Length(max=STEP_TEXT_MAX),
            plain_text,
        ],
    )

    def validate_reopened_on(self, field: Field) -> None:
        in_period(field, self.earliest, BEFORE_CLOSURE)


class NewTrajectoryForm(NotificationFields, DatedChangeForm):
    """The notification of a known client: date, referrer and forms of exploitation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referrer_type.choices = coded_choices(ReferrerType, blank=True)
        self.forms_of_exploitation.choices = coded_choices(ExploitationForm)

    def validate_notified_on(self, field: Field) -> None:
        in_period(field, self.earliest, BEFORE_PREVIOUS)

    @property
    def referrer(self) -> ReferrerType:
        return ReferrerType(self.referrer_type.data)

    @property
    def exploitation(self) -> list[ExploitationForm]:
        return [ExploitationForm(value) for value in self.forms_of_exploitation.data]
