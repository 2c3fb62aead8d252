"""The table rows of bulk demo histories, with every sensitive value encrypted as the models'
`encrypted` attributes encrypt it: the same keyring, plaintext encoding and associated data."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from typing import Any

from carecoord.clients.models import Client
from carecoord.demo.people import ClientSpec
from carecoord.demo.plans import History, QuestionPlan
from carecoord.demo.writer import TableWriter
from carecoord.handovers.models import (
    STATUS_DATE_COLUMN,
    Handover,
    HandoverStatusChange,
    HelpQuestion,
)
from carecoord.security.crypto import Keyring, associated_data
from carecoord.security.encrypted import _encode, encrypted
from carecoord.trajectories.models import (
    ClientInformed,
    Consent,
    NeedsAssessment,
    Step,
    Trajectory,
    TrajectoryExploitation,
)

CLIENT_SECRETS = ("name", "date_of_birth", "nationality", "phone", "address")
# Every column, so each row has the same keys: a history leaves many of them NULL.
TRAJECTORY_COLUMNS = tuple(c.name for c in Trajectory.__table__.columns)
STEP_COLUMNS = (
    "public_id",
    "trajectory_id",
    "kind",
    "occurred_on",
    "author_id",
    "created_at",
    "text_ct",
    "participants_ct",
)
CONSENT_COLUMNS = (
    "public_id",
    "trajectory_id",
    "purpose",
    "provider_id",
    "given_on",
    "given_by",
    "withdrawn_on",
    "recorded_by_id",
    "recorded_at",
)
NEEDS_COLUMNS = (
    "public_id",
    "trajectory_id",
    "domain",
    "assessed",
    "has_need",
    "assessed_on",
    "updated_by_id",
    "updated_at",
    "note_ct",
)
INFORMED_COLUMNS = (
    "trajectory_id",
    "topic",
    "informed_on",
    "language",
    "interpreter_used",
    "recorded_by_id",
)
QUESTION_COLUMNS = (
    "id",
    "public_id",
    "trajectory_id",
    "domain",
    "created_on",
    "created_by_id",
    "created_at",
    "text_ct",
)
HANDOVER_COLUMNS = (
    "id",
    "public_id",
    "help_question_id",
    "provider_id",
    "status",
    *STATUS_DATE_COLUMN.values(),
    "version",
    "decline_reason_ct",
)
CHANGE_COLUMNS = ("handover_id", "status", "changed_on", "changed_by_id", "changed_at")


ENCODED_KEPT = 20_000  # encoded plaintexts kept: the notes recur, names hardly
ID_BLOCK = 4096


class Sealer:
    """Encrypts a value for one attribute of one row (its public id as 16 bytes), with a
    fresh nonce each time; a recurring plaintext is encoded once."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self.encoded: dict[Any, bytes] = {}

    def __call__(self, attribute: encrypted, table: str, public_id: bytes, value: Any) -> Any:
        if value is None or value == "":
            return None
        plain = self.encoded.get(value)
        if plain is None:
            if len(self.encoded) >= ENCODED_KEPT:
                self.encoded.clear()
            plain = self.encoded[value] = _encode(value, attribute.kind)
        return self.keyring.encrypt(plain, associated_data(table, attribute.name, public_id))


class PublicIds:
    """Random UUIDs (version 4, as uuid4 makes them) as 16 bytes, drawn from the OS in blocks:
    a million steps need a million ids."""

    def __init__(self) -> None:
        self.pool: list[bytes] = []

    def __call__(self) -> bytes:
        if not self.pool:
            raw = bytearray(os.urandom(16 * ID_BLOCK))
            raw[6::16] = bytes(b & 0x0F | 0x40 for b in raw[6::16])  # version 4
            raw[8::16] = bytes(b & 0x3F | 0x80 for b in raw[8::16])  # RFC 4122 variant
            self.pool = [bytes(raw[i : i + 16]) for i in range(0, len(raw), 16)]
        return self.pool.pop()


class TrajectoryRows:
    """The rows of one chunk, per table, written in the order the foreign keys need. Parent
    rows (clients, trajectories) hold Python values for SQLAlchemy; the others hold values as
    stored, for the writer's fast path."""

    def __init__(self, seal: Sealer, new_id: PublicIds, writer: TableWriter) -> None:
        self.seal = seal
        self.new_id = new_id
        self.writer = writer
        self.day = writer.date
        self.times: dict[date, Any] = {}
        self.clients: list[dict[str, Any]] = []
        self.trajectories: list[dict[str, Any]] = []
        self.tables: dict[Any, list[tuple[Any, ...]]] = {}
        self.questions: list[tuple[int, int, QuestionPlan]] = []

    def _rows(self, model: type) -> list[tuple[Any, ...]]:
        return self.tables.setdefault(model, [])

    def at(self, on: date) -> Any:
        """The stored time a row dated `on` was recorded (nine in the morning, UTC)."""
        if on not in self.times:
            self.times[on] = self.writer.timestamp(recorded_at(on))
        return self.times[on]

    def client(self, row: dict[str, Any], spec: ClientSpec) -> None:
        public_id = row["public_id"].bytes
        for name in CLIENT_SECRETS:
            secret = getattr(spec, name)
            row[f"{name}_ct"] = self.seal(getattr(Client, name), "clients", public_id, secret)
        self.clients.append(row)

    def trajectory(
        self, row: dict[str, Any], forms: list[str], history: History, author_id: int
    ) -> None:
        trajectory_id, seal, new_id, day, at = row["id"], self.seal, self.new_id, self.day, self.at
        self.trajectories.append({c: row.get(c) for c in TRAJECTORY_COLUMNS})
        self._rows(TrajectoryExploitation).extend((trajectory_id, form) for form in forms)
        steps = self._rows(Step)
        for event in history.events:
            public_id = new_id()
            steps.append(
                (
                    public_id.hex(),
                    trajectory_id,
                    event.kind.value,
                    day(event.on),
                    author_id,
                    at(event.on),
                    seal(Step.text, "steps", public_id, event.text),
                    seal(Step.participants, "steps", public_id, event.participants),
                )
            )
        self._rows(Consent).extend(
            (
                new_id().hex(),
                trajectory_id,
                c.purpose.value,
                c.provider_id,
                day(c.given_on),
                c.given_by.value,
                day(c.withdrawn_on),
                author_id,
                at(c.given_on),
            )
            for c in history.consents
        )
        needs = self._rows(NeedsAssessment)
        for domain, need, on, note in history.needs:
            public_id = new_id()
            note_ct = seal(NeedsAssessment.note, "needs_assessments", public_id, note)
            needs.append(
                (
                    public_id.hex(),
                    trajectory_id,
                    domain.value,
                    True,
                    need,
                    day(on),
                    author_id,
                    at(on),
                    note_ct,
                )
            )
        self._rows(ClientInformed).extend(
            (trajectory_id, topic.value, day(on), language, interpreter, author_id)
            for topic, on, language, interpreter in history.informed
        )
        self.questions.extend((trajectory_id, author_id, q) for q in history.questions)

    def write(self) -> None:
        """Insert everything, parents first; help questions and handovers get their ids now."""
        writer = self.writer
        self._questions()
        writer.write_seen(Client.__table__, self.clients)
        writer.write_seen(Trajectory.__table__, self.trajectories)
        for model, columns in (
            (TrajectoryExploitation, ("trajectory_id", "form")),
            (Step, STEP_COLUMNS),
            (Consent, CONSENT_COLUMNS),
            (NeedsAssessment, NEEDS_COLUMNS),
            (ClientInformed, INFORMED_COLUMNS),
            (HelpQuestion, QUESTION_COLUMNS),
            (Handover, HANDOVER_COLUMNS),
            (HandoverStatusChange, CHANGE_COLUMNS),
        ):
            writer.write(model.__table__, columns, self.tables.get(model, []))

    def _questions(self) -> None:
        writer, day, at = self.writer, self.day, self.at
        question_ids = iter(writer.reserve_ids(HelpQuestion.__table__, len(self.questions)))
        handover_count = sum(len(q.handovers) for _, _, q in self.questions)
        handover_ids = iter(writer.reserve_ids(Handover.__table__, handover_count))
        questions, handovers = self._rows(HelpQuestion), self._rows(Handover)
        changes = self._rows(HandoverStatusChange)
        for trajectory_id, author_id, question in self.questions:
            question_id, public_id = next(question_ids), self.new_id()
            text_ct = self.seal(HelpQuestion.text, "help_questions", public_id, question.text)
            created = question.created_on
            questions.append(
                (
                    question_id,
                    public_id.hex(),
                    trajectory_id,
                    question.domain.value,
                    day(created),
                    author_id,
                    at(created),
                    text_ct,
                )
            )
            for handover in question.handovers:
                handover_id, public_id = next(handover_ids), self.new_id()
                reason = self.seal(
                    Handover.decline_reason, "handovers", public_id, handover.decline_reason
                )
                dates = [day(handover.on(status)) for status in STATUS_DATE_COLUMN]
                handovers.append(
                    (
                        handover_id,
                        public_id.hex(),
                        question_id,
                        handover.provider.id,
                        handover.status.value,
                        *dates,
                        len(handover.statuses),
                        reason,
                    )
                )
                changes.extend(
                    (handover_id, status.value, day(on), author_id, at(on))
                    for status, on in handover.statuses
                )


def recorded_at(on: date) -> datetime:
    """When a row dated `on` was recorded: nine in the morning (UTC) of that day."""
    return datetime.combine(on, time(9, 0), tzinfo=UTC)
