"""Writing demo data: the idempotent base set (bulk trajectories: carecoord.demo.bulk); never
commits."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask import current_app
from sqlalchemy import select

from carecoord.accounts.models import Municipality, Region, User
from carecoord.accounts.operations import create_user
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.clients.models import Client
from carecoord.clients.rules import age_band, age_on, nationality_group
from carecoord.codes import ConsentGiver, ConsentPurpose, Phase, Role, StepKind
from carecoord.demo import data
from carecoord.demo.people import ClientSpec, PeopleGenerator, Regions
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
# Raised whenever the bulk data changes shape: benchmarks/ then seed their datasets afresh.
BULK_VERSION = 2
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
class Places:
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
    regions = seed_regions(data.REGIONS, counts)
    seed_providers(regions, data.PROVIDERS, counts)
    seed_accounts(regions, data.ACCOUNTS, counts)
    _seed_clients(find_places(regions), today, counts)
    if counts.clients:
        record(None, Action.CREATE, object_type="clients", detail="demo_seed")
    db.session.flush()
    return counts


def seed_regions(regions_data: Regions, counts: SeedCounts) -> dict[str, Region]:
    """The regions with their municipalities; adds only what is missing."""
    regions: dict[str, Region] = {}
    known = set(db.session.scalars(select(Municipality.cbs_code)))
    for name, (code, municipalities) in regions_data.items():
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


def seed_providers(
    regions: dict[str, Region],
    providers: tuple[data.DemoProvider, ...],
    counts: SeedCounts,
    first_number: int = 1,
) -> None:
    """The care providers of `regions`; adds only what is missing."""
    rows = db.session.execute(select(CareProvider.region_id, CareProvider.name))
    known = {(region_id, name) for region_id, name in rows}
    for number, provider in enumerate(providers, start=first_number):
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


def seed_accounts(
    regions: dict[str, Region], accounts: tuple[data.DemoAccount, ...], counts: SeedCounts
) -> None:
    """The demo accounts; adds only what is missing."""
    known = set(db.session.scalars(select(User.email)))
    for account in accounts:
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


def find_places(regions: dict[str, Region]) -> Places:
    """The ids of `regions`' municipalities and of each region's (first) coordinator."""
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
    return Places(regions, municipalities, coordinators)


def _seed_clients(places: Places, today: date, counts: SeedCounts) -> None:
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


def _build(spec: ClientSpec, places: Places, public_id: uuid.UUID) -> tuple[Client, Trajectory]:
    """A transient client and trajectory with steps, keyed by ids (not relationships)."""
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
