"""The base of every form that changes a trajectory: its version and a one-time token."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import HiddenInput

from carecoord.timeutil import utcnow

EXPIRED = _l("This form has expired. Check the values and save again.")


class ChangeForm(FlaskForm):
    """Posts the trajectory version it was rendered from (a stale save is a conflict) and a
    one-time submission token (a second arrival of the same form changes nothing)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(message=EXPIRED)])
    submission = HiddenField(validators=[InputRequired(message=EXPIRED)])
    rendered_at = HiddenField()

    def prepare(self, version: int) -> ChangeForm:
        """Fill the hidden fields for a freshly rendered form."""
        self.version.data = version
        self.submission.data = str(uuid.uuid4())
        self.rendered_at.data = utcnow().isoformat()
        return self

    def validate_submission(self, field: Field) -> None:
        try:
            uuid.UUID(str(field.data))
        except ValueError:
            raise ValidationError(EXPIRED) from None

    @property
    def token(self) -> uuid.UUID:
        return uuid.UUID(str(self.submission.data))

    @property
    def rendered_since(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.rendered_at.data or "")
        except ValueError:
            return None
