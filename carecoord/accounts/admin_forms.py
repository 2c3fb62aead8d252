"""Administration forms: users, regions and municipalities. Region choices come from the view."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Regexp

from carecoord.accounts.forms import (
    PASSWORD_FIELD_MAX,
    email_address,
    max_length,
    required,
    same_as,
    single_line,
    stripped,
)
from carecoord.accounts.models import (
    CBS_CODE_MAX,
    EMAIL_MAX,
    MUNICIPALITY_NAME_MAX,
    REGION_CODE_MAX,
    REGION_NAME_MAX,
    USER_NAME_MAX,
    Region,
)
from carecoord.codes import Role

# \Z, not $: "$" would let a trailing line break through.
REGION_CODE_PATTERN = rf"^[A-Z]{{2,{REGION_CODE_MAX}}}\Z"
CBS_CODE_PATTERN = rf"^GM[0-9]{{{CBS_CODE_MAX - 2}}}\Z"


CHOOSE_ONE = _l("Choose one of the options.")


def _region_field() -> SelectField:
    """The view fills in the choices: `region_choices(regions)`."""
    return SelectField(
        _l("Region"),
        coerce=int,
        choices=[],
        invalid_choice_message=CHOOSE_ONE,
        invalid_value_message=CHOOSE_ONE,
    )


def region_choices(regions: Iterable[Region]) -> list[SelectChoice]:
    return [SelectChoice(str(region.id), region.name) for region in regions]


def _user_name_field() -> StringField:
    return StringField(
        _l("Name"),
        filters=[stripped],
        validators=[required(), max_length(USER_NAME_MAX), single_line],
    )


def _role_field() -> SelectField:
    return SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, _l(role.label)) for role in Role],
        invalid_choice_message=CHOOSE_ONE,
    )


def _password_field(label: str) -> PasswordField:
    return PasswordField(label, validators=[required(), max_length(PASSWORD_FIELD_MAX)])


class UserEditForm(FlaskForm):
    name = _user_name_field()
    role = _role_field()
    region = _region_field()
    active = BooleanField(_l("Active: may sign in"))


class UserCreateForm(FlaskForm):
    name = _user_name_field()
    email = EmailField(
        _l("E-mail address"),
        filters=[stripped],
        validators=[required(), max_length(EMAIL_MAX), single_line, email_address],
    )
    role = _role_field()
    region = _region_field()
    password = _password_field(_l("Initial password"))
    password_repeat = PasswordField(
        _l("Initial password again"), validators=[required(), same_as("password")]
    )


class SetPasswordForm(FlaskForm):
    password = _password_field(_l("New password"))
    password_repeat = PasswordField(
        _l("New password again"), validators=[required(), same_as("password")]
    )


class ResetTwoFactorForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, reset the two-factor sign-in of this user"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class RegionForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[stripped],
        validators=[required(), max_length(REGION_NAME_MAX), single_line],
    )
    code = StringField(
        _l("Code"),
        filters=[stripped],
        validators=[
            required(),
            Regexp(REGION_CODE_PATTERN, message=_l("Use 2 to 4 capital letters, e.g. GV.")),
        ],
    )


class MunicipalityForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[stripped],
        validators=[required(), max_length(MUNICIPALITY_NAME_MAX), single_line],
    )
    cbs_code = StringField(
        _l("CBS code"),
        filters=[stripped],
        validators=[
            required(),
            Regexp(CBS_CODE_PATTERN, message=_l("Use GM followed by 4 digits, e.g. GM0402.")),
        ],
    )
    region = _region_field()
    active = BooleanField(_l("Active: offered when registering a client"))
