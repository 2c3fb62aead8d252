"""Admin pages for regions and municipalities: create, edit, refuse bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from carecoord.accounts.models import Municipality, Region
from carecoord.extensions import db
from tests.conftest import post


def region(name: str) -> Region:
    return db.session.scalar(select(Region).where(Region.name == name))


def municipality(cbs_code: str) -> Municipality:
    return db.session.scalar(select(Municipality).where(Municipality.cbs_code == cbs_code))


def stored_regions() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [
        tuple(row)
        for row in db.session.execute(select(Region.name, Region.code).order_by(Region.id))
    ]


def stored_municipalities() -> list[tuple]:
    db.session.expire_all()
    columns = (
        Municipality.name,
        Municipality.cbs_code,
        Municipality.region_id,
        Municipality.active,
    )
    return [tuple(row) for row in db.session.execute(select(*columns).order_by(Municipality.id))]


@pytest.fixture
def admin(login_as, make_region):
    make_region("Rotterdam-Rijnmond")
    return login_as("admin")


def test_the_region_list_shows_names_codes_and_counts(client, admin):
    page = client.get("/admin/regions/").get_data(as_text=True)
    assert "Gooi en Vechtstreek" in page and "Rotterdam-Rijnmond" in page
    assert "<td>GV</td>" in page and "<td>2</td>" in page


def test_the_create_forms_are_empty_and_titled(client, admin):
    for url, heading in [
        ("/admin/regions/new", "Create a region"),
        ("/admin/municipalities/new", "Add a municipality"),
        ("/admin/users/new", "Create a user"),
    ]:
        page = client.get(url).get_data(as_text=True)
        assert f"<h1>{heading}</h1>" in page
        assert 'aria-current="page"' in page


def test_an_admin_creates_a_region(client, admin, audit_entries):
    response = post(client, "/admin/regions/new", {"name": " Midden-Nederland ", "code": "MN"})
    assert response.status_code == 302
    assert response.location == "/admin/regions/"
    created = region("Midden-Nederland")
    assert created.code == "MN"
    last = audit_entries()[-1]
    assert (last.action, last.user_id, last.object_type, last.object_id) == (
        "create",
        admin.id,
        "regions",
        str(created.id),
    )
    assert "Midden-Nederland" in client.get("/admin/regions/").get_data(as_text=True)


def test_an_admin_renames_and_recodes_a_region(client, admin, audit_entries):
    gooi = region("Gooi en Vechtstreek")
    response = post(client, f"/admin/regions/{gooi.id}", {"name": "Gooi", "code": "GOOI"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (gooi.name, gooi.code) == ("Gooi", "GOOI")
    assert audit_entries()[-1].detail == "fields:code.name"


def test_saving_a_region_unchanged_writes_no_entry(client, admin, audit_entries):
    gooi = region("Gooi en Vechtstreek")
    before = len(audit_entries())
    post(client, f"/admin/regions/{gooi.id}", {"name": gooi.name, "code": gooi.code})
    assert len(audit_entries()) == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "code": "MN"}, "Fill in this field."),
        ({"code": "MN"}, "Fill in this field."),
        ({"name": "M" * 101, "code": "MN"}, "Use at most 100 characters."),
        ({"name": "Midden\x00Nederland", "code": "MN"}, "Remove the control characters"),
        ({"name": "Midden-Nederland"}, "Fill in this field."),
        ({"name": "Midden-Nederland", "code": "mn"}, "Use 2 to 4 capital letters"),
        ({"name": "Midden-Nederland", "code": "M"}, "Use 2 to 4 capital letters"),
        ({"name": "Midden-Nederland", "code": "MNLDS"}, "Use 2 to 4 capital letters"),
        ({"name": "Midden-Nederland", "code": "M1"}, "Use 2 to 4 capital letters"),
        ({"name": "Midden-Nederland", "code": "MN\n"}, None),
        ({"name": "Midden-Nederland", "code": "ÄB"}, "Use 2 to 4 capital letters"),
        ({"name": "Gooi en Vechtstreek", "code": "MN"}, "A region with this name already exists."),
        ({"name": "gooi EN vechtstreek", "code": "MN"}, "A region with this name already exists."),
        ({"name": "Midden-Nederland", "code": "RR"}, "A region with this code already exists."),
    ],
)
def test_bad_region_input_stores_nothing(client, admin, form, message):
    before = stored_regions()
    response = post(client, "/admin/regions/new", form)
    if message is None:  # a trailing line break is trimmed like other white space
        assert response.status_code == 302
        assert region("Midden-Nederland").code == "MN"
        return
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_regions() == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "Rotterdam-Rijnmond", "code": "GV"}, "A region with this name already exists."),
        ({"name": "Gooi en Vechtstreek", "code": "RR"}, "A region with this code already exists."),
        ({"name": "", "code": "GV"}, "Fill in this field."),
        ({"name": "Gooi en Vechtstreek", "code": "gv1"}, "Use 2 to 4 capital letters"),
    ],
)
def test_bad_region_edits_change_nothing(client, admin, form, message):
    before = stored_regions()
    response = post(client, f"/admin/regions/{region('Gooi en Vechtstreek').id}", form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_regions() == before


def test_municipalities_are_listed_under_their_region(client, admin):
    page = client.get("/admin/municipalities/").get_data(as_text=True)
    order = ["Gooi en Vechtstreek", "Hilversum", "Huizen", "Rotterdam-Rijnmond", "Rotterdam<"]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert "GM0606" in page


def municipality_form(**changes: object) -> dict[str, object]:
    form = {
        "name": "Utrecht",
        "cbs_code": "GM0344",
        "region": str(region("Gooi en Vechtstreek").id),
        "active": "y",
    }
    return {key: value for key, value in (form | changes).items() if value is not None}


def test_an_admin_adds_a_municipality(client, admin, audit_entries):
    response = post(client, "/admin/municipalities/new", municipality_form())
    assert response.status_code == 302
    assert response.location == "/admin/municipalities/"
    utrecht = municipality("GM0344")
    assert (utrecht.name, utrecht.region.name, utrecht.active) == (
        "Utrecht",
        "Gooi en Vechtstreek",
        True,
    )
    last = audit_entries()[-1]
    assert (last.action, last.object_type, last.object_id) == (
        "create",
        "municipalities",
        str(utrecht.id),
    )


def test_an_admin_moves_and_deactivates_a_municipality(client, admin, audit_entries):
    huizen = municipality("GM0406")
    rotterdam = str(region("Rotterdam-Rijnmond").id)
    form = municipality_form(name="Huizen", cbs_code="GM0406", region=rotterdam, active=None)
    assert post(client, f"/admin/municipalities/{huizen.id}", form).status_code == 302
    db.session.expire_all()
    assert (huizen.region.name, huizen.active) == ("Rotterdam-Rijnmond", False)
    assert audit_entries()[-1].detail == "fields:active.region"
    assert "inactive" in client.get("/admin/municipalities/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Fill in this field."),
        ({"name": None}, "Fill in this field."),
        ({"name": "U" * 101}, "Use at most 100 characters."),
        ({"cbs_code": None}, "Fill in this field."),
        ({"cbs_code": "GM344"}, "Use GM followed by 4 digits"),
        ({"cbs_code": "gm0344"}, "Use GM followed by 4 digits"),
        ({"cbs_code": "GM03444"}, "Use GM followed by 4 digits"),
        ({"cbs_code": "GMABCD"}, "Use GM followed by 4 digits"),
        ({"cbs_code": "GM０３４４"}, "Use GM followed by 4 digits"),
        ({"cbs_code": "GM0402"}, "A municipality with this CBS code already exists."),
        ({"region": "999999"}, "Choose one of the options."),
        ({"region": None}, "Choose one of the options."),
    ],
)
def test_bad_municipality_input_stores_nothing(client, admin, changes, message):
    before = stored_municipalities()
    response = post(client, "/admin/municipalities/new", municipality_form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_municipalities() == before


def test_a_municipality_cannot_take_anothers_cbs_code(client, admin):
    before = stored_municipalities()
    huizen = municipality("GM0406")
    form = municipality_form(name="Huizen", cbs_code="GM0599")
    response = post(client, f"/admin/municipalities/{huizen.id}", form)
    assert response.status_code == 422
    assert "A municipality with this CBS code already exists." in response.get_data(as_text=True)
    assert stored_municipalities() == before


def test_unknown_regions_and_municipalities_are_404(client, admin):
    assert client.get("/admin/regions/999999").status_code == 404
    assert client.get("/admin/municipalities/999999").status_code == 404
    count = db.session.scalar(select(func.count()).select_from(Region))
    assert post(client, "/admin/regions/999999", {"name": "X", "code": "XX"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Region)) == count
