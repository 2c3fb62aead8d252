"""Form submissions already handled, so a form sent twice changes the file once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from carecoord.extensions import db
from carecoord.timeutil import utcnow


class FormSubmission(db.Model):
    """The one-time token a form was rendered with; a second arrival is a double submit."""

    __tablename__ = "form_submissions"

    token: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    trajectory_id: Mapped[int | None] = mapped_column(ForeignKey("trajectories.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
