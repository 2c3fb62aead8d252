"""The scoped selects other features build on: who sees which providers, and the active ones."""

from __future__ import annotations

import pytest

from carecoord.accounts.guards import OutOfScope
from carecoord.codes import ProviderType
from carecoord.extensions import db
from carecoord.providers.queries import active_providers, provider_or_404, scoped_providers


def names(query) -> list[str]:
    return sorted(p.name for p in db.session.scalars(query))


@pytest.fixture
def two_regions(make_provider):
    make_provider("Opvang Gooi")
    make_provider("Havenopvang", region="Rotterdam-Rijnmond")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("coordinator", ["Opvang Gooi"]),
        ("chain_director", ["Opvang Gooi"]),
        ("admin", ["Havenopvang", "Opvang Gooi"]),
    ],
)
def test_scoped_providers_per_role(make_user, two_regions, role, expected):
    assert names(scoped_providers(make_user(role, "Gooi en Vechtstreek"))) == expected


def test_a_user_with_an_unknown_role_sees_nothing(make_user, two_regions):
    user = make_user("coordinator")
    user.role = "visitor"
    assert names(scoped_providers(user)) == []


def test_provider_or_404_raises_out_of_scope_with_the_public_id(make_user, make_provider):
    other = make_provider("Havenopvang", region="Rotterdam-Rijnmond")
    user = make_user("coordinator", "Gooi en Vechtstreek")
    with pytest.raises(OutOfScope) as refused:
        provider_or_404(user, other.public_id)
    assert refused.value.object_type == "care_providers"
    assert refused.value.public_id == str(other.public_id)
    admin = make_user("admin", "Gooi en Vechtstreek")
    assert provider_or_404(admin, other.public_id).name == "Havenopvang"


def test_active_providers_of_a_region_by_type_sorted_by_name(make_provider, make_region):
    make_provider("Zorgpunt", provider_type=ProviderType.MEDICAL)
    make_provider("arts Noord", provider_type=ProviderType.MEDICAL)
    make_provider("Gestopt", provider_type=ProviderType.MEDICAL, active=False)
    make_provider("Opvang", provider_type=ProviderType.SHELTER)
    make_provider("Havenarts", region="Rotterdam-Rijnmond", provider_type=ProviderType.MEDICAL)
    gooi = make_region("Gooi en Vechtstreek")

    everything = [p.name for p in active_providers(gooi.id)]
    medical = [p.name for p in active_providers(gooi.id, ProviderType.MEDICAL)]

    assert everything == ["arts Noord", "Opvang", "Zorgpunt"]
    assert medical == ["arts Noord", "Zorgpunt"]
