"""The trajectory, its forms of exploitation and the steps on its timeline."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
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
from carecoord.codes import (
    ClosureReason,
    CriminalCase,
    ExploitationForm,
    Phase,
    PoliceReport,
    ResidencePermit,
    StepKind,
)
from carecoord.extensions import db
from carecoord.security.encrypted import encrypted
from carecoord.timeutil import utcnow
from carecoord.trajectories.rules import (
    DEFAULT_MONITORING_INTERVAL_DAYS,
    ClosureFacts,
    criminal_track_over,
    reflection_period_end,
)

CASE_NUMBER_MAX = 20
STEP_TEXT_MAX = 4000
PARTICIPANTS_MAX = 1000


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
    # The phase a closure left, so reopening returns there.
    left_from_phase: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    intake_completed_on: Mapped[date | None] = mapped_column(Date)
    # Assistance may start before the intake is complete (seed 002): the first handover sets it.
    assistance_started_on: Mapped[date | None] = mapped_column(Date)
    monitoring_interval_days: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_MONITORING_INTERVAL_DAYS
    )
    next_review_on: Mapped[date | None] = mapped_column(Date)
    # The three knowledge conditions of a regular closure, each confirmed on a date.
    knows_residence_steps_on: Mapped[date | None] = mapped_column(Date)
    knows_rights_to_services_on: Mapped[date | None] = mapped_column(Date)
    knows_where_to_get_help_on: Mapped[date | None] = mapped_column(Date)
    # The legal track: current status and the date it was recorded; history is in the steps.
    reflection_started_on: Mapped[date | None] = mapped_column(Date)
    police_report: Mapped[str | None] = mapped_column(String(20))
    police_report_on: Mapped[date | None] = mapped_column(Date)
    residence_permit: Mapped[str | None] = mapped_column(String(20))
    residence_permit_on: Mapped[date | None] = mapped_column(Date)
    criminal_case: Mapped[str | None] = mapped_column(String(20))
    criminal_case_on: Mapped[date | None] = mapped_column(Date)
    appeal_pending: Mapped[bool] = mapped_column(Boolean, default=False)
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

    needs: Mapped[list[NeedsAssessment]] = relationship(  # noqa: F821
        "NeedsAssessment", order_by="NeedsAssessment.id", cascade="all, delete-orphan"
    )
    informed: Mapped[list[ClientInformed]] = relationship(  # noqa: F821
        "ClientInformed", order_by="ClientInformed.topic", cascade="all, delete-orphan"
    )
    consents: Mapped[list[Consent]] = relationship(  # noqa: F821
        "Consent", order_by="Consent.id", cascade="all, delete-orphan"
    )
    # Declared by name: handovers come later in the import order (ARCHITECTURE.md).
    help_questions: Mapped[list[HelpQuestion]] = relationship(  # noqa: F821
        "HelpQuestion",
        back_populates="trajectory",
        order_by="HelpQuestion.id",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("public_id", uuid.uuid4())
        kwargs.setdefault("phase", Phase.INTAKE.value)
        kwargs.setdefault("monitoring_interval_days", DEFAULT_MONITORING_INTERVAL_DAYS)
        kwargs.setdefault("appeal_pending", False)
        super().__init__(**kwargs)

    @property
    def phase_code(self) -> Phase:
        return Phase(self.phase)

    @property
    def in_assistance(self) -> bool:
        """Assistance has started, possibly alongside a running intake."""
        return self.phase == Phase.ASSISTANCE or self.assistance_started_on is not None

    @property
    def closure_reason_code(self) -> ClosureReason | None:
        return ClosureReason(self.closure_reason) if self.closure_reason else None

    @property
    def criminal_case_code(self) -> CriminalCase | None:
        return CriminalCase(self.criminal_case) if self.criminal_case else None

    @property
    def police_report_code(self) -> PoliceReport | None:
        return PoliceReport(self.police_report) if self.police_report else None

    @property
    def residence_permit_code(self) -> ResidencePermit | None:
        return ResidencePermit(self.residence_permit) if self.residence_permit else None

    @property
    def reflection_period_ends_on(self) -> date | None:
        if self.reflection_started_on is None:
            return None
        return reflection_period_end(self.reflection_started_on)

    def touch(self) -> None:
        """Mark the trajectory changed, so its version moves and stale forms are refused."""
        self.updated_at = utcnow()

    def closure_facts(self) -> ClosureFacts:
        return ClosureFacts(
            criminal_case_open=not criminal_track_over(
                self.criminal_case_code, appeal_pending=bool(self.appeal_pending)
            ),
            knows_residence_steps=self.knows_residence_steps_on is not None,
            knows_rights_to_services=self.knows_rights_to_services_on is not None,
            knows_where_to_get_help=self.knows_where_to_get_help_on is not None,
        )

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
        self,
        kind: StepKind,
        *,
        author: User | None,
        on: date,
        text: str | None = None,
        participants: str | None = None,
    ) -> Step:
        step = Step(kind=kind.value, author=author, occurred_on=on)
        step.text = text
        step.participants = participants
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
    # Care meetings only: the participating organisations.
    _participants: Mapped[bytes | None] = mapped_column("participants_ct", LargeBinary)

    text = encrypted("_text")
    participants = encrypted("_participants")

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
