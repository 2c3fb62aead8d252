"""A care provider in a region's care network."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.accounts.models import Region
from carecoord.extensions import db
from carecoord.providers.rules import web_address
from carecoord.timeutil import utcnow

PROVIDER_NAME_MAX = 200
PHONE_MAX = 40
EMAIL_MAX = 254
ADDRESS_MAX = 300
WEBSITE_MAX = 300
CONTACT_PERSON_MAX = 100


class CareProvider(db.Model):
    """An organisation, not a person: its contact details are not special-category data."""

    __tablename__ = "care_providers"
    __table_args__ = (UniqueConstraint("region_id", "name", name="uq_care_providers_region_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(PROVIDER_NAME_MAX))
    provider_type: Mapped[str] = mapped_column(String(32))
    contact_person: Mapped[str | None] = mapped_column(String(CONTACT_PERSON_MAX))
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    address: Mapped[str | None] = mapped_column(String(ADDRESS_MAX))
    website: Mapped[str | None] = mapped_column(String(WEBSITE_MAX))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    region: Mapped[Region] = relationship()

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("public_id", uuid.uuid4())
        kwargs.setdefault("active", True)
        super().__init__(**kwargs)

    def __str__(self) -> str:
        return self.name

    @property
    def website_link(self) -> str | None:
        """The website as a link target: only an http(s) address is ever made clickable."""
        return web_address(self.website)
