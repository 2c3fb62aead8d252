"""A coordinator makes a CoMensha export of a closed period and downloads it: rows of codes,
with no name or date of birth of any demo client in the file."""

from __future__ import annotations

import csv
import io
from datetime import date

from playwright.sync_api import Page, expect

from carecoord.demo.people import PeopleGenerator
from carecoord.demo.seed import BASE_CLIENTS, BASE_SEED
from tests.browser.accessibility import assert_accessible
from tests.browser.journey import (
    COORDINATOR_GV,
    choose,
    expect_heading,
    expect_message,
    follow,
    press,
    sign_in,
    today,
)


def demo_identities() -> tuple[set[str], set[str]]:
    """The demo clients' names (whole, and each part of 4 letters or more) and dates of
    birth, drawn again from the seed the demo data came from."""
    people = PeopleGenerator(BASE_SEED, date.today())
    specs = [people.client(on) for on in people.notification_dates(BASE_CLIENTS)]
    names = {spec.name for spec in specs}
    names |= {part for spec in specs for part in spec.name.split() if len(part) >= 4}
    births = {spec.date_of_birth.isoformat() for spec in specs if spec.date_of_birth}
    return names, births


def test_coordinator_exports_to_comensha(page: Page) -> None:
    period = str(today().year - 1)
    sign_in(page, *COORDINATOR_GV)
    follow(page.get_by_role("navigation", name="Hoofdmenu"), "CoMensha-exports")
    expect_heading(page, "CoMensha-exports")
    assert_accessible(page, "exports")

    choose(page, "Periode", period)
    press(page, "Export maken")
    expect_message(page, f"De export van {period} is gemaakt.")
    made = page.get_by_role("table", name="Gemaakte exports").get_by_role("row", name=period)
    expect(made).to_be_visible()
    assert_accessible(page, "export made")

    with page.expect_download() as download_info:
        made.get_by_role("link", name=".csv").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_text(encoding="utf-8-sig")

    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, text[:500]
    names, births = demo_identities()
    assert not [name for name in names if name.casefold() in text.casefold()]
    assert not [born for born in births if born in text]
