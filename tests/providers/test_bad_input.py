"""Hostile and mistaken input: the form again with a message on the field, nothing stored."""

from __future__ import annotations

import re

import pytest

from carecoord.providers import queries
from carecoord.providers.models import PROVIDER_NAME_MAX, WEBSITE_MAX
from tests.conftest import post
from tests.providers.helpers import form, only_provider, provider_count, stored

FIELD_ERROR = re.compile(r'<p class="form-error" id="([a-z_]+)-error">([^<]*)</p>')


def field_errors(page: str) -> dict[str, str]:
    return {field: message.strip() for field, message in FIELD_ERROR.findall(page)}


BAD = [
    ({"name": "x" * (PROVIDER_NAME_MAX + 1)}, "name", "Use at most 200 characters."),
    ({"name": ""}, "name", "Enter the name of the provider."),
    ({"name": "   "}, "name", "Enter the name of the provider."),
    ({"name": "Opvang\x00Noord"}, "name", "Remove the control characters from this field."),
    ({"provider_type": "spaceship"}, "provider_type", "Choose one of the listed types."),
    ({"provider_type": ""}, "provider_type", "Choose the type of provider."),
    ({"website": "javascript:alert(1)"}, "website", "Enter a web address starting with"),
    ({"website": "JavaScript:alert(1)//https://x.nl"}, "website", "Enter a web address"),
    ({"website": "data:text/html,<b>x</b>"}, "website", "Enter a web address"),
    ({"website": "ftp://files.example.org"}, "website", "Enter a web address"),
    ({"website": "//evil.example"}, "website", "Enter a web address"),
    ({"website": "https://bank.example@evil.example"}, "website", "Enter a web address"),
    ({"website": "https://" + "a" * WEBSITE_MAX + ".nl"}, "website", "Use at most 300"),
    ({"email": "not an address"}, "email", "Enter an e-mail address like name@example.org."),
    ({"email": "intake@localhost"}, "email", "Enter an e-mail address"),
    ({"email": "a@b@example.org"}, "email", "Enter an e-mail address"),
    ({"phone": "call us!"}, "phone", "Enter a phone number"),
    ({"address": "Straat 1\x07"}, "address", "Remove the control characters"),
]


@pytest.mark.parametrize(("override", "field", "message"), BAD, ids=[b[1] for b in BAD])
def test_bad_input_on_create_is_refused_on_its_field(client, login_as, override, field, message):
    login_as("coordinator")

    response = post(client, "/providers/new", form(**override))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    errors = field_errors(page)
    assert list(errors) == [field]
    assert errors[field].startswith(message)
    assert re.search(f'aria-describedby="[^"]*{field}-error"', page)
    assert "The form could not be saved. Check the marked fields." in page
    assert provider_count() == 0


def test_bad_input_on_edit_changes_nothing(client, login_as, make_provider):
    login_as("coordinator")
    provider = make_provider("Opvang", website="https://opvang.example")
    response = post(
        client,
        f"/providers/{provider.public_id}/edit",
        form(name="Opvang Nieuw", website="javascript:alert(1)"),
    )
    assert response.status_code == 422
    assert list(field_errors(response.get_data(as_text=True))) == ["website"]
    unchanged = stored(provider.public_id)
    assert (unchanged.name, unchanged.website) == ("Opvang", "https://opvang.example")


def test_the_refused_values_are_shown_back_escaped(client, login_as):
    login_as("coordinator")
    response = post(client, "/providers/new", form(name='"><script>x()</script>', email="bad"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<script>x()" not in page
    assert 'value="&#34;&gt;&lt;script&gt;x()&lt;/script&gt;"' in page


@pytest.mark.parametrize("name", ["De Opvang", "de opvang", "  DE   Opvang "])
def test_a_duplicate_name_in_the_region_is_refused(client, login_as, make_provider, name):
    login_as("coordinator")
    make_provider("De Opvang")
    response = post(client, "/providers/new", form(name=name))
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors == {"name": "The region already has a care provider with this name."}
    assert provider_count() == 1


def test_the_same_name_in_another_region_is_fine(client, login_as, make_provider):
    login_as("coordinator", region="Gooi en Vechtstreek")
    make_provider("De Opvang", region="Rotterdam-Rijnmond")
    assert post(client, "/providers/new", form(name="De Opvang")).status_code == 302
    assert provider_count() == 2


def test_renaming_onto_another_providers_name_is_refused(client, login_as, make_provider):
    login_as("coordinator")
    make_provider("De Opvang")
    other = make_provider("Het Huis")
    response = post(client, f"/providers/{other.public_id}/edit", form(name="De Opvang"))
    assert response.status_code == 422
    assert "name" in field_errors(response.get_data(as_text=True))
    assert stored(other.public_id).name == "Het Huis"


def test_an_admin_moving_a_provider_onto_a_taken_name_is_refused(
    client, login_as, make_provider, make_region
):
    login_as("admin")
    make_provider("De Opvang", region="Gooi en Vechtstreek")
    moving = make_provider("De Opvang", region="Rotterdam-Rijnmond")
    data = form(name="De Opvang", region_id=str(make_region("Gooi en Vechtstreek").id))
    response = post(client, f"/providers/{moving.public_id}/edit", data)
    assert response.status_code == 422
    assert stored(moving.public_id).region.name == "Rotterdam-Rijnmond"


def test_a_concurrent_duplicate_is_caught_by_the_database(
    client, login_as, make_provider, monkeypatch
):
    """Two requests may both pass the name check; the unique constraint decides, and the
    loser still gets the form with the message instead of an error page."""
    login_as("coordinator")
    make_provider("De Opvang")
    monkeypatch.setattr(queries, "name_taken", lambda *args, **kwargs: False)

    response = post(client, "/providers/new", form(name="De Opvang"))

    assert response.status_code == 422
    assert "name" in field_errors(response.get_data(as_text=True))
    assert provider_count() == 1


def test_without_csrf_token_nothing_changes(client, login_as, make_provider):
    login_as("coordinator")
    provider = make_provider("Opvang")
    url = f"/providers/{provider.public_id}"
    for target, data in (
        ("/providers/new", form(name="Nieuw")),
        (f"{url}/edit", form(name="Gewijzigd")),
        (f"{url}/deactivate", {}),
    ):
        assert client.post(target, data=data).status_code == 400
        assert post(client, target, {**data, "csrf_token": "forged"}).status_code == 400
    assert provider_count() == 1
    unchanged = stored(provider.public_id)
    assert (unchanged.name, unchanged.active) == ("Opvang", True)


@pytest.mark.parametrize(
    "name", ["مركز الإيواء", "Opvang 🏠", "Zorg e\u0301e\u0301n", "x" * PROVIDER_NAME_MAX]
)
def test_unusual_names_round_trip_exactly(client, login_as, name):
    login_as("coordinator")
    assert post(client, "/providers/new", form(name=name)).status_code == 302
    assert only_provider().name == name
