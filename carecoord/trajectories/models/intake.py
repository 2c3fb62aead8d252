"""The intake inventory: needs per life domain, and what the client was informed about."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.accounts.models import User
from carecoord.codes import InformationTopic, LifeDomain
from carecoord.extensions import db
from carecoord.security.encrypted import encrypted
from carecoord.timeutil import utcnow

NEEDS_NOTE_MAX = 2000
LANGUAGE_MAX = 40


class NeedsAssessment(db.Model):
    """One life domain of the intake: assessed or not, a need or not, and a note."""

    __tablename__ = "needs_assessments"
    __table_args__ = (UniqueConstraint("trajectory_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectories.id"), index=True)
    domain: Mapped[str] = mapped_column(String(32))
    assessed: Mapped[bool] = mapped_column(Boolean, default=False)
    has_need: Mapped[bool] = mapped_column(Boolean, default=False)
    assessed_on: Mapped[date | None] = mapped_column(Date)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    _note: Mapped[bytes | None] = mapped_column("note_ct", LargeBinary)

    note = encrypted("_note")
    updated_by: Mapped[User | None] = relationship()

    def __init__(self, **kwargs: object) -> None:
        self.public_id = kwargs.pop("public_id", None) or uuid.uuid4()
        super().__init__(**kwargs)

    @property
    def domain_code(self) -> LifeDomain:
        return LifeDomain(self.domain)


class ClientInformed(db.Model):
    """The client was informed about one topic: residence law, criminal law or care."""

    __tablename__ = "client_informed"
    __table_args__ = (UniqueConstraint("trajectory_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectories.id"), index=True)
    topic: Mapped[str] = mapped_column(String(20))
    informed_on: Mapped[date] = mapped_column(Date)
    # The language of the conversation, e.g. "Roemeens"; not identifying on its own.
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_MAX))
    interpreter_used: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def topic_code(self) -> InformationTopic:
        return InformationTopic(self.topic)
