"""Consent forms: recording a consent per purpose, and withdrawing one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, SelectField
from wtforms.validators import InputRequired, ValidationError

from carecoord.codes import ConsentGiver, ConsentPurpose
from carecoord.formfields import INVALID_CHOICE, coded_choices
from carecoord.timeutil import today
from carecoord.trajectories.forms.base import ChangeForm
from carecoord.trajectories.forms.dates import check_date


class ConsentForm(ChangeForm):
    """A consent for one purpose; sharing names one care provider of the region."""

    purpose = SelectField(
        _l("Purpose"),
        validators=[InputRequired(message=_l("Choose the purpose of the consent."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    provider = SelectField(
        _l("Care provider"),
        default="",
        invalid_choice_message=_l("Choose one of the listed care providers."),
    )
    given_on = DateField(
        _l("Given on"),
        default=today,
        validators=[InputRequired(message=_l("Enter the date the consent was given."))],
    )
    given_by = SelectField(
        _l("Given by"),
        validators=[InputRequired(message=_l("Choose who gave the consent."))],
        invalid_choice_message=INVALID_CHOICE,
    )

    def __init__(
        self,
        *args: Any,
        notified_on: date,
        providers: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        """`providers`: (public id, name) of the region's active care providers."""
        super().__init__(*args, **kwargs)
        self.notified_on = notified_on
        self.purpose.choices = coded_choices(ConsentPurpose, blank=True)
        self.provider.choices = [("", _("None (registration with CoMensha)")), *providers]
        self.given_by.choices = coded_choices(ConsentGiver, blank=True)

    def validate_provider(self, field: Field) -> None:
        if self.purpose.data == ConsentPurpose.SHARE_WITH_PROVIDER and not field.data:
            raise ValidationError(_("Choose the care provider the client consents to."))
        if self.purpose.data == ConsentPurpose.COMENSHA_REGISTRATION and field.data:
            raise ValidationError(_("Registration with CoMensha is not for a care provider."))

    def validate_given_on(self, field: Field) -> None:
        check_date(field, self.notified_on)


class WithdrawConsentForm(ChangeForm):
    """The date the client (or parent or guardian) withdrew the consent."""

    withdrawn_on = DateField(
        _l("Withdrawn on"),
        default=today,
        validators=[InputRequired(message=_l("Enter the date the consent was withdrawn."))],
    )

    def __init__(self, *args: Any, notified_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notified_on = notified_on

    def validate_withdrawn_on(self, field: Field) -> None:
        check_date(field, self.notified_on)
