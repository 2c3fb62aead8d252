"""Client search at 20,000 clients: decrypting the region's names versus the blind index.

Seeds a temporary SQLite database through the app's own models and keys (the test
configuration's fixed keys: nothing here is real), then times `trajectories.search.find` by
part of a name and by date of birth, and an exact name + date-of-birth lookup on the blind
index, each the median of several runs after a warm-up.
Run: `.venv/bin/python -m benchmarks.search`.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from faker import Faker
from sqlalchemy import insert

from carecoord import create_app
from carecoord.accounts.models import Region, User
from carecoord.accounts.passwords import hash_password
from carecoord.clients.models import Client
from carecoord.clients.operations import client_blind_index
from carecoord.clients.queries import scoped_clients
from carecoord.codes import Gender, Phase, ReferrerType, Role
from carecoord.extensions import db
from carecoord.security.pseudonyms import normalise_name
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.search import Criteria, find

CLIENTS = 20_000
RUNS = 7
BATCH = 2_000
SEED = 20260901


def seed(region: Region, coordinator: User) -> list[tuple[str, date]]:
    """CLIENTS clients with one trajectory each, inserted in bulk; returns (name, birth)."""
    fake = Faker(["nl_NL", "pl_PL", "ro_RO", "es_ES", "en_GB"])
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    people: list[tuple[str, date]] = []
    for first in range(1, CLIENTS + 1, BATCH):
        clients, trajectories = [], []
        for client_id in range(first, min(first + BATCH, CLIENTS + 1)):
            name = fake.name()
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(45 * 365))
            notified = date(2020, 1, 1) + timedelta(days=rng.randrange(6 * 365))
            people.append((name, born))
            client = Client(region_id=region.id, gender=Gender.FEMALE.value)
            client.name, client.date_of_birth = name, born
            clients.append(
                {
                    "id": client_id,
                    "public_id": client.public_id,
                    "region_id": region.id,
                    "gender": Gender.FEMALE.value,
                    "nationality_group": "eea",
                    "blind_index": client_blind_index(region.id, name, born),
                    "name_ct": client._name,
                    "date_of_birth_ct": client._date_of_birth,
                }
            )
            trajectories.append(
                {
                    "id": client_id,
                    "public_id": uuid.uuid4(),
                    "client_id": client_id,
                    "region_id": region.id,
                    "case_number": f"{region.code}-{notified.year}-{client_id:05d}",
                    "phase": Phase.INTAKE.value,
                    "notified_on": notified,
                    "referrer_type": ReferrerType.POLICE.value,
                    "age_band": "30-39",
                    "responsible_id": coordinator.id,
                    "monitoring_interval_days": 28,
                    "appeal_pending": False,
                    "version": 1,
                }
            )
        db.session.execute(insert(Client.__table__), clients)
        db.session.execute(insert(Trajectory.__table__), trajectories)
        db.session.commit()
    return people


def blind_index_lookup(user: User, name: str, born: date) -> list[int]:
    """Exact name and date of birth: one indexed equality, candidates confirmed by decrypting."""
    index = client_blind_index(user.region_id, name, born)
    candidates = db.session.scalars(scoped_clients(user).where(Client.blind_index == index))
    return [
        c.id
        for c in candidates
        if normalise_name(c.name or "") == normalise_name(name) and c.date_of_birth == born
    ]


def median_ms(run: Callable[[], object]) -> float:
    run()  # warm-up: caches, prepared statements, the page cache of the database file
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return statistics.median(timings)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="carecoord-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'search.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url}, env="test")
        with app.app_context():
            db.create_all()
            region = Region(name="Benchmarkregio", code="BM")
            db.session.add(region)
            db.session.flush()
            coordinator = User(
                email="coordinator@example.org",
                name="Benchmark",
                role=Role.COORDINATOR.value,
                region=region,
                password_hash=hash_password("benchmark password only"),
            )
            db.session.add(coordinator)
            db.session.commit()
            started = time.perf_counter()
            people = seed(region, coordinator)
            seconds = time.perf_counter() - started
            print(f"# seeded {CLIENTS} clients and trajectories in {seconds:.1f} s")

            name, born = people[CLIENTS // 2]
            # Part of the name, accents left out: few matches, so every row is decrypted.
            part = " ".join(word[:4] for word in normalise_name(name).split())
            found = find(coordinator, Criteria(name=part))
            assert 0 < len(found.trajectories) < 10, "a scan of every client, not an early stop"
            assert blind_index_lookup(coordinator, name, born), "the blind index finds it too"

            by_name = median_ms(lambda: find(coordinator, Criteria(name=part)))
            by_birth = median_ms(lambda: find(coordinator, Criteria(date_of_birth=born)))
            by_case = median_ms(lambda: find(coordinator, Criteria(case_number="BM-2023-1")))
            exact = median_ms(lambda: blind_index_lookup(coordinator, name, born))
            db.session.remove()
            db.engine.dispose()

    print(f"figure search_decrypt_{CLIENTS} {by_name:.1f} ms")
    print(f"figure search_date_of_birth_{CLIENTS} {by_birth:.1f} ms")
    print(f"figure search_case_number_{CLIENTS} {by_case:.1f} ms")
    print(f"figure search_blind_index_{CLIENTS} {exact:.2f} ms")
    print(f"ratio search_decrypt_vs_blind_index {by_name / exact:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
