"""The client: identity encrypted at rest, coded facts plain for counting."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import DateTime, ForeignKey, Index, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.accounts.models import Municipality, Region, User
from carecoord.extensions import db
from carecoord.security.encrypted import encrypted
from carecoord.timeutil import utcnow

# Length limits of the plaintext, shared by forms and operations.
NAME_MAX = 200
NATIONALITY_LEN = 2
PHONE_MAX = 40
EMAIL_MAX = 254
ADDRESS_MAX = 300
BSN_LEN = 9
V_NUMBER_LEN = 10
DOCUMENT_NUMBER_MAX = 40


class Client(db.Model):
    __tablename__ = "clients"
    __table_args__ = (Index("ix_clients_region_id_blind_index", "region_id", "blind_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    gender: Mapped[str] = mapped_column(String(20))
    nationality_group: Mapped[str] = mapped_column(String(10))
    # HMAC of region + normalised name + date of birth: equality only, per region.
    blind_index: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The registration form's one-time token: the same form submitted twice creates one client.
    registration_token: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    # Set when the retention purge removed the identity and free text (carecoord.retention).
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    _name: Mapped[bytes | None] = mapped_column("name_ct", LargeBinary)
    _date_of_birth: Mapped[bytes | None] = mapped_column("date_of_birth_ct", LargeBinary)
    _nationality: Mapped[bytes | None] = mapped_column("nationality_ct", LargeBinary)
    _phone: Mapped[bytes | None] = mapped_column("phone_ct", LargeBinary)
    _email: Mapped[bytes | None] = mapped_column("email_ct", LargeBinary)
    _address: Mapped[bytes | None] = mapped_column("address_ct", LargeBinary)
    _bsn: Mapped[bytes | None] = mapped_column("bsn_ct", LargeBinary)
    _v_number: Mapped[bytes | None] = mapped_column("v_number_ct", LargeBinary)
    _document_number: Mapped[bytes | None] = mapped_column("document_number_ct", LargeBinary)

    name = encrypted("_name")
    date_of_birth = encrypted("_date_of_birth", kind=date)
    nationality = encrypted("_nationality")  # ISO 3166-1 alpha-2
    phone = encrypted("_phone")
    email = encrypted("_email")
    address = encrypted("_address")
    bsn = encrypted("_bsn")
    v_number = encrypted("_v_number")
    document_number = encrypted("_document_number")

    region: Mapped[Region] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    trajectories: Mapped[list[Trajectory]] = relationship(  # noqa: F821
        "Trajectory", back_populates="client", order_by="Trajectory.notified_on.desc()"
    )

    def __init__(self, **kwargs: object) -> None:
        # The public id must exist before any encrypted attribute is set: it is in the AAD.
        self.public_id = kwargs.pop("public_id", None) or uuid.uuid4()
        super().__init__(**kwargs)

    @property
    def latest_trajectory(self) -> Trajectory | None:  # noqa: F821
        """The trajectory with the latest notification (the relationship is ordered so)."""
        return self.trajectories[0] if self.trajectories else None

    @property
    def audit_client_id(self) -> int:
        return self.id
