"""Help questions, their handovers to care providers, and each status change."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.accounts.models import User
from carecoord.codes import HandoverStatus, LifeDomain
from carecoord.extensions import db
from carecoord.handovers.rules import is_open, next_statuses
from carecoord.providers.models import CareProvider
from carecoord.security.encrypted import encrypted
from carecoord.timeutil import utcnow
from carecoord.trajectories.models import Trajectory

HELP_QUESTION_TEXT_MAX = 2000
DECLINE_REASON_MAX = 2000
# The date column each status sets, so time to acceptance can be counted without decrypting.
STATUS_DATE_COLUMN = {
    HandoverStatus.PROPOSED: "proposed_on",
    HandoverStatus.SENT: "sent_on",
    HandoverStatus.ACCEPTED: "accepted_on",
    HandoverStatus.DECLINED: "declined_on",
    HandoverStatus.STARTED: "started_on",
    HandoverStatus.COMPLETED: "completed_on",
    HandoverStatus.WITHDRAWN: "withdrawn_on",
}


class HelpQuestion(db.Model):
    """A need in one life domain, e.g. shelter, or legal aid for a residence permit."""

    __tablename__ = "help_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectories.id"), index=True)
    domain: Mapped[str] = mapped_column(String(32))
    created_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    _text: Mapped[bytes | None] = mapped_column("text_ct", LargeBinary)

    text = encrypted("_text")

    trajectory: Mapped[Trajectory] = relationship(back_populates="help_questions")
    handovers: Mapped[list[Handover]] = relationship(
        back_populates="help_question", order_by="Handover.id", cascade="all, delete-orphan"
    )

    def __init__(self, **kwargs: object) -> None:
        self.public_id = kwargs.pop("public_id", None) or uuid.uuid4()
        super().__init__(**kwargs)

    @property
    def domain_code(self) -> LifeDomain:
        return LifeDomain(self.domain)

    @property
    def open_handover(self) -> Handover | None:
        return next((h for h in self.handovers if h.is_open), None)

    @property
    def awaits_another_provider(self) -> bool:
        """The last handover was declined and none is open: look for another provider."""
        last = self.handovers[-1] if self.handovers else None
        return last is not None and last.status_code is HandoverStatus.DECLINED

    @property
    def audit_client_id(self) -> int:
        return self.trajectory.client_id


class Handover(db.Model):
    """One help question handed to one care provider."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    help_question_id: Mapped[int] = mapped_column(ForeignKey("help_questions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_providers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=HandoverStatus.PROPOSED.value)
    proposed_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    declined_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    _decline_reason: Mapped[bytes | None] = mapped_column("decline_reason_ct", LargeBinary)

    decline_reason = encrypted("_decline_reason")

    help_question: Mapped[HelpQuestion] = relationship(back_populates="handovers")
    provider: Mapped[CareProvider] = relationship()
    changes: Mapped[list[HandoverStatusChange]] = relationship(
        order_by="HandoverStatusChange.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __init__(self, **kwargs: object) -> None:
        self.public_id = kwargs.pop("public_id", None) or uuid.uuid4()
        kwargs.setdefault("status", HandoverStatus.PROPOSED.value)
        super().__init__(**kwargs)

    @property
    def status_code(self) -> HandoverStatus:
        return HandoverStatus(self.status)

    @property
    def is_open(self) -> bool:
        return is_open(self.status_code)

    @property
    def latest_on(self) -> date | None:
        """The latest status date: the next status cannot be dated before it."""
        dates = [getattr(self, column) for column in STATUS_DATE_COLUMN.values()]
        return max((d for d in dates if d is not None), default=None)

    @property
    def next_statuses(self) -> list[HandoverStatus]:
        return next_statuses(self.status_code)

    @property
    def days_to_acceptance(self) -> int | None:
        if self.sent_on is None or self.accepted_on is None:
            return None
        return (self.accepted_on - self.sent_on).days

    @property
    def audit_client_id(self) -> int:
        return self.help_question.trajectory.client_id


class HandoverStatusChange(db.Model):
    """Who moved a handover to which status, and on which date."""

    __tablename__ = "handover_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[date] = mapped_column(Date)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    changed_by: Mapped[User | None] = relationship()
