"""Helpers of the care-provider directory tests: a valid form and what the database holds."""

from __future__ import annotations

from sqlalchemy import func, select

from carecoord.extensions import db
from carecoord.providers.models import CareProvider

VALID = {
    "name": "Leger des Heils Gooi",
    "provider_type": "shelter",
    "contact_person": "Anna de Vries",
    "phone": "+31 (0)35-123 45 67",
    "email": "intake@example.org",
    "address": "Stationsstraat 1\n1211 EM Hilversum",
    "website": "https://www.example.org/opvang",
}


def form(**overrides: str) -> dict[str, str]:
    """A valid provider form as a browser sends it, with `overrides`."""
    return {**VALID, **overrides}


def provider_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(CareProvider))


def stored(public_id) -> CareProvider:
    db.session.expire_all()
    return db.session.scalar(select(CareProvider).where(CareProvider.public_id == public_id))


def only_provider() -> CareProvider:
    db.session.expire_all()
    return db.session.scalars(select(CareProvider)).one()


def about_providers(entries: list) -> list:
    """The audit entries about care providers (the CSRF helper's page views write others)."""
    return [e for e in entries if e.object_type == "care_providers"]
