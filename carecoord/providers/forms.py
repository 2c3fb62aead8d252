"""Forms of the care-provider directory: the provider itself and the list filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from carecoord.codes import ProviderType
from carecoord.providers import rules
from carecoord.providers.models import (
    ADDRESS_MAX,
    CONTACT_PERSON_MAX,
    EMAIL_MAX,
    PHONE_MAX,
    PROVIDER_NAME_MAX,
    WEBSITE_MAX,
)


def _stripped(value: object) -> object:
    """Surrounding spaces removed; an empty answer is stored as nothing, not as ""."""
    return (value.strip() or None) if isinstance(value, str) else value


def _optional_int(value: object) -> int | None:
    return None if value in (None, "") else int(value)  # type: ignore[arg-type]


def _type_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank), *(SelectChoice(t.value, _l(t.label)) for t in ProviderType)]


def _single_line(_form: FlaskForm, field: Field) -> None:
    if field.data and rules.has_control_characters(field.data):
        raise ValidationError(_l("Remove the control characters from this field."))


def _multi_line(_form: FlaskForm, field: Field) -> None:
    if field.data and rules.has_control_characters(field.data, multiline=True):
        raise ValidationError(_l("Remove the control characters from this field."))


def _email(_form: FlaskForm, field: Field) -> None:
    if field.data and not rules.is_email_address(field.data):
        raise ValidationError(_l("Enter an e-mail address like name@example.org."))


def _phone(_form: FlaskForm, field: Field) -> None:
    if field.data and not rules.is_phone_number(field.data):
        raise ValidationError(_l("Enter a phone number with digits, spaces and + ( ) - only."))


def _website(_form: FlaskForm, field: Field) -> None:
    if field.data and rules.web_address(field.data) is None:
        raise ValidationError(_l("Enter a web address starting with https:// or http://."))


def _max(limit: int) -> Length:
    # Length fills in %(max)d itself.
    return Length(max=limit, message=_l("Use at most %(max)d characters."))


class ProviderForm(FlaskForm):
    """A provider's details. `region_id` is for admins: the view removes it for coordinators
    and passes the regions in as choices."""

    name = StringField(
        _l("Name"),
        filters=[_stripped],
        validators=[
            DataRequired(message=_l("Enter the name of the provider.")),
            _max(PROVIDER_NAME_MAX),
            _single_line,
        ],
    )
    provider_type = SelectField(
        _l("Type of provider"),
        choices=_type_choices(_l("Choose a type")),
        validators=[DataRequired(message=_l("Choose the type of provider."))],
        invalid_choice_message=_l("Choose one of the listed types."),
    )
    region_id = SelectField(
        _l("Region"),
        coerce=int,
        invalid_value_message=_l("Choose one of the listed regions."),
        invalid_choice_message=_l("Choose one of the listed regions."),
    )
    contact_person = StringField(
        _l("Contact person"),
        filters=[_stripped],
        validators=[Optional(), _max(CONTACT_PERSON_MAX), _single_line],
    )
    phone = TelField(
        _l("Phone"), filters=[_stripped], validators=[Optional(), _max(PHONE_MAX), _phone]
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[_stripped],
        validators=[Optional(), _max(EMAIL_MAX), _email],
    )
    address = TextAreaField(
        _l("Address"),
        filters=[_stripped],
        validators=[Optional(), _max(ADDRESS_MAX), _multi_line],
        render_kw={"rows": 3},
    )
    website = URLField(
        _l("Website"),
        filters=[_stripped],
        validators=[Optional(), _max(WEBSITE_MAX), _website],
    )


class ProviderFilterForm(FlaskForm):
    """The list filters, read from the query string: codes only, nothing sensitive."""

    class Meta:
        csrf = False

    provider_type = SelectField(
        _l("Type of provider"),
        choices=_type_choices(_l("All types")),
        default="",
        invalid_choice_message=_l("Choose one of the listed types."),
    )
    region = SelectField(
        _l("Region"),
        coerce=_optional_int,
        default=None,
        invalid_value_message=_l("Choose one of the listed regions."),
        invalid_choice_message=_l("Choose one of the listed regions."),
    )
    inactive = BooleanField(_l("Show inactive providers too"))
