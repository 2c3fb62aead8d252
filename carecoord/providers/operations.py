"""Adding, changing, deactivating and reactivating care providers; audited, never committed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy.exc import IntegrityError

from carecoord.accounts.models import Region, User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import ProviderType
from carecoord.extensions import db
from carecoord.providers import queries
from carecoord.providers.models import CareProvider


class DuplicateName(Exception):
    """Another provider of the region already has this name."""


@dataclass(frozen=True)
class ProviderDetails:
    """What a coordinator or admin fills in about a provider (everything but the region)."""

    name: str
    provider_type: ProviderType
    contact_person: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    website: str | None = None


DETAIL_FIELDS = tuple(f.name for f in fields(ProviderDetails))


def create_provider(details: ProviderDetails, *, region: Region, actor: User) -> CareProvider:
    """Add a provider to `region`. Raises DuplicateName. Never commits."""
    if queries.name_taken(region.id, details.name):
        raise DuplicateName
    provider = CareProvider(region=region, **_values(details))
    _save(lambda: db.session.add(provider))
    record(actor, Action.CREATE, provider)
    db.session.flush()
    return provider


def update_provider(
    provider: CareProvider,
    details: ProviderDetails,
    *,
    actor: User,
    region: Region | None = None,
) -> list[str]:
    """Change `provider` (and move it to `region`, if given); returns the changed field names.
    Raises DuplicateName. Audits only a real change. Never commits."""
    target = region or provider.region
    changes = {
        name: value for name, value in _values(details).items() if getattr(provider, name) != value
    }
    if target.id != provider.region_id:
        changes["region"] = target
    if not changes:
        return []
    if ("name" in changes or "region" in changes) and queries.name_taken(
        target.id, details.name, excluding=provider
    ):
        raise DuplicateName
    _save(lambda: _assign(provider, changes))
    changed = sorted(changes)
    record(actor, Action.UPDATE, provider, detail="fields:" + ".".join(changed))
    db.session.flush()
    return changed


def set_provider_active(provider: CareProvider, active: bool, *, actor: User) -> bool:
    """Deactivate or reactivate `provider`; returns whether anything changed. Never commits.

    An inactive provider stays in the directory (and in past handovers) but is no longer offered.
    """
    if provider.active == active:
        return False
    provider.active = active
    record(actor, Action.UPDATE, provider, detail="activated" if active else "deactivated")
    db.session.flush()
    return True


def _values(details: ProviderDetails) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(details, name) for name in DETAIL_FIELDS}
    values["provider_type"] = ProviderType(details.provider_type).value
    return values


def _assign(provider: CareProvider, changes: dict[str, object]) -> None:
    for name, value in changes.items():
        setattr(provider, name, value)


def _save(change: Callable[[], None]) -> None:
    """Apply `change` in a savepoint: if a concurrent request took the name first, the unique
    constraint refuses it and only the savepoint is rolled back, so the form can say why."""
    try:
        with db.session.begin_nested():
            change()
    except IntegrityError as error:
        raise DuplicateName from error
