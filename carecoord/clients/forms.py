"""The registration form of a presumed victim: notification, identity and coded facts."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    Field,
    HiddenField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from carecoord.clients.models import (
    ADDRESS_MAX,
    DOCUMENT_NUMBER_MAX,
    EMAIL_MAX,
    NAME_MAX,
    PHONE_MAX,
    V_NUMBER_LEN,
)
from carecoord.clients.rules import bsn_is_valid
from carecoord.codes import ExploitationForm, Gender, ReferrerType
from carecoord.formfields import INVALID_CHOICE, NotificationFields, plain_text
from carecoord.security.pseudonyms import normalise_name
from carecoord.timeutil import today

NOTIFIED_EARLIEST = date(2000, 1, 1)
BORN_EARLIEST = date(1900, 1, 1)
# Two-letter territory codes in CLDR that are not ISO 3166-1 countries (unions, reserved and
# pseudo codes). Kosovo (XK) stays: it is user-assigned but used for nationality in practice.
NOT_A_COUNTRY = frozenset("AC CP CQ DG EA EU EZ IC QO TA UN XA XB ZZ".split())
IDENTITY_FIELDS = (
    "name",
    "date_of_birth",
    "nationality",
    "phone",
    "email",
    "address",
    "bsn",
    "v_number",
    "document_number",
)
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+$")
V_NUMBER_SHAPE = re.compile(rf"^[0-9]{{{V_NUMBER_LEN}}}$")


def _strip(value: Any) -> Any:
    """Surrounding whitespace of an identifier is a copy-paste artefact, not content."""
    return value.strip() if isinstance(value, str) else value


def valid_bsn(_form: FlaskForm, field: Field) -> None:
    if field.data and not bsn_is_valid(field.data):
        raise ValidationError(_("A BSN has 9 digits and passes the eleven test."))


def valid_v_number(_form: FlaskForm, field: Field) -> None:
    if field.data and not V_NUMBER_SHAPE.match(field.data):
        raise ValidationError(_("A V-number has %(n)d digits.", n=V_NUMBER_LEN))


def valid_email(_form: FlaskForm, field: Field) -> None:
    if field.data and not EMAIL_SHAPE.match(field.data):
        raise ValidationError(_("Enter an e-mail address like name@example.org."))


@lru_cache(maxsize=8)
def nationality_choices(locale_name: str) -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 alpha-2 codes with the territory names of `locale_name`, sorted by name."""
    territories = Locale.parse(locale_name).territories
    countries = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_A_COUNTRY
    ]
    return tuple(sorted(countries, key=lambda item: (normalise_name(item[1]), item[0])))


class RegistrationForm(NotificationFields, FlaskForm):
    # Identity: encrypted at rest
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Enter the name.")),
            Length(max=NAME_MAX),
            plain_text,
        ],
    )
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    nationality = SelectField(_l("Nationality"), default="", invalid_choice_message=INVALID_CHOICE)
    phone = TelField(_l("Telephone number"), validators=[Length(max=PHONE_MAX), plain_text])
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[Length(max=EMAIL_MAX), plain_text, valid_email],
    )
    address = TextAreaField(_l("Address"), validators=[Length(max=ADDRESS_MAX), plain_text])
    bsn = StringField(
        _l("BSN (citizen service number)"),
        filters=[_strip],
        validators=[plain_text, valid_bsn],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    v_number = StringField(
        _l("V-number"),
        filters=[_strip],
        validators=[plain_text, valid_v_number],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    document_number = StringField(
        _l("Identity document number"),
        filters=[_strip],
        validators=[Length(max=DOCUMENT_NUMBER_MAX), plain_text],
        render_kw={"autocomplete": "off"},
    )
    # Coded facts
    gender = SelectField(
        _l("Gender"),
        default="",
        validators=[InputRequired(message=_l("Choose the gender."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    municipality = SelectField(
        _l("Municipality of residence"), default="", invalid_choice_message=INVALID_CHOICE
    )
    # One token per rendered form, so a second submission of it creates nothing new.
    registration_token = HiddenField(default=lambda: str(uuid.uuid4()))
    # Sent by the "Register anyway" button after a probable-duplicate warning.
    confirm = HiddenField(default="")

    def __init__(
        self, *args: Any, municipalities: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choose = ("", _("Choose…"))
        self.referrer_type.choices = [choose, *_coded(ReferrerType)]
        self.forms_of_exploitation.choices = _coded(ExploitationForm)
        self.nationality.choices = [
            ("", _("unknown")),
            *nationality_choices(str(get_locale() or "nl")),
        ]
        self.gender.choices = [choose, *_coded(Gender)]
        self.municipality.choices = [
            ("", _("unknown or none")),
            *((str(key), name) for key, name in municipalities),
        ]

    def validate_notified_on(self, field: Field) -> None:
        if field.data is None:
            return
        if field.data > today():
            raise ValidationError(_("The date of notification cannot be in the future."))
        if field.data < NOTIFIED_EARLIEST:
            raise ValidationError(_("The date of notification cannot be before 2000."))

    def validate_date_of_birth(self, field: Field) -> None:
        if field.data is None:
            return
        if field.data > today():
            raise ValidationError(_("The date of birth cannot be in the future."))
        if field.data < BORN_EARLIEST:
            raise ValidationError(_("The date of birth cannot be before 1900."))
        notified_on = self.notified_on.data
        if notified_on is not None and field.data > notified_on:
            raise ValidationError(_("The date of birth cannot be after the date of notification."))

    def validate_registration_token(self, field: Field) -> None:
        if self.token is None:
            field.data = str(uuid.uuid4())
            raise ValidationError(_("This form has expired. Check the fields and submit again."))

    @property
    def token(self) -> uuid.UUID | None:
        """The submitted registration token; None when it is missing or not a UUID."""
        try:
            return uuid.UUID(str(self.registration_token.data))
        except ValueError:
            return None

    @property
    def confirmed(self) -> bool:
        return self.confirm.data == "1"

    @property
    def municipality_id(self) -> int | None:
        return int(self.municipality.data) if self.municipality.data else None

    def identity_values(self) -> dict[str, Any]:
        """The identity as typed; an empty field is None."""
        return {name: getattr(self, name).data or None for name in IDENTITY_FIELDS}


def _coded(cls: type) -> list[tuple[str, str]]:
    return [(member.value, _(member.label)) for member in cls]
