"""Regions, municipalities and users."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.codes import Role
from carecoord.extensions import db
from carecoord.security.encrypted import encrypted
from carecoord.timeutil import utcnow

REGION_NAME_MAX = 100
REGION_CODE_MAX = 4
MUNICIPALITY_NAME_MAX = 100
CBS_CODE_MAX = 6
EMAIL_MAX = 254
USER_NAME_MAX = 100
RECOVERY_CODE_HASH_LENGTH = 64  # hex of HMAC-SHA256


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(REGION_NAME_MAX), unique=True)
    # Short code in case numbers, e.g. "GV" in GV-2026-0001.
    code: Mapped[str] = mapped_column(String(REGION_CODE_MAX), unique=True)
    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="region", order_by="Municipality.name"
    )

    def __str__(self) -> str:
        return self.name


class Municipality(db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MUNICIPALITY_NAME_MAX))
    # CBS municipality code, e.g. "GM0402" (Hilversum); used in exports.
    cbs_code: Mapped[str] = mapped_column(String(CBS_CODE_MAX), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    region: Mapped[Region] = relationship(back_populates="municipalities")

    def __str__(self) -> str:
        return self.name


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(USER_NAME_MAX))
    role: Mapped[str] = mapped_column(String(20))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped by sign-out, password change, 2FA reset, role/region change and deactivation,
    # so that every cookie issued before is refused.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Two-factor sign-in (twofactor.py): the TOTP secret is encrypted like client data; the
    # last accepted 30-second step refuses a code used again (replay).
    _totp_secret: Mapped[bytes | None] = mapped_column("totp_secret_ct", LargeBinary)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_counter: Mapped[int | None] = mapped_column(BigInteger)
    region: Mapped[Region] = relationship()

    totp_secret = encrypted("_totp_secret")

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("public_id", uuid.uuid4())
        kwargs.setdefault("session_version", 1)
        kwargs.setdefault("active", True)
        super().__init__(**kwargs)

    @property
    def role_code(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        """Session identity: public id and session version, so a bump revokes old cookies."""
        return f"{self.public_id}.{self.session_version}"

    def __str__(self) -> str:
        return self.name


class RecoveryCode(db.Model):
    """A one-time code to sign in without the authenticator; only its keyed hash is stored
    (carecoord.accounts.twofactor explains the choice of hash)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(RECOVERY_CODE_HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
