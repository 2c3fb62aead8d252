"""Scoped selects for the care-provider directory: every query starts from `scoped_providers`."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import selectinload

from carecoord.accounts.guards import OutOfScope
from carecoord.accounts.models import Region, User
from carecoord.codes import ProviderType, Role
from carecoord.extensions import db
from carecoord.providers.models import CareProvider
from carecoord.providers.rules import name_key

# Roles that see only their own region's directory; an admin sees every region.
REGIONAL_ROLES = frozenset({Role.COORDINATOR, Role.CHAIN_DIRECTOR})


def scoped_providers(user: User) -> Select[tuple[CareProvider]]:
    """Providers `user` may see: a coordinator's or chain director's own region; an admin all."""
    query = select(CareProvider)
    if user.role == Role.ADMIN:
        return query
    if user.role in REGIONAL_ROLES:
        return query.where(CareProvider.region_id == user.region_id)
    return query.where(false())


def provider_or_404(user: User, public_id: UUID) -> CareProvider:
    """The provider with this public id in `user`'s scope; otherwise an audited 404."""
    provider = db.session.scalar(
        scoped_providers(user)
        .where(CareProvider.public_id == public_id)
        .options(selectinload(CareProvider.region))
    )
    if provider is None:
        raise OutOfScope("care_providers", public_id)
    return provider


def directory(
    user: User,
    *,
    provider_type: ProviderType | None = None,
    region_id: int | None = None,
    include_inactive: bool = False,
) -> Sequence[CareProvider]:
    """The list page: `user`'s providers, filtered, sorted by name."""
    query = scoped_providers(user).options(selectinload(CareProvider.region))
    if provider_type is not None:
        query = query.where(CareProvider.provider_type == provider_type.value)
    if region_id is not None:
        query = query.where(CareProvider.region_id == region_id)
    if not include_inactive:
        query = query.where(CareProvider.active.is_(True))
    return db.session.scalars(_by_name(query)).all()


def active_providers(
    region_id: int, provider_type: ProviderType | None = None
) -> Sequence[CareProvider]:
    """The active providers of a region (of one type), sorted by name: the handover choices."""
    query = select(CareProvider).where(
        CareProvider.region_id == region_id, CareProvider.active.is_(True)
    )
    if provider_type is not None:
        query = query.where(CareProvider.provider_type == provider_type.value)
    return db.session.scalars(_by_name(query)).all()


def assignable_regions(user: User) -> Sequence[Region]:
    """Regions `user` may put a provider in: every region for an admin, else her own."""
    query = select(Region).order_by(Region.name)
    if user.role != Role.ADMIN:
        query = query.where(Region.id == user.region_id)
    return db.session.scalars(query).all()


def name_taken(region_id: int, name: str, *, excluding: CareProvider | None = None) -> bool:
    """True when another provider of the region has this name, ignoring case and spacing."""
    query = select(CareProvider.name).where(CareProvider.region_id == region_id)
    if excluding is not None and excluding.id is not None:
        query = query.where(CareProvider.id != excluding.id)
    key = name_key(name)
    return any(name_key(other) == key for other in db.session.scalars(query))


def _by_name(query: Select[tuple[CareProvider]]) -> Select[tuple[CareProvider]]:
    return query.order_by(func.lower(CareProvider.name), CareProvider.name, CareProvider.id)
