"""Trajectories, their forms of exploitation and the steps on their timeline."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.accounts.models import Region, User
from carecoord.clients.models import Client
from carecoord.codes import ExploitationForm, Phase, StepKind
from carecoord.extensions import db
from carecoord.security.encrypted import encrypted
from carecoord.timeutil import utcnow

CASE_NUMBER_MAX = 20
STEP_TEXT_MAX = 4000


class Trajectory(db.Model):
    """One period of care coordination for one client, from notification to closure."""

    __tablename__ = "trajectories"
    __table_args__ = (
        # A client never has two open trajectories (a client belongs to one region).
        Index(
            "uq_trajectories_one_open_per_client",
            "client_id",
            unique=True,
            sqlite_where=text("phase != 'closed'"),
            postgresql_where=text("phase != 'closed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(CASE_NUMBER_MAX), unique=True)
    phase: Mapped[str] = mapped_column(String(20), default=Phase.INTAKE.value)
    notified_on: Mapped[date] = mapped_column(Date)
    referrer_type: Mapped[str] = mapped_column(String(32))
    age_band: Mapped[str] = mapped_column(String(10))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Optimistic locking: a save from a stale form is refused, never silently lost.
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    client: Mapped[Client] = relationship(back_populates="trajectories")
    region: Mapped[Region] = relationship()
    responsible: Mapped[User | None] = relationship()
    exploitation: Mapped[list[TrajectoryExploitation]] = relationship(
        cascade="all, delete-orphan", order_by="TrajectoryExploitation.form"
    )
    steps: Mapped[list[Step]] = relationship(
        back_populates="trajectory",
        order_by="(Step.occurred_on.desc(), Step.id.desc())",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("public_id", uuid.uuid4())
        kwargs.setdefault("phase", Phase.INTAKE.value)
        super().__init__(**kwargs)

    @property
    def forms_of_exploitation(self) -> list[ExploitationForm]:
        return [ExploitationForm(item.form) for item in self.exploitation]

    @property
    def is_open(self) -> bool:
        return self.phase != Phase.CLOSED

    @property
    def audit_client_id(self) -> int:
        return self.client_id

    def add_step(
        self, kind: StepKind, *, author: User | None, on: date, text: str | None = None
    ) -> Step:
        step = Step(kind=kind.value, author=author, occurred_on=on)
        step.text = text
        self.steps.append(step)  # through the collection, so the session cascade adds it
        return step


class TrajectoryExploitation(db.Model):
    """A form of exploitation carried by a trajectory; a trajectory can carry several."""

    __tablename__ = "trajectory_exploitation_forms"

    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectories.id"), primary_key=True)
    form: Mapped[str] = mapped_column(String(20), primary_key=True)


class Step(db.Model):
    """An action on the timeline; its free text is sensitive and encrypted."""

    __tablename__ = "steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectories.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    occurred_on: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    _text: Mapped[bytes | None] = mapped_column("text_ct", LargeBinary)

    text = encrypted("_text")

    trajectory: Mapped[Trajectory] = relationship(back_populates="steps")
    author: Mapped[User | None] = relationship()

    def __init__(self, **kwargs: object) -> None:
        self.public_id = kwargs.pop("public_id", None) or uuid.uuid4()
        super().__init__(**kwargs)

    @property
    def kind_code(self) -> StepKind:
        return StepKind(self.kind)

    @property
    def audit_client_id(self) -> int:
        return self.trajectory.client_id
