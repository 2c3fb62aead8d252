"""The form that starts a CoMensha export from the browser."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired


class ExportForm(FlaskForm):
    """A past period (the view passes the choices) and whether a changed export is replaced."""

    period = SelectField(_l("Period"), validators=[InputRequired()], validate_choice=True)
    replace = BooleanField(_l("Replace the existing export of this period if the data changed"))
