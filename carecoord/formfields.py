"""Form pieces every feature shares: the text rule, checkbox groups, date bounds, choices."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from carecoord.clients.rules import has_forbidden_characters
from carecoord.codes import Coded
from carecoord.timeutil import today

INVALID_CHOICE = _l("Choose one of the options.")


def plain_text(_form: FlaskForm, field: Field) -> None:
    """The text rules: NUL and bidi controls are refused; everything else is kept as typed."""
    if isinstance(field.data, str) and has_forbidden_characters(field.data):
        raise ValidationError(
            _("Remove the invisible control characters (NUL or text-direction controls).")
        )


def not_in_future(_form: FlaskForm, field: Field) -> None:
    if isinstance(field.data, date) and field.data > today():
        raise ValidationError(_("This date cannot be in the future."))


def coded_choices(cls: type[Coded], *, blank: bool = False) -> list[tuple[str, str]]:
    """(value, translated label) pairs for a code list, with an optional "Choose…" first."""
    choices = [(member.value, _(member.label)) for member in cls]
    return [("", _("Choose…")), *choices] if blank else choices


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (the `field` macro renders it as a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __iter__(self) -> Iterable:
        # The group is required, not each box: `required` on a checkbox means "must be ticked".
        for option in super().__iter__():
            option.flags.required = False
            yield option


class NotificationFields:
    """The notification (aanmelding): date, referrer and forms of exploitation. Shared by the
    registration of a client and a known client's new trajectory."""

    notified_on = DateField(
        _l("Date of notification"),
        default=today,
        validators=[InputRequired(message=_l("Enter the date of notification."))],
    )
    referrer_type = SelectField(
        _l("Referrer"),
        default="",
        validators=[InputRequired(message=_l("Choose who referred the client."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    forms_of_exploitation = MultiCheckboxField(
        _l("Forms of exploitation"),
        validators=[DataRequired(message=_l("Choose at least one form of exploitation."))],
        invalid_choice_message=INVALID_CHOICE,
    )
