"""Bulk demo trajectories for benchmarks: whole histories over several years and regions, drawn
in chunks and written with whole-table inserts; never commits (the caller commits per chunk)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import func, select

from carecoord.accounts.models import Region
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.clients.models import Client
from carecoord.clients.rules import age_band, nationality_group
from carecoord.demo import data, regions
from carecoord.demo.care import CareNetwork
from carecoord.demo.histories import Historian
from carecoord.demo.people import ClientSpec, PeopleGenerator
from carecoord.demo.plans import Dice, History, Provider
from carecoord.demo.rows import PublicIds, Sealer, TrajectoryRows, recorded_at
from carecoord.demo.seed import (
    BULK_SEED,
    Places,
    SeedCounts,
    find_places,
    refuse_in_production,
    seed_accounts,
    seed_providers,
    seed_regions,
)
from carecoord.demo.texts import Phrases
from carecoord.demo.writer import TableWriter
from carecoord.extensions import db
from carecoord.providers.models import CareProvider
from carecoord.security.keys import app_keys
from carecoord.security.pseudonyms import blind_index
from carecoord.trajectories.models import Trajectory

CHUNK_SIZE = 1000
FIRST_NOTIFICATION = date(2019, 1, 1)
ALL_REGIONS = {**data.REGIONS, **regions.BULK_REGIONS}


def add_bulk(count: int, today: date, chunk_size: int = CHUNK_SIZE) -> Iterator[int]:
    """Add `count` clients with a trajectory each, notified from 2019 to yesterday across the
    national regions (added first when missing); yields the number done after each chunk, so
    the caller can commit and report. Memory stays bounded by the chunk."""
    refuse_in_production()
    run = _BulkRun(today)
    record(None, Action.CREATE, object_type="clients", detail="demo_bulk")
    dates = run.people.dates_since(FIRST_NOTIFICATION, count)
    for start in range(0, count, chunk_size):
        specs = [run.people.client(on) for on in dates[start : start + chunk_size]]
        run.write(specs)
        yield start + len(specs)


def seed_national_regions() -> dict[str, Region]:
    """The bulk regions with their municipalities, providers and coordinators, if missing;
    returns every region of the national spread by name."""
    counts = SeedCounts()
    added = seed_regions(regions.BULK_REGIONS, counts)
    seed_providers(added, regions.BULK_PROVIDERS, counts, first_number=len(data.PROVIDERS) + 1)
    seed_accounts(added, regions.BULK_ACCOUNTS, counts)
    names = list(ALL_REGIONS)
    return {r.name: r for r in db.session.scalars(select(Region).where(Region.name.in_(names)))}


class _BulkRun:
    """What every chunk of one bulk run shares: places, generators, keys, case numbers."""

    def __init__(self, today: date) -> None:
        by_name = seed_national_regions()
        self.places: Places = find_places(by_name)
        self.networks = _networks(by_name)
        existing = db.session.scalar(select(func.count()).select_from(Trajectory)) or 0
        # A second run draws other people and histories than the first.
        self.people = PeopleGenerator(
            BULK_SEED + existing,
            today,
            ALL_REGIONS,
            regions.NATIONAL_WEIGHTS,
            regions.MUNICIPALITY_WEIGHTS,
        )
        self.historian = Historian(Dice(BULK_SEED * 7 + existing), today, Phrases.of_catalogue())
        self.keys = app_keys()
        self.sealer = Sealer(self.keys.keyring)
        self.new_id = PublicIds()
        self.sequences: dict[str, int] = {}

    def write(self, specs: list[ClientSpec]) -> None:
        writer = TableWriter(db.session.connection())
        histories = [self.historian.history(s, self.networks[s.region]) for s in specs]
        client_ids = writer.reserve_ids(Client.__table__, len(specs))
        trajectory_ids = writer.reserve_ids(Trajectory.__table__, len(specs))
        rows = TrajectoryRows(self.sealer, self.new_id, writer)
        for spec, history, client_id, trajectory_id in zip(
            specs, histories, client_ids, trajectory_ids, strict=True
        ):
            self._add(rows, spec, history, client_id, trajectory_id)
        rows.write()

    def _add(
        self,
        rows: TrajectoryRows,
        spec: ClientSpec,
        history: History,
        client_id: int,
        trajectory_id: int,
    ) -> None:
        region = self.places.regions[spec.region]
        coordinator_id = self.places.coordinator_ids[spec.region]
        notified = recorded_at(spec.notified_on)
        client: dict[str, Any] = {
            "id": client_id,
            "public_id": uuid.uuid4(),
            "region_id": region.id,
            "municipality_id": self.places.municipality_ids[spec.municipality_cbs],
            "gender": spec.gender.value,
            "nationality_group": nationality_group(spec.nationality).value,
            "blind_index": blind_index(
                self.keys.blind_index, region.id, spec.name, spec.date_of_birth
            ),
            "created_at": notified,
            "created_by_id": coordinator_id,
        }
        rows.client(client, spec)
        trajectory = {
            "id": trajectory_id,
            "public_id": uuid.uuid4(),
            "client_id": client_id,
            "region_id": region.id,
            "case_number": self._case_number(region, spec.notified_on),
            "notified_on": spec.notified_on,
            "referrer_type": spec.referrer.value,
            "age_band": age_band(spec.date_of_birth, spec.notified_on).value,
            "responsible_id": coordinator_id,
            "created_at": notified,
            "updated_at": recorded_at(history.last_on),
            "version": 1,
            **history.columns,
        }
        rows.trajectory(trajectory, [form.value for form in spec.forms], history, coordinator_id)

    def _case_number(self, region: Region, notified_on: date) -> str:
        """Like next_case_number, counted in memory: the database is read once per prefix,
        ordering by length so sequence 10000 sorts after 9999."""
        prefix = f"{region.code}-{notified_on.year}-"
        if prefix not in self.sequences:
            last = db.session.scalar(
                select(Trajectory.case_number)
                .where(Trajectory.case_number.like(prefix + "%"))
                .order_by(func.length(Trajectory.case_number).desc(), Trajectory.case_number.desc())
                .limit(1)
            )
            self.sequences[prefix] = int(last.rsplit("-", 1)[1]) if last else 0
        self.sequences[prefix] += 1
        return f"{prefix}{self.sequences[prefix]:04d}"


def _networks(by_name: dict[str, Region]) -> dict[str, CareNetwork]:
    """Each region's active care providers."""
    rows = db.session.execute(
        select(
            CareProvider.region_id, CareProvider.id, CareProvider.name, CareProvider.provider_type
        )
        .where(CareProvider.active.is_(True))
        .order_by(CareProvider.id)
    )
    providers: dict[int, list[Provider]] = {}
    for region_id, provider_id, name, provider_type in rows:
        providers.setdefault(region_id, []).append(Provider(provider_id, name, provider_type))
    return {name: CareNetwork(providers.get(r.id, [])) for name, r in by_name.items()}
