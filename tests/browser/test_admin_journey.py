"""An administrator: creates a user who can then sign in, resets the second factor of a
coordinator who lost her phone, and reads who opened a client file."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.journey import (
    ADMIN,
    COORDINATOR_GV,
    COORDINATOR_RR,
    REGION_GV,
    Account,
    choose,
    expect_heading,
    expect_message,
    field,
    fill,
    follow,
    press,
    sign_in,
    tick,
)

NEW_USER = Account(
    email="ketenregisseur2.gv@example.org",
    name="Jasper Wijnands",
    password="zeven-reigers-boven-het-naardermeer",
)


@pytest.fixture
def new_users_page(browser: Browser, browser_context_args: dict) -> Iterator[Page]:
    context = browser.new_context(**browser_context_args)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_admin_creates_a_user_who_can_sign_in(page: Page, new_users_page: Page) -> None:
    sign_in(page, *ADMIN)
    expect_heading(page, "Beheer")
    follow(page.get_by_role("navigation", name="Beheer"), "Gebruikers")
    expect_heading(page, "Gebruikers")
    assert_accessible(page, "admin: users")
    follow(page.get_by_role("main"), "Gebruiker aanmaken")
    expect_heading(page, "Gebruiker aanmaken")
    assert_accessible(page, "admin: new user form")

    fill(page, "Naam", NEW_USER.name)
    fill(page, "E-mailadres", NEW_USER.email)
    choose(page, "Rol", "ketenregisseur")
    choose(page, "Regio", REGION_GV)
    fill(page, "Eerste wachtwoord", NEW_USER.password)
    fill(page, "Eerste wachtwoord nogmaals", "iets-anders-dan-het-eerste-wachtwoord")
    press(page, "Gebruiker aanmaken")
    expect(field(page, "Eerste wachtwoord nogmaals")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "admin: new user refused (422)")

    # Password fields come back empty; she types both again.
    fill(page, "Eerste wachtwoord", NEW_USER.password)
    fill(page, "Eerste wachtwoord nogmaals", NEW_USER.password)
    press(page, "Gebruiker aanmaken")
    expect_message(page, "Geef het eerste wachtwoord persoonlijk")
    users = page.get_by_role("table")
    expect(users.get_by_role("row").filter(has_text=NEW_USER.email)).to_contain_text(NEW_USER.name)
    assert_accessible(page, "admin: user created")

    sign_in(new_users_page, NEW_USER.email, NEW_USER.password)
    expect_heading(new_users_page, "Cijfers van regio Gooi en Vechtstreek")


def test_admin_resets_the_second_factor_of_a_coordinator_who_lost_her_phone(
    page: Page, new_users_page: Page
) -> None:
    coordinator = new_users_page
    sign_in(coordinator, *COORDINATOR_RR)
    expect_heading(coordinator, "Werkvoorraad")

    sign_in(page, *ADMIN)
    follow(page.get_by_role("navigation", name="Beheer"), "Gebruikers")
    follow(page.get_by_role("table"), "Demo Zorgcoördinator Rijnmond")
    assert_accessible(page, "admin: user page")
    tick(page, "Ja, reset de tweestapsverificatie van deze gebruiker")
    press(page, "Tweestapsverificatie resetten")
    expect_message(page, "De tweestapsverificatie is gereset")
    assert_accessible(page, "admin: second factor reset")

    # Her open session has ended at once; signing in again sets up a new key.
    coordinator.reload()
    expect_heading(coordinator, "Inloggen")
    sign_in(coordinator, *COORDINATOR_RR)
    expect_heading(coordinator, "Werkvoorraad")


def test_admin_reads_who_accessed_a_file(page: Page, new_users_page: Page) -> None:
    coordinator = new_users_page
    sign_in(coordinator, *COORDINATOR_GV)
    caseload = coordinator.get_by_role("table", name=re.compile("Werkvoorraad"))
    caseload.get_by_role("link").first.click()
    expect(coordinator.get_by_role("heading", name="Tijdlijn")).to_be_visible()
    heading = coordinator.get_by_role("heading", level=1).inner_text()
    client_name, case_number = heading.rsplit(" ", 1)

    sign_in(page, *ADMIN)
    follow(page.get_by_role("navigation", name="Beheer"), "Toegangslog")
    expect_heading(page, "Toegangslog")
    assert_accessible(page, "admin: access log")
    fill(page, "Dossiernummer", case_number)
    press(page, "Filteren")
    expect_heading(page, "Wie dit dossier heeft ingezien")
    entries = page.get_by_role("table")
    expect(
        entries.get_by_role("row").filter(has_text="Demo Zorgcoördinator Gooi")
    ).not_to_have_count(0)
    expect(entries).to_contain_text(case_number)
    # The log names the file by its case number only, never by the client's name.
    expect(page.get_by_role("main")).not_to_contain_text(client_name)
    assert_accessible(page, "admin: who accessed this file")
