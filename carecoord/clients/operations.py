"""Registering a presumed victim and the duplicate check: change, audit, flush; never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

from carecoord.accounts.models import Municipality, User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.clients import rules
from carecoord.clients.models import Client
from carecoord.clients.queries import scoped_clients
from carecoord.codes import ExploitationForm, Gender, Phase, ReferrerType, StepKind
from carecoord.extensions import db
from carecoord.security.encrypted import UNREADABLE
from carecoord.security.keys import app_keys
from carecoord.security.pseudonyms import blind_index, normalise_name
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation
from carecoord.trajectories.operations import next_case_number


@dataclass(frozen=True)
class Identity:
    """Who the client is; every field is encrypted at rest."""

    name: str
    date_of_birth: date | None = None
    nationality: str | None = None  # ISO 3166-1 alpha-2
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    bsn: str | None = None
    v_number: str | None = None
    document_number: str | None = None


@dataclass(frozen=True)
class Notification:
    """How the client came to the coordinator."""

    notified_on: date
    referrer_type: ReferrerType
    forms_of_exploitation: tuple[ExploitationForm, ...]


class MunicipalityOutOfRegion(ValueError):
    """The municipality of residence is not one of the coordinator's region."""


def client_blind_index(region_id: int, name: str, date_of_birth: date | None) -> bytes:
    """The per-region blind index of a name and date of birth, with the app's key."""
    return blind_index(app_keys().blind_index, region_id, name, date_of_birth)


def probable_duplicates(actor: User, name: str, date_of_birth: date | None) -> list[Client]:
    """Clients of `actor`'s region that are probably this person; the check is audited.

    Candidates are found on the blind index and confirmed by decrypting them. A candidate
    that cannot be decrypted is kept: a needless warning costs a click, a missed one a file.
    """
    index = client_blind_index(actor.region_id, name, date_of_birth)
    candidates = db.session.scalars(
        scoped_clients(actor).where(Client.blind_index == index).order_by(Client.id)
    ).all()
    matches = [client for client in candidates if _same_person(client, name, date_of_birth)]
    record(actor, Action.SEARCH, object_type="clients", detail="duplicate_check")
    for client in matches:
        # The warning shows each match's name and date of birth: that is a view of its file.
        record(actor, Action.VIEW, client, detail="duplicate_warning")
    db.session.flush()
    return matches


def register_client(
    actor: User,
    identity: Identity,
    notification: Notification,
    *,
    gender: Gender,
    municipality: Municipality | None = None,
    registration_token: uuid.UUID | None = None,
    duplicate_confirmed: bool = False,
) -> Trajectory:
    """A new client of `actor`'s region with a first trajectory in intake. Never commits."""
    region = actor.region
    if municipality is not None and municipality.region_id != region.id:
        raise MunicipalityOutOfRegion(municipality.id)
    client = Client(
        region=region,
        municipality=municipality,
        gender=gender.value,
        nationality_group=rules.nationality_group(identity.nationality).value,
        blind_index=client_blind_index(region.id, identity.name, identity.date_of_birth),
        created_by=actor,
        registration_token=registration_token,
    )
    for field in fields(identity):
        setattr(client, field.name, getattr(identity, field.name))
    trajectory = Trajectory(
        client=client,
        region=region,
        case_number=next_case_number(region, notification.notified_on.year),
        phase=Phase.INTAKE.value,
        notified_on=notification.notified_on,
        referrer_type=notification.referrer_type.value,
        age_band=rules.age_band(identity.date_of_birth, notification.notified_on).value,
        responsible=actor,
    )
    for form in _distinct(notification.forms_of_exploitation):
        trajectory.exploitation.append(TrajectoryExploitation(form=form.value))
    db.session.add_all([client, trajectory])
    trajectory.add_step(StepKind.NOTIFICATION, author=actor, on=notification.notified_on)
    record(
        actor,
        Action.CREATE,
        client,
        detail="duplicate_confirmed" if duplicate_confirmed else None,
    )
    record(actor, Action.CREATE, trajectory)
    db.session.flush()
    return trajectory


def _same_person(client: Client, name: str, date_of_birth: date | None) -> bool:
    known_name, known_birth = client.name, client.date_of_birth
    if known_name is UNREADABLE or known_birth is UNREADABLE:
        return True
    return normalise_name(known_name or "") == normalise_name(name) and known_birth == date_of_birth


def _distinct(forms: Sequence[ExploitationForm]) -> list[ExploitationForm]:
    return list(dict.fromkeys(forms))
