"""Forms for logging steps, the monitoring settings and the responsible coordinator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, IntegerField, SelectField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from carecoord.formfields import INVALID_CHOICE, not_in_future, plain_text
from carecoord.timeutil import today
from carecoord.trajectories.forms.base import ChangeForm
from carecoord.trajectories.forms.dates import BEFORE_NOTIFICATION, check_date
from carecoord.trajectories.models import PARTICIPANTS_MAX, STEP_TEXT_MAX
from carecoord.trajectories.rules import MONITORING_INTERVAL_RANGE


def in_period(field: Field, earliest: date | None, before: str = BEFORE_NOTIFICATION) -> None:
    """Refuse a date in the future or before `earliest` (usually the notification date).

    `before` is a marked message id with a `%(date)s` placeholder for `earliest`.
    """
    if earliest is None:
        not_in_future(None, field)
    else:
        check_date(field, earliest, before)


class DatedChangeForm(ChangeForm):
    """A change form whose dates lie between the notification and today."""

    def __init__(self, *args: Any, earliest: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.earliest = earliest


def step_text(label: Any, *, required: bool) -> TextAreaField:
    presence = DataRequired(message=_l("Enter the text.")) if required else Optional()
    return TextAreaField(label, validators=[presence, Length(max=STEP_TEXT_MAX), plain_text])


def occurred_field(label: Any) -> DateField:
    return DateField(
        label,
        default=today,
        validators=[InputRequired(message=_l("Enter the date."))],
    )


class StepForm(DatedChangeForm):
    """A contact moment or monitoring note: a date and what happened."""

    occurred_on = occurred_field(_l("Date"))
    text = step_text(_l("What happened"), required=True)

    def validate_occurred_on(self, field: Field) -> None:
        in_period(field, self.earliest)


class CareMeetingForm(DatedChangeForm):
    """A care meeting (zorgoverleg): date, participating organisations, agreements."""

    occurred_on = occurred_field(_l("Date of the meeting"))
    participants = TextAreaField(
        _l("Participating organisations"),
        validators=[
            DataRequired(message=_l("Enter the participating organisations.")),
            Length(max=PARTICIPANTS_MAX),
            plain_text,
        ],
    )
    text = step_text(_l("Agreements"), required=False)

    def validate_occurred_on(self, field: Field) -> None:
        in_period(field, self.earliest)


class MonitoringForm(ChangeForm):
    """The monitoring interval and, optionally, an explicit next review date."""

    interval_days = IntegerField(
        _l("Monitoring interval in days"),
        validators=[
            InputRequired(message=_l("Enter the interval in days.")),
            NumberRange(
                min=MONITORING_INTERVAL_RANGE[0],
                max=MONITORING_INTERVAL_RANGE[1],
                message=_l("Choose an interval from %(min)s to %(max)s days."),
            ),
        ],
    )
    next_review_on = DateField(_l("Next review"), validators=[Optional()])

    def validate_next_review_on(self, field: Field) -> None:
        if field.data is not None and field.data < today():
            raise ValidationError(_("The next review cannot be in the past."))


class ResponsibleForm(ChangeForm):
    """The coordinator of the region who takes over; the view passes the choices."""

    responsible = SelectField(
        _l("New responsible coordinator"),
        default="",
        validators=[InputRequired(message=_l("Choose a coordinator."))],
        invalid_choice_message=INVALID_CHOICE,
    )

    def __init__(
        self, *args: Any, coordinators: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.responsible.choices = [("", _("Choose…")), *coordinators]
