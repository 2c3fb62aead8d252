"""Date bounds of the trajectory forms: not before a given day, not in the future."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from wtforms import Field
from wtforms.validators import ValidationError

from carecoord.codes import N_
from carecoord.timeutil import today

BEFORE_NOTIFICATION = N_("This date cannot be before the date of notification (%(date)s).")


def date_error(value: date | None, earliest: date, before: str = BEFORE_NOTIFICATION) -> str | None:
    """Why `value` lies outside [earliest, today], or None when it is inside (or empty).

    `before` is a marked message id with a `%(date)s` placeholder for the earliest day.
    """
    if value is None:
        return None
    if value > today():
        return _("This date cannot be in the future.")
    if value < earliest:
        return _(before, date=format_date(earliest, "long"))
    return None


def check_date(field: Field, earliest: date, before: str = BEFORE_NOTIFICATION) -> None:
    """For `validate_<field>` methods: raise the bound's message when the date is outside."""
    if (message := date_error(field.data, earliest, before)) is not None:
        raise ValidationError(message)
