"""Finding a client of the coordinator's region by name, date of birth or case number.

Names and dates of birth are encrypted, so they are matched after decrypting the region's
clients in batches. benchmarks/search.py measures this at 20,000 clients: 0.25 to 0.4 s for a
name, well under the second a coordinator may wait. The blind index answers in a millisecond
but only for an exact name with an exact date of birth, so it cannot find part of a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from carecoord.accounts.models import User
from carecoord.clients.models import Client
from carecoord.extensions import db
from carecoord.security.encrypted import ColumnOpener
from carecoord.security.pseudonyms import normalise_name
from carecoord.trajectories import queries
from carecoord.trajectories.models import Trajectory

MAX_RESULTS = 50
SEARCH_BATCH = 1000
# The formats a date of birth may be typed in the search box in the page header.
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")
_LIKE_SPECIALS = re.compile(r"([\\%_])")
# The attribute names in the associated data of Client.name and Client.date_of_birth.
NAME_FIELD, DATE_OF_BIRTH_FIELD = "name", "date_of_birth"


@dataclass(frozen=True)
class Criteria:
    """What to look for; the given parts must all match."""

    name: str | None = None
    date_of_birth: date | None = None
    case_number: str | None = None

    @property
    def audit_code(self) -> str:
        """How the search was done, e.g. `by_name_and_date_of_birth`; never the term."""
        parts = [
            part
            for part, value in (
                ("name", self.name),
                ("date_of_birth", self.date_of_birth),
                ("case_number", self.case_number),
            )
            if value
        ]
        return "by_" + "_and_".join(parts)

    @property
    def decrypts(self) -> bool:
        return bool(self.name or self.date_of_birth)


@dataclass(frozen=True)
class SearchResult:
    trajectories: list[Trajectory]
    truncated: bool


def criteria_from_term(term: str) -> Criteria:
    """The header's single box: a date is a date of birth, digits a case number, else a name."""
    term = term.strip()
    for pattern in DATE_FORMATS:
        try:
            return Criteria(date_of_birth=datetime.strptime(term, pattern).date())
        except ValueError:
            continue
    if any(ch.isdigit() for ch in term):
        return Criteria(case_number=term)
    return Criteria(name=term)


def find(user: User, criteria: Criteria) -> SearchResult:
    """Trajectories in `user`'s scope matching `criteria`, at most MAX_RESULTS of them.

    By case number: each matching trajectory. By name or date of birth: the latest trajectory
    of each matching client (the file shows the earlier ones).
    """
    limit = MAX_RESULTS
    trajectories = queries.scoped(user)
    if criteria.case_number:
        prefix = _LIKE_SPECIALS.sub(r"\\\1", criteria.case_number.strip().upper())
        trajectories = trajectories.where(
            func.upper(Trajectory.case_number).like(prefix + "%", escape="\\")
        )
    if criteria.decrypts:
        client_ids = matching_clients(
            trajectories.with_only_columns(Trajectory.client_id), criteria, limit=limit + 1
        )
        if criteria.case_number:
            trajectories = trajectories.where(Trajectory.client_id.in_(client_ids))
        else:
            trajectories = queries.latest_per_client(user).where(
                Trajectory.client_id.in_(client_ids)
            )
    if criteria.case_number:
        trajectories = trajectories.order_by(Trajectory.case_number, Trajectory.id)
    found = list(
        db.session.scalars(
            trajectories.options(
                selectinload(Trajectory.client), selectinload(Trajectory.responsible)
            ).limit(limit + 1)
        )
    )
    return SearchResult(trajectories=found[:limit], truncated=len(found) > limit)


def matching_clients(client_ids: Select[Any], criteria: Criteria, *, limit: int) -> list[int]:
    """Ids of the clients among `client_ids` whose decrypted identity matches, at most `limit`.

    Streams the stored ciphertext in batches and decrypts it without an ORM object or a
    keyring lookup per row (together two thirds of the time at 20,000 clients); a value that
    cannot be decrypted never matches.
    """
    words = normalise_name(criteria.name).split() if criteria.name else []
    open_name, open_birth = (
        ColumnOpener(Client, NAME_FIELD),
        ColumnOpener(Client, DATE_OF_BIRTH_FIELD),
    )
    # Core rows, not ORM ones: the ORM's per-row bookkeeping is not needed to read four columns.
    result = db.session.connection().execute(
        select(Client.id, Client.public_id, Client._name, Client._date_of_birth)
        .where(Client.id.in_(client_ids))
        .order_by(Client.id)
        .execution_options(yield_per=SEARCH_BATCH)
    )
    found: list[int] = []
    for batch in result.partitions():
        for client_id, public_id, name_ct, date_of_birth_ct in batch:
            if words and not _has_words(open_name(public_id, name_ct), words):
                continue
            if criteria.date_of_birth is not None:
                born = open_birth(public_id, date_of_birth_ct)
                if born != criteria.date_of_birth.isoformat():
                    continue
            found.append(client_id)
            if len(found) >= limit:
                result.close()
                return found
    return found


def _has_words(name: str | None, words: list[str]) -> bool:
    if not name:
        return False
    # Most names are plain ASCII: folding case and spaces is then all normalise_name does.
    folded = " ".join(name.casefold().split()) if name.isascii() else normalise_name(name)
    return all(word in folded for word in words)
