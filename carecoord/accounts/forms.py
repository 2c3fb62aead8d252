"""Sign-in (both steps), language and own-account forms; validators the admin forms share."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from carecoord.accounts.models import EMAIL_MAX
from carecoord.accounts.passwords import PASSWORD_MAX
from carecoord.accounts.twofactor import CODE_INPUT_MAX

# Deliberately loose: one @, no spaces, a dot in the domain. The address is only ever used to
# sign in, so a strict RFC 5322 check would refuse real addresses and protect nothing.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Room above the policy maximum, so that an over-long password gets the policy's own message.
PASSWORD_FIELD_MAX = PASSWORD_MAX * 4


def stripped(value: object) -> object:
    """Surrounding white space removed (a pasted name or address often carries some)."""
    return value.strip() if isinstance(value, str) else value


def single_line(_form: FlaskForm, field: Field) -> None:
    """Refuses control characters (NUL, line breaks, escapes) in a one-line text."""
    if field.data and any(unicodedata.category(ch) == "Cc" for ch in field.data):
        raise ValidationError(_l("Remove the control characters from this field."))


def email_address(_form: FlaskForm, field: Field) -> None:
    if field.data and not EMAIL_PATTERN.match(field.data):
        raise ValidationError(_l("Enter an e-mail address like name@example.org."))


def required() -> DataRequired:
    return DataRequired(message=_l("Fill in this field."))


def max_length(limit: int) -> Length:
    return Length(max=limit, message=_l("Use at most %(max)d characters.", max=limit))


def same_as(other: str) -> EqualTo:
    return EqualTo(other, message=_l("The two passwords are not the same."))


class SignInForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[required(), max_length(EMAIL_MAX), single_line]
    )
    password = PasswordField(_l("Password"), validators=[required(), max_length(PASSWORD_MAX)])
    next = HiddenField()


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("Language"), choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")]
    )
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    """A user's own password: the current one proves it is her, the new one twice."""

    current_password = PasswordField(
        _l("Current password"), validators=[required(), max_length(PASSWORD_FIELD_MAX)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[required(), max_length(PASSWORD_FIELD_MAX)]
    )
    new_password_repeat = PasswordField(
        _l("New password again"), validators=[required(), same_as("new_password")]
    )


def _code_field(label: str) -> StringField:
    # Not a password field: the code is shown while typed, and it is useless once used.
    return StringField(
        label,
        filters=[stripped],
        validators=[required(), max_length(CODE_INPUT_MAX), single_line],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


class SecondFactorForm(FlaskForm):
    """The second step: a code of the authenticator app, or one of the recovery codes."""

    code = _code_field(_l("Code"))


class EnrolForm(FlaskForm):
    code = _code_field(_l("Code from the app"))


class NewRecoveryCodesForm(FlaskForm):
    """Only the CSRF token: the new codes replace the old ones."""
