"""A chain director: the regional figures with their hidden cells, the yearly monitor, and no
way into a client file, neither by the menu nor by a file's address."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.journey import (
    COORDINATOR_GV,
    DIRECTOR_GV,
    choose,
    expect_heading,
    fill,
    follow,
    press,
    save_screenshot,
    sign_in,
    today,
)

SUPPRESSED = "x"
# A count shown must be 0 or at least the threshold (5): 1 to 4 are always hidden.
SMALL_COUNT = re.compile(r"^[1-4]$")


def a_client_file(browser: Browser, context_args: dict) -> tuple[str, str]:
    """The address and client name of a file in the region, as a coordinator sees them."""
    context = browser.new_context(**context_args)
    try:
        page = context.new_page()
        sign_in(page, *COORDINATOR_GV)
        page.get_by_role("table", name=re.compile("Werkvoorraad")).get_by_role("link").first.click()
        expect(page.get_by_role("heading", name="Tijdlijn")).to_be_visible()
        name = page.get_by_role("heading", level=1).inner_text().rsplit(" ", 1)[0]
        return page.url, name
    finally:
        context.close()


def test_chain_director_journey(
    page: Page, browser: Browser, browser_context_args: dict, screenshot_dir: Path | None
) -> None:
    file_url, client_name = a_client_file(browser, browser_context_args)
    sign_in(page, *DIRECTOR_GV)
    expect_heading(page, "Cijfers van regio Gooi en Vechtstreek")
    assert_accessible(page, "dashboard")
    save_screenshot(page, screenshot_dir, "dashboard.png")

    # Last year's figures: some cells are hidden with the mark, none shows 1 to 4.
    last_year = str(today().year - 1)
    fill(page, "Periode", last_year)
    press(page, "Toon")
    expect_heading(page, f"Cijfers van regio Gooi en Vechtstreek, {last_year}")
    expect(page.get_by_text("Aantallen van 1 tot en met 4 zijn verborgen")).to_be_visible()
    cells = page.locator("main table td")
    expect(cells.filter(has_text=re.compile(rf"^{SUPPRESSED}$")).first).to_be_visible()
    shown = [text.strip() for text in cells.all_inner_texts()]
    assert not [text for text in shown if SMALL_COUNT.match(text)], shown
    assert_accessible(page, "dashboard, last year")

    # A period that is not over yet is refused, with the reason.
    fill(page, "Periode", str(today().year))
    press(page, "Toon")
    expect(page.get_by_role("alert")).to_contain_text("Deze periode is nog niet voorbij")
    assert_accessible(page, "dashboard, period refused")

    follow(page.get_by_role("navigation", name="Hoofdmenu"), "Jaarmonitor")
    expect_heading(page, "Regionale mensenhandelmonitor")
    assert_accessible(page, "yearly monitor: choose a year")
    choose(page, "Jaar", last_year)
    press(page, "Monitor tonen")
    expect_heading(page, f"Regionale mensenhandelmonitor Gooi en Vechtstreek {last_year}")
    expect(page.get_by_role("heading", name="Werkwijze")).to_be_visible()
    assert_accessible(page, "yearly monitor")

    # No caseload, no search, and a file's address answers "no access" without a name.
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link", name="Werkvoorraad")).to_have_count(0)
    expect(page.get_by_role("search")).to_have_count(0)
    response = page.goto(file_url)
    assert response is not None and response.status == 403
    expect_heading(page, "Geen toegang")
    expect(page.locator("body")).not_to_contain_text(client_name)
    assert_accessible(page, "client file refused (403)")
