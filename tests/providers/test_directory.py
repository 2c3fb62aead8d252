"""The list and the detail page: what each role sees, filters, sorting, links, escaping."""

from __future__ import annotations

import re

import pytest

from carecoord.codes import ProviderType
from tests.conftest import post
from tests.providers.helpers import form, only_provider

ROW = re.compile(r'<a href="/providers/[0-9a-f-]{36}">([^<]+)</a>')


def names_on(page: str) -> list[str]:
    return ROW.findall(page)


def test_list_shows_the_region_sorted_by_name_with_contact_details(client, login_as, make_provider):
    login_as("coordinator")
    make_provider("Zorgpunt", provider_type=ProviderType.MEDICAL)
    make_provider(
        "advocatenkantoor Recht",
        provider_type=ProviderType.LEGAL_AID,
        contact_person="Mr. J. Jansen",
        phone="020 123 45 67",
        email="info@recht.example",
        website="https://recht.example/",
    )
    make_provider("Blijf Groep", provider_type=ProviderType.WOMENS_SHELTER)
    make_provider("Havenopvang", region="Rotterdam-Rijnmond")

    page = client.get("/providers/").get_data(as_text=True)

    assert names_on(page) == ["advocatenkantoor Recht", "Blijf Groep", "Zorgpunt"]
    assert "Havenopvang" not in page
    assert "legal aid" in page and "women&#39;s shelter" in page
    assert "Mr. J. Jansen" in page and "020 123 45 67" in page
    assert '<a href="mailto:info@recht.example">' in page
    assert '<a href="https://recht.example/" rel="noopener noreferrer">' in page


def test_filter_by_type(client, login_as, make_provider):
    login_as("coordinator")
    make_provider("Tolk NL", provider_type=ProviderType.INTERPRETER)
    make_provider("Opvang Noord", provider_type=ProviderType.SHELTER)
    page = client.get("/providers/?provider_type=interpreter").get_data(as_text=True)
    assert names_on(page) == ["Tolk NL"]
    assert '<option selected value="interpreter">' in page


def test_inactive_providers_only_when_asked(client, login_as, make_provider):
    login_as("coordinator")
    make_provider("Actief")
    make_provider("Gestopt", active=False)
    assert names_on(client.get("/providers/").get_data(as_text=True)) == ["Actief"]
    page = client.get("/providers/?inactive=y").get_data(as_text=True)
    assert names_on(page) == ["Actief", "Gestopt"]
    assert '<span class="tag">inactive</span>' in page


def test_filters_combine_and_an_empty_result_says_so(client, login_as, make_provider):
    login_as("coordinator")
    make_provider("Gestopt", provider_type=ProviderType.ADDICTION, active=False)
    make_provider("Actief", provider_type=ProviderType.SHELTER)
    page = client.get("/providers/?provider_type=addiction").get_data(as_text=True)
    assert names_on(page) == []
    assert "No care providers match these filters." in page
    page = client.get("/providers/?provider_type=addiction&inactive=y").get_data(as_text=True)
    assert names_on(page) == ["Gestopt"]


@pytest.mark.parametrize("query", ["provider_type=spaceship", "provider_type=<script>"])
def test_an_unknown_type_filter_is_refused_on_the_field(client, login_as, make_provider, query):
    login_as("coordinator")
    make_provider("Actief")
    response = client.get(f"/providers/?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose one of the listed types." in page
    assert names_on(page) == []
    assert "<script>" not in page


def test_detail_page_shows_everything(client, login_as, make_provider):
    login_as("coordinator")
    provider = make_provider(
        "Leger des Heils",
        provider_type=ProviderType.COSM_SHELTER,
        contact_person="Anna",
        address="Stationsstraat 1\n1211 EM Hilversum",
        website="http://leger.example",
    )
    page = client.get(f"/providers/{provider.public_id}").get_data(as_text=True)
    assert "COSM shelter for trafficking victims" in page
    assert "Stationsstraat 1\n1211 EM Hilversum" in page
    assert '<a href="http://leger.example" rel="noopener noreferrer">' in page
    assert f'href="/providers/{provider.public_id}/edit"' in page


def test_a_stored_unsafe_website_is_shown_as_text_not_a_link(client, login_as, make_provider):
    login_as("coordinator")
    provider = make_provider("Oud record", website="javascript:alert(1)")
    for url in ("/providers/", f"/providers/{provider.public_id}"):
        page = client.get(url).get_data(as_text=True)
        assert "javascript:alert(1)" in page
        assert 'href="javascript' not in page


def test_script_in_a_name_is_stored_as_text_and_shown_escaped(client, login_as):
    login_as("coordinator")
    name = '<script>alert("x")</script> Opvang'
    assert post(client, "/providers/new", form(name=name)).status_code == 302
    provider = only_provider()
    assert provider.name == name
    for url in ("/providers/", f"/providers/{provider.public_id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Opvang" in page


def test_chain_director_reads_her_region_without_edit_controls(client, login_as, make_provider):
    login_as("chain_director")
    provider = make_provider("Opvang Gooi")
    make_provider("Havenopvang", region="Rotterdam-Rijnmond")
    listing = client.get("/providers/")
    detail = client.get(f"/providers/{provider.public_id}")
    assert listing.status_code == detail.status_code == 200
    assert names_on(listing.get_data(as_text=True)) == ["Opvang Gooi"]
    for page in (listing.get_data(as_text=True), detail.get_data(as_text=True)):
        assert "/providers/new" not in page
        assert "/edit" not in page and "/deactivate" not in page


def test_admin_lists_every_region_and_filters_by_region(
    client, login_as, make_provider, make_region
):
    login_as("admin")
    make_provider("Opvang Gooi")
    make_provider("Havenopvang", region="Rotterdam-Rijnmond")
    page = client.get("/providers/").get_data(as_text=True)
    assert names_on(page) == ["Havenopvang", "Opvang Gooi"]
    assert "Rotterdam-Rijnmond" in page

    rotterdam = make_region("Rotterdam-Rijnmond")
    filtered = client.get(f"/providers/?region={rotterdam.id}").get_data(as_text=True)
    assert names_on(filtered) == ["Havenopvang"]
    assert client.get("/providers/?region=abc").status_code == 422


def test_coordinator_has_no_region_filter(client, login_as, make_provider):
    login_as("coordinator")
    make_provider("Opvang Gooi")
    page = client.get("/providers/?region=999").get_data(as_text=True)
    assert 'name="region"' not in page
    assert names_on(page) == ["Opvang Gooi"]


def test_the_directory_needs_sign_in(client, make_provider):
    provider = make_provider()
    for url in ("/providers/", f"/providers/{provider.public_id}", "/providers/new"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.location.startswith("/sign-in")
