"""The access log's filters, read from the query string: codes, dates, a case number."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from carecoord.audit.models import Action, Outcome
from carecoord.formfields import INVALID_CHOICE, coded_choices, plain_text
from carecoord.trajectories.models import CASE_NUMBER_MAX

# The query-string names of the filters; the pagination links carry them from page to page.
FILTERS = ("user", "case_number", "date_from", "date_to", "action", "outcome")


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    user = SelectField(_l("User"), default="", invalid_choice_message=INVALID_CHOICE)
    case_number = StringField(
        _l("Case number"),
        filters=[lambda value: value.strip().upper() if isinstance(value, str) else value],
        validators=[Optional(), Length(max=CASE_NUMBER_MAX), plain_text],
    )
    date_from = DateField(_l("From"), validators=[Optional()], render_kw={"type": "date"})
    date_to = DateField(
        _l("Up to and including"), validators=[Optional()], render_kw={"type": "date"}
    )
    action = SelectField(_l("Action"), default="", invalid_choice_message=INVALID_CHOICE)
    outcome = SelectField(_l("Outcome"), default="", invalid_choice_message=INVALID_CHOICE)

    def __init__(self, *args: Any, user_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request, so the labels are in the reader's language.
        self.user.choices = [("", _("All users")), *user_choices]
        self.action.choices = [("", _("All actions")), *coded_choices(Action)]
        self.outcome.choices = [("", _("All outcomes")), *coded_choices(Outcome)]

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The end of the period cannot be before its start."))

    def used(self) -> list[str]:
        """The names of the filters that are set (for the audit detail: names, never values)."""
        return [name for name in FILTERS if self[name].data]

    def query_args(self) -> dict[str, str]:
        """The chosen filters as query-string arguments, for the pagination links."""
        return {name: self[name].raw_data[0] for name in self.used() if self[name].raw_data}
