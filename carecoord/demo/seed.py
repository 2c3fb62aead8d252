"""Writing demo data: an idempotent base set and bulk trajectories for benchmarks; never commits."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, inspect, select

from carecoord.accounts.models import Municipality, Region, User
from carecoord.accounts.operations import create_user
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.clients.models import Client
from carecoord.clients.rules import age_band, age_on, nationality_group
from carecoord.codes import ConsentGiver, ConsentPurpose, Phase, Role, StepKind
from carecoord.demo import data
from carecoord.demo.people import ClientSpec, PeopleGenerator
from carecoord.extensions import db
from carecoord.providers.models import CareProvider
from carecoord.security.keys import app_keys
from carecoord.security.pseudonyms import blind_index
from carecoord.trajectories.models import Consent, Step, Trajectory, TrajectoryExploitation
from carecoord.trajectories.operations import next_case_number
from carecoord.trajectories.rules import DEFAULT_MONITORING_INTERVAL_DAYS, next_review_on

BASE_SEED = 2026
BASE_CLIENTS = 40
BULK_SEED = 7919
CHUNK_SIZE = 500
# Base clients get fixed public ids, so a second run can tell which of them already exist.
CONSENT_NOTE = "Toestemming voor registratie bij CoMensha vastgelegd."
DEMO_NAMESPACE = uuid.UUID("6f1c2a52-5d0e-4a8e-9f43-2b7c1d9e0a11")


class DemoRefused(RuntimeError):
    """Demo data is refused here; the message says why."""


@dataclass
class SeedCounts:
    regions: int = 0
    municipalities: int = 0
    providers: int = 0
    users: int = 0
    clients: int = 0

    @property
    def total(self) -> int:
        return self.regions + self.municipalities + self.providers + self.users + self.clients


@dataclass(frozen=True)
class _Places:
    """Ids the builders need: region and municipality ids, each region's coordinator."""

    regions: dict[str, Region]
    municipality_ids: dict[str, int]
    coordinator_ids: dict[str, int]


def refuse_in_production() -> None:
    """Invented people must never sit beside real client files."""
    if "production" in (current_app.config.get("ENV_NAME"), os.environ.get("CARECOORD_ENV")):
        raise DemoRefused(
            "demo data is refused in production (CARECOORD_ENV=production): "
            "invented clients must never sit beside real client files"
        )


def seed_base(today: date) -> SeedCounts:
    """Regions, municipalities, providers, accounts and the base clients; adds only what is
    missing, so a second run adds nothing."""
    refuse_in_production()
    counts = SeedCounts()
    regions = _seed_regions(counts)
    _seed_providers(regions, counts)
    _seed_accounts(regions, counts)
    _seed_clients(_places(regions), today, counts)
    if counts.clients:
        record(None, Action.CREATE, object_type="clients", detail="demo_seed")
    db.session.flush()
    return counts


def add_bulk(count: int, today: date, chunk_size: int = CHUNK_SIZE) -> Iterator[int]:
    """Add `count` clients with a trajectory each, in chunks of bulk inserts; yields the
    number done after each chunk so the caller can commit and report."""
    refuse_in_production()
    places = _places({r.name: r for r in db.session.scalars(select(Region))})
    existing = db.session.scalar(select(func.count()).select_from(Trajectory)) or 0
    people = PeopleGenerator(BULK_SEED + existing, today)
    dates = people.notification_dates(count)
    sequences: dict[str, int] = {}
    record(None, Action.CREATE, object_type="clients", detail="demo_bulk")
    for start in range(0, count, chunk_size):
        specs = [people.client(on) for on in dates[start : start + chunk_size]]
        pairs = [_build(spec, places, uuid.uuid4()) for spec in specs]
        for spec, (_, trajectory) in zip(specs, pairs, strict=True):
            trajectory.case_number = _next_in_memory(sequences, places, spec)
        _insert_chunk(pairs)
        yield start + len(specs)


def _seed_regions(counts: SeedCounts) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    known = set(db.session.scalars(select(Municipality.cbs_code)))
    for name, (code, municipalities) in data.REGIONS.items():
        region = db.session.scalar(select(Region).where(Region.name == name))
        if region is None:
            region = Region(name=name, code=code)
            db.session.add(region)
            counts.regions += 1
        for town, cbs in municipalities:
            if cbs not in known:
                region.municipalities.append(Municipality(name=town, cbs_code=cbs, active=True))
                counts.municipalities += 1
        regions[name] = region
    db.session.flush()
    return regions


def _seed_providers(regions: dict[str, Region], counts: SeedCounts) -> None:
    rows = db.session.execute(select(CareProvider.region_id, CareProvider.name))
    known = {(region_id, name) for region_id, name in rows}
    for number, provider in enumerate(data.PROVIDERS, start=1):
        region = regions[provider.region]
        if (region.id, provider.name) in known:
            continue
        db.session.add(
            CareProvider(
                region=region,
                name=provider.name,
                provider_type=provider.provider_type.value,
                contact_person="Demo Contactpersoon",
                # Subscriber numbers never start with 0: no one can have these numbers.
                phone=f"0{20 + number} 000 {number:04d}",
                email=provider.email,
                address=f"Demostraat {number}, {provider.town}",
                website=provider.website,
            )
        )
        counts.providers += 1
    db.session.flush()


def _seed_accounts(regions: dict[str, Region], counts: SeedCounts) -> None:
    known = set(db.session.scalars(select(User.email)))
    for account in data.ACCOUNTS:
        if account.email in known:
            continue
        create_user(
            email=account.email,
            name=account.name,
            role=account.role,
            region=regions[account.region],
            password=account.password,
            actor=None,
        )
        counts.users += 1


def _places(regions: dict[str, Region]) -> _Places:
    rows = db.session.execute(select(Municipality.cbs_code, Municipality.id))
    municipalities = {cbs: municipality_id for cbs, municipality_id in rows}
    coordinators = {}
    for name, region in regions.items():
        coordinators[name] = db.session.scalar(
            select(User.id)
            .where(User.region_id == region.id, User.role == Role.COORDINATOR.value)
            .order_by(User.id)
            .limit(1)
        )
    return _Places(regions, municipalities, coordinators)


def _seed_clients(places: _Places, today: date, counts: SeedCounts) -> None:
    people = PeopleGenerator(BASE_SEED, today)
    ids = [uuid.uuid5(DEMO_NAMESPACE, f"client-{n}") for n in range(BASE_CLIENTS)]
    known = set(db.session.scalars(select(Client.public_id).where(Client.public_id.in_(ids))))
    # Drawn in full every time, so each client is the same person whatever already exists.
    specs = [people.client(on) for on in people.notification_dates(BASE_CLIENTS)]
    for public_id, spec in zip(ids, specs, strict=True):
        if public_id in known:
            continue
        client, trajectory = _build(spec, places, public_id)
        region = places.regions[spec.region]
        trajectory.case_number = next_case_number(region, spec.notified_on.year)
        trajectory.client = client
        db.session.add_all([client, trajectory])
        db.session.flush()
        counts.clients += 1


def _at(on: date) -> datetime:
    return datetime.combine(on, time(9, 0), tzinfo=UTC)


def _build(spec: ClientSpec, places: _Places, public_id: uuid.UUID) -> tuple[Client, Trajectory]:
    """A transient client and trajectory with steps, keyed by ids (not relationships), so the
    same objects serve an ORM add and a bulk insert."""
    region = places.regions[spec.region]
    coordinator_id = places.coordinator_ids[spec.region]
    last_step = max([on for on, _ in spec.notes] + [spec.assistance_on or spec.notified_on])
    client = Client(
        public_id=public_id,
        region_id=region.id,
        municipality_id=places.municipality_ids[spec.municipality_cbs],
        gender=spec.gender.value,
        nationality_group=nationality_group(spec.nationality).value,
        created_at=_at(spec.notified_on),
        created_by_id=coordinator_id,
    )
    client.name = spec.name
    client.date_of_birth = spec.date_of_birth
    client.nationality = spec.nationality
    client.phone = spec.phone
    client.address = spec.address
    client.blind_index = blind_index(
        app_keys().blind_index, region.id, spec.name, spec.date_of_birth
    )
    trajectory = Trajectory(
        region_id=region.id,
        phase=spec.phase.value,
        notified_on=spec.notified_on,
        referrer_type=spec.referrer.value,
        age_band=age_band(spec.date_of_birth, spec.notified_on).value,
        responsible_id=coordinator_id,
        assistance_started_on=spec.assistance_on,
        # In the demo, assistance starts when the intake is completed.
        intake_completed_on=spec.assistance_on if spec.phase is Phase.ASSISTANCE else None,
        next_review_on=next_review_on(last_step, DEFAULT_MONITORING_INTERVAL_DAYS),
        created_at=_at(spec.notified_on),
        updated_at=_at(last_step),
    )
    trajectory.exploitation.extend(TrajectoryExploitation(form=f.value) for f in spec.forms)
    steps = [(StepKind.NOTIFICATION, spec.notified_on, spec.notification_note)]
    # Nine in ten agree to registration with CoMensha, so a demo export has rows and left-outs.
    if public_id.int % 10:
        minor = spec.date_of_birth is not None and age_on(spec.date_of_birth, spec.notified_on) < 16
        giver = ConsentGiver.PARENT_OR_GUARDIAN if minor else ConsentGiver.CLIENT
        trajectory.consents.append(
            Consent(
                purpose=ConsentPurpose.COMENSHA_REGISTRATION.value,
                given_on=spec.notified_on,
                given_by=giver.value,
                recorded_by_id=coordinator_id,
                recorded_at=_at(spec.notified_on),
            )
        )
        steps.append((StepKind.CONSENT_RECORDED, spec.notified_on, CONSENT_NOTE))
    if spec.phase is Phase.ASSISTANCE and spec.assistance_on is not None:
        steps.append((StepKind.PHASE_CHANGE, spec.assistance_on, None))
    steps.extend((StepKind.CONTACT_MOMENT, on, text) for on, text in spec.notes)
    for kind, on, text in steps:
        # Not add_step: its `author=` relationship would overwrite author_id with None on flush.
        step = Step(kind=kind.value, occurred_on=on, author_id=coordinator_id, created_at=_at(on))
        step.text = text
        trajectory.steps.append(step)
    return client, trajectory


def _next_in_memory(sequences: dict[str, int], places: _Places, spec: ClientSpec) -> str:
    """Like next_case_number, counted in memory for a bulk run; reads the database once per
    prefix, ordering by length so sequence 10000 sorts after 9999."""
    prefix = f"{places.regions[spec.region].code}-{spec.notified_on.year}-"
    if prefix not in sequences:
        last = db.session.scalar(
            select(Trajectory.case_number)
            .where(Trajectory.case_number.like(prefix + "%"))
            .order_by(func.length(Trajectory.case_number).desc(), Trajectory.case_number.desc())
            .limit(1)
        )
        sequences[prefix] = int(last.rsplit("-", 1)[1]) if last else 0
    sequences[prefix] += 1
    return f"{prefix}{sequences[prefix]:04d}"


def _row(obj: Any, **overrides: Any) -> dict[str, Any]:
    """The column values of a transient object by column name, NULLs included, so every row
    of a table has the same keys and goes into one multi-row INSERT."""
    row = {
        attr.columns[0].name: _value(obj, attr.key, attr.columns[0])
        for attr in inspect(type(obj)).column_attrs
        if attr.key != "id"
    }
    row.update(overrides)
    return row


def _value(obj: Any, key: str, column: Any) -> Any:
    """The attribute's value, or the column's Python default when unset (a Core INSERT given
    an explicit None would store NULL instead of the default)."""
    value = getattr(obj, key)
    default = column.default
    if value is None and default is not None:
        if default.is_callable:
            return default.arg(None)
        if default.is_scalar:
            return default.arg
    return value


def _insert_returning_ids(model: type, rows: list[dict[str, Any]]) -> dict[uuid.UUID, int]:
    """Multi-row INSERT of `rows`; new ids by public id (asking for them in parameter order
    would make SQLAlchemy insert one row at a time on SQLite)."""
    table = model.__table__
    statement = insert(table).returning(table.c.public_id, table.c.id)
    return {
        public_id: row_id for public_id, row_id in db.session.connection().execute(statement, rows)
    }


def _insert_chunk(pairs: list[tuple[Client, Trajectory]]) -> None:
    """Core INSERTs of whole chunks (SQLAlchemy's insertmanyvalues), four per chunk."""
    client_ids = _insert_returning_ids(Client, [_row(client) for client, _ in pairs])
    trajectory_ids = _insert_returning_ids(
        Trajectory,
        [
            _row(trajectory, client_id=client_ids[client.public_id], version=1)
            for client, trajectory in pairs
        ],
    )
    exploitation, steps, consents = [], [], []
    for _, trajectory in pairs:
        trajectory_id = trajectory_ids[trajectory.public_id]
        exploitation.extend(
            {"trajectory_id": trajectory_id, "form": item.form} for item in trajectory.exploitation
        )
        steps.extend(_row(step, trajectory_id=trajectory_id) for step in trajectory.steps)
        consents.extend(_row(c, trajectory_id=trajectory_id) for c in trajectory.consents)
    connection = db.session.connection()
    connection.execute(insert(TrajectoryExploitation.__table__), exploitation)
    connection.execute(insert(Step.__table__), steps)
    if consents:
        connection.execute(insert(Consent.__table__), consents)
