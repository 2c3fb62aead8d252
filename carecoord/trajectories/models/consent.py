"""Consent per purpose (toestemming): given on a date by whom, and withdrawn."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.accounts.models import User
from carecoord.codes import ConsentGiver, ConsentPurpose
from carecoord.extensions import db
from carecoord.handovers.rules import ConsentState
from carecoord.providers.models import CareProvider
from carecoord.timeutil import utcnow


class Consent(db.Model):
    """Consent for one purpose (and, for sharing, one provider); withdrawal blocks new sharing."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectories.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("care_providers.id"))
    given_on: Mapped[date] = mapped_column(Date)
    given_by: Mapped[str] = mapped_column(String(20))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    provider: Mapped[CareProvider | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("public_id", uuid.uuid4())
        super().__init__(**kwargs)

    @property
    def purpose_code(self) -> ConsentPurpose:
        return ConsentPurpose(self.purpose)

    @property
    def giver_code(self) -> ConsentGiver:
        return ConsentGiver(self.given_by)

    @property
    def state(self) -> ConsentState:
        return ConsentState(given_on=self.given_on, withdrawn_on=self.withdrawn_on)
