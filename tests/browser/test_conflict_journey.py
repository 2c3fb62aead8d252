"""Two coordinators of one region edit the same trajectory at once: the second meets the
conflict page, which keeps what she typed and shows what changed, and she saves again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.journey import (
    COORDINATOR_GV,
    REGION_GV,
    Account,
    create_user_on_command_line,
    expect_heading,
    field,
    fill,
    follow,
    press,
    sign_in,
)

SECOND_COORDINATOR = Account(
    email="coordinator2.gv@example.org",
    name="Sanne Veldhuis",
    password="paarse-olifant-wandelt-langs-de-vecht",
)
FIRST_NOTE = "Telefonisch gesproken; afspraak bij de huisarts gemaakt."
SECOND_NOTE = "Huisbezoek; de cliënt wil graag een taalcursus volgen."


@pytest.fixture(scope="module")
def second_coordinator(server_env: dict[str, str]) -> Account:
    """A second coordinator of Gooi en Vechtstreek, added the way an operator adds one."""
    create_user_on_command_line(
        server_env, SECOND_COORDINATOR, role="coordinator", region=REGION_GV
    )
    return SECOND_COORDINATOR


@pytest.fixture
def second_page(browser: Browser, browser_context_args: dict) -> Iterator[Page]:
    """Her own browser: a separate context, so separate cookies and session."""
    context = browser.new_context(**browser_context_args)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_second_save_meets_the_conflict_page(
    page: Page, second_page: Page, second_coordinator: Account
) -> None:
    first, second = page, second_page
    sign_in(first, *COORDINATOR_GV)
    sign_in(second, second_coordinator.email, second_coordinator.password)

    # The first coordinator opens a file from her caseload; the second finds it by case number.
    first.get_by_role("table", name=re.compile("Werkvoorraad")).get_by_role("link").first.click()
    case_number = first.get_by_role("heading", level=1).locator(".muted").inner_text()
    fill(second.get_by_role("search"), "Cliënt zoeken", case_number)
    press(second.get_by_role("search"), "Zoeken")
    follow(second.get_by_role("table"), case_number)
    expect(second.get_by_role("heading", level=1)).to_contain_text(case_number)

    # Both open the contact-moment form of the same trajectory.
    follow(first, "Contactmoment toevoegen")
    follow(second, "Contactmoment toevoegen")
    expect_heading(second, "Contactmoment toevoegen")

    fill(first, "Wat er is gebeurd", FIRST_NOTE)
    press(first, "Toevoegen aan de tijdlijn")
    expect(first.get_by_role("region", name="Tijdlijn")).to_contain_text(FIRST_NOTE)

    fill(second, "Wat er is gebeurd", SECOND_NOTE)
    press(second, "Toevoegen aan de tijdlijn")
    conflict = second.get_by_role("alert").filter(has_text="Iemand anders heeft dit traject")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Gewijzigd sinds je het formulier opende")
    expect(conflict).to_contain_text(FIRST_NOTE)
    expect(field(second, "Wat er is gebeurd")).to_have_value(SECOND_NOTE)
    assert_accessible(second, "conflict page (409)")

    # She checks, and saves again: now both notes are on the timeline, hers once.
    press(second, "Toevoegen aan de tijdlijn")
    timeline = second.get_by_role("region", name="Tijdlijn")
    expect(timeline).to_contain_text(SECOND_NOTE)
    expect(timeline).to_contain_text(FIRST_NOTE)
    expect(timeline.get_by_text(SECOND_NOTE)).to_have_count(1)
    assert_accessible(second, "client file after the conflict")
