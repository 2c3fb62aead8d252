"""Forms for help questions and handovers; the views pass in choices and the earliest date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from carecoord.codes import N_, LifeDomain
from carecoord.formfields import INVALID_CHOICE, coded_choices, not_in_future, plain_text
from carecoord.handovers.models import DECLINE_REASON_MAX, HELP_QUESTION_TEXT_MAX
from carecoord.timeutil import today
from carecoord.trajectories.forms import ChangeForm

# Provider choices: (public id, name) pairs grouped under the translated provider type.
ProviderChoices = dict[str, Sequence[tuple[str, str]]]


def _max(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters."))


class DatedChangeForm(ChangeForm):
    """A change with a date: not in the future, and not before `earliest` (set by the view)."""

    on = DateField(
        _l("Date"),
        default=today,
        validators=[InputRequired(message=_l("Enter the date.")), not_in_future],
    )

    def __init__(self, *args: Any, earliest: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.earliest = earliest

    # A message id naming what the earliest date is; each form says it its own way.
    earliest_message = N_("The date cannot be before %(date)s.")

    def validate_on(self, field: Field) -> None:
        if field.data is not None and self.earliest is not None and field.data < self.earliest:
            raise ValidationError(_(self.earliest_message, date=format_date(self.earliest, "long")))


class HelpQuestionForm(DatedChangeForm):
    domain = SelectField(
        _l("Life domain"),
        default="",
        validators=[InputRequired(message=_l("Choose the life domain."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    text = TextAreaField(
        _l("Description"),
        validators=[
            DataRequired(message=_l("Describe the help question.")),
            _max(HELP_QUESTION_TEXT_MAX),
            plain_text,
        ],
    )
    earliest_message = N_("The date cannot be before the notification (%(date)s).")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.domain.choices = coded_choices(LifeDomain, blank=True)


class ProposeHandoverForm(DatedChangeForm):
    provider = SelectField(
        _l("Care provider"),
        default="",
        validators=[InputRequired(message=_l("Choose a care provider."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    earliest_message = N_("The date cannot be before the help question was added (%(date)s).")

    def __init__(self, *args: Any, providers: ProviderChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider.choices = {None: [("", _("Choose…"))], **providers}


class StatusChangeForm(DatedChangeForm):
    earliest_message = N_("The date cannot be before the previous status date (%(date)s).")


class DeclineForm(StatusChangeForm):
    decline_reason = TextAreaField(
        _l("Reason for declining"),
        validators=[
            DataRequired(message=_l("Enter why the care provider declined.")),
            _max(DECLINE_REASON_MAX),
            plain_text,
        ],
    )
