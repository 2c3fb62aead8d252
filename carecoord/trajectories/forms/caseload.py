"""The caseload filters, read from the query string: codes and switches, nothing sensitive."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from carecoord.codes import ExploitationForm, Phase
from carecoord.formfields import INVALID_CHOICE, coded_choices

# The query-string names of the switches; the page's links carry them from page to page.
SWITCHES = ("overdue", "reflection", "waiting", "mine", "closed")


class CaseloadFilterForm(FlaskForm):
    class Meta:
        csrf = False

    phase = SelectField(_l("Phase"), default="", invalid_choice_message=INVALID_CHOICE)
    exploitation = SelectField(
        _l("Form of exploitation"), default="", invalid_choice_message=INVALID_CHOICE
    )
    overdue = BooleanField(_l("Review overdue"))
    reflection = BooleanField(_l("Reflection period ends within 14 days"))
    waiting = BooleanField(_l("Handover waiting for an answer for more than 7 days"))
    mine = BooleanField(_l("Only trajectories I am responsible for"))
    closed = BooleanField(_l("Show closed trajectories too"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request, so the labels are in the user's language.
        self.phase.choices = [("", _("All phases")), *coded_choices(Phase)]
        self.exploitation.choices = [("", _("All forms")), *coded_choices(ExploitationForm)]

    def query_args(self) -> dict[str, str]:
        """The chosen filters as query-string arguments, for the pagination links."""
        args = {name: self[name].data for name in ("phase", "exploitation") if self[name].data}
        args.update({name: "y" for name in SWITCHES if self[name].data})
        return args
