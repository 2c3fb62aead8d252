"""The export batch: one CoMensha export of one region for one period (SECURITY.md)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.accounts.models import Region, User
from carecoord.extensions import db
from carecoord.timeutil import utcnow

PERIOD_MAX = 7  # "2026-Q3"
FILE_NAME_MAX = 120
SHA256_HEX_LEN = 64


class ExportBatch(db.Model):
    """The files of one region and period, with who made them, when, and their SHA-256.

    One batch per region and period: a re-run over unchanged data changes nothing, a re-run
    over changed data replaces the batch only when asked to (and is audited).
    """

    __tablename__ = "export_batches"
    __table_args__ = (UniqueConstraint("region_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    # The unique (region_id, period) index also serves lookups by region.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    period: Mapped[str] = mapped_column(String(PERIOD_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # None when the command line made the batch.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    row_count: Mapped[int] = mapped_column(Integer)
    # Trajectories active in the period without consent for CoMensha registration.
    left_out_count: Mapped[int] = mapped_column(Integer)
    csv_name: Mapped[str] = mapped_column(String(FILE_NAME_MAX))
    csv_sha256: Mapped[str] = mapped_column(String(SHA256_HEX_LEN))
    json_name: Mapped[str] = mapped_column(String(FILE_NAME_MAX))
    json_sha256: Mapped[str] = mapped_column(String(SHA256_HEX_LEN))

    region: Mapped[Region] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("public_id", uuid.uuid4())
        super().__init__(**kwargs)
