"""Fixtures of the care-provider directory tests: providers built straight from the model."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from carecoord.codes import ProviderType
from carecoord.extensions import db
from carecoord.providers.models import CareProvider


@pytest.fixture
def make_provider(app, make_region) -> Callable[..., CareProvider]:
    def make(
        name: str = "De Opvang",
        region: str = "Gooi en Vechtstreek",
        provider_type: ProviderType = ProviderType.SHELTER,
        active: bool = True,
        **details: str,
    ) -> CareProvider:
        provider = CareProvider(
            name=name,
            region=make_region(region),
            provider_type=provider_type.value,
            active=active,
            **details,
        )
        db.session.add(provider)
        db.session.commit()
        return provider

    return make
