"""The client search form; the search box in the page header fills it from one term."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from carecoord.clients.models import NAME_MAX
from carecoord.formfields import plain_text
from carecoord.security.pseudonyms import normalise_name
from carecoord.trajectories.models import CASE_NUMBER_MAX

# Fewer letters than this would match most of a region: ask for more.
NAME_MIN = 2


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _enough_letters(_form: FlaskForm, field: Any) -> None:
    if field.data and len(normalise_name(field.data).replace(" ", "")) < NAME_MIN:
        raise ValidationError(_("Type at least %(n)d letters of the name.", n=NAME_MIN))


class SearchForm(FlaskForm):
    """Part of the name, the exact date of birth, or (the beginning of) the case number."""

    name = StringField(
        _l("Name or part of the name"),
        filters=[_strip],
        validators=[Optional(), Length(max=NAME_MAX), plain_text, _enough_letters],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    date_of_birth = DateField(
        _l("Date of birth"), validators=[Optional()], render_kw={"autocomplete": "off"}
    )
    case_number = StringField(
        _l("Case number or its beginning"),
        filters=[_strip],
        validators=[Optional(), Length(max=CASE_NUMBER_MAX), plain_text],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not (self.name.data or self.date_of_birth.data or self.case_number.data):
            self.form_errors.append(_("Fill in a name, a date of birth or a case number."))
            return False
        return valid
