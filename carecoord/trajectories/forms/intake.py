"""Forms of the intake page: the needs inventory, informing the client, completing the intake."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, Field, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from carecoord.codes import InformationTopic, LifeDomain
from carecoord.formfields import INVALID_CHOICE, MultiCheckboxField, coded_choices, plain_text
from carecoord.timeutil import today
from carecoord.trajectories.forms.base import ChangeForm
from carecoord.trajectories.forms.dates import check_date, date_error
from carecoord.trajectories.models.intake import LANGUAGE_MAX, NEEDS_NOTE_MAX

DOMAIN_CODES = frozenset(d.value for d in LifeDomain)
FormClass = TypeVar("FormClass", bound=type[ChangeForm])


def note_field(domain: LifeDomain | str) -> str:
    return f"note_{LifeDomain(domain).value}"


def topic_fields(topic: InformationTopic | str) -> tuple[str, str, str]:
    """The names of a topic's date, language and interpreter fields."""
    code = InformationTopic(topic).value
    return f"on_{code}", f"language_{code}", f"interpreter_{code}"


def _with_notes(cls: FormClass) -> FormClass:
    """One note per life domain, named note_<code>; the template renders their labels."""
    for domain in LifeDomain:
        note = TextAreaField(
            _l(domain.label),
            validators=[
                Length(max=NEEDS_NOTE_MAX, message=_l("Use at most %(max)d characters.")),
                plain_text,
            ],
            render_kw={"rows": 2},
        )
        setattr(cls, note_field(domain), note)
    return cls


def _with_topics(cls: FormClass) -> FormClass:
    """Per information topic a date, a language and "interpreter used"."""
    for topic in InformationTopic:
        on, language, interpreter = topic_fields(topic)
        setattr(cls, on, DateField(_l("Informed on"), validators=[Optional()]))
        language_field = StringField(
            _l("Language of the conversation"),
            validators=[
                Length(max=LANGUAGE_MAX, message=_l("Use at most %(max)d characters.")),
                plain_text,
            ],
        )
        setattr(cls, language, language_field)
        setattr(cls, interpreter, BooleanField(_l("Interpreter used")))
    return cls


@_with_notes
class NeedsForm(ChangeForm):
    """Per life domain: assessed, a need, a note; and the date of the conversation."""

    conversation_on = DateField(
        _l("Date of the intake conversation"),
        default=today,
        validators=[InputRequired(message=_l("Enter the date of the conversation."))],
    )
    assessed = MultiCheckboxField(_l("Assessed"), invalid_choice_message=INVALID_CHOICE)
    need = MultiCheckboxField(_l("Need"), invalid_choice_message=INVALID_CHOICE)

    def __init__(self, *args: Any, notified_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notified_on = notified_on
        self.assessed.choices = coded_choices(LifeDomain)
        self.need.choices = coded_choices(LifeDomain)

    def note(self, domain: LifeDomain | str) -> Field:
        return self[note_field(domain)]

    def validate_conversation_on(self, field: Field) -> None:
        check_date(field, self.notified_on)

    def validate_need(self, field: Field) -> None:
        assessed = set(self.assessed.data or [])
        unassessed = [d for d in field.data or [] if d in DOMAIN_CODES and d not in assessed]
        if unassessed:
            names = ", ".join(_(LifeDomain(d).label) for d in unassessed)
            raise ValidationError(
                _(
                    "A need can only be recorded for an assessed life domain: %(domains)s.",
                    domains=names,
                )
            )


@_with_topics
class InformedForm(ChangeForm):
    """Per topic: informed, on which date, in which language, with an interpreter or not."""

    informed = MultiCheckboxField(_l("Informed"), invalid_choice_message=INVALID_CHOICE)

    def __init__(self, *args: Any, notified_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notified_on = notified_on
        self.informed.choices = coded_choices(InformationTopic)

    def topic(self, topic: InformationTopic | str) -> tuple[Field, Field, Field]:
        on, language, interpreter = topic_fields(topic)
        return self[on], self[language], self[interpreter]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        ticked = set(self.informed.data or [])
        for topic in InformationTopic:
            on, _language, _interpreter = self.topic(topic)
            if topic.value in ticked and on.data is None and not on.errors:
                on.errors.append(_("Enter the date the client was informed."))
            elif topic.value not in ticked and on.data is not None:
                on.errors.append(_("Tick “informed” for this topic, or clear the date."))
            elif (message := date_error(on.data, self.notified_on)) is not None:
                on.errors.append(message)
            valid = valid and not on.errors
        return valid


class CompleteIntakeForm(ChangeForm):
    """Completing the intake moves the trajectory to assistance on this date."""

    completed_on = DateField(
        _l("Intake completed on"),
        default=today,
        validators=[InputRequired(message=_l("Enter the date the intake was completed."))],
    )

    def __init__(self, *args: Any, notified_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notified_on = notified_on

    def validate_completed_on(self, field: Field) -> None:
        check_date(field, self.notified_on)
