"""A coordinator's day in the browser: from a new notification to closure and reopening.

Every page state on the way, the refusals included, passes axe, the language check and 320 px
reflow. The journey runs a second time with the keyboard only; a shorter keyboard test checks
the skip link and that each focus indicator differs from the unfocused element.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.journey import (
    COORDINATOR_GV,
    activate,
    assert_focus_visible,
    choose,
    expect_heading,
    expect_message,
    field,
    fill,
    fill_date,
    follow,
    press,
    save_screenshot,
    sign_in,
    tab_to,
    tick,
    today,
    unfocused_styles,
)
from tests.browser.modes import keyboard_only

KEYBOARD_CLIENT_NAME = "ليلى حداد"
DECLINING_PROVIDER = "Demo Opvang Gooi"
ACCEPTING_PROVIDER = "Demo GGZ Gooi"
HOUSING = "opvang en huisvesting"
MENTAL_HEALTH = "psychische gezondheid"
CONDITIONS = (
    "De cliënt weet welke stappen in het verblijfsrecht hij of zij wil zetten",
    "De cliënt kent zijn of haar rechten op voorzieningen",
    re.compile(r"^De cliënt weet bij welke instantie"),
)


@dataclass(frozen=True)
class Person:
    name: str
    born: date
    nationality: str


# Invented people; Cyrillic script and Latin with diacritics, as names are typed "as they are
# written". The keyboard run's nationality is near the top of the list: it is chosen with the
# arrow keys.
BY_MOUSE = Person("Олена Шевченко", date(1994, 3, 8), "Oekraïne")
BY_KEYBOARD = Person("Zarmina Ahmadzaï", date(1999, 11, 2), "Afghanistan")


@pytest.mark.parametrize("by_keyboard", [False, True], ids=["mouse", "keyboard-only"])
def test_coordinator_journey(page: Page, screenshot_dir: Path | None, by_keyboard: bool) -> None:
    """The whole journey; the second time with the keyboard only (Tab, typing, arrows, Space,
    Enter), every field, button and link reached by Tab with a visible focus indicator."""
    person = BY_KEYBOARD if by_keyboard else BY_MOUSE
    screenshots = None if by_keyboard else screenshot_dir
    day = today()
    notified_on = day - timedelta(days=20)
    with keyboard_only() if by_keyboard else nullcontext():
        sign_in(page, *COORDINATOR_GV, keyboard=by_keyboard)
        expect_heading(page, "Werkvoorraad van Gooi en Vechtstreek")
        assert_accessible(page, "caseload")
        save_screenshot(page, screenshots, "caseload.png")
        open_demo_file(page, screenshots)
        register_client(page, notified_on, person)
        complete_intake(page, notified_on)
        record_sharing_consents(page, day)
        hand_over_declined(page)
        hand_over_accepted_and_started(page)
        log_care_meeting(page)
        close_refused_then_settled(page, day, screenshots)
        reopen(page, day)


def open_demo_file(page: Page, screenshot_dir: Path | None) -> None:
    """A demo client's file from the caseload: the README's picture of a client file."""
    activate(page.get_by_role("table", name=re.compile("Werkvoorraad")).get_by_role("link").first)
    expect(page.get_by_role("heading", name="Tijdlijn")).to_be_visible()
    assert_accessible(page, "client file (demo client)")
    save_screenshot(page, screenshot_dir, "client-file.png")


def register_client(page: Page, notified_on: date, person: Person) -> None:
    follow(page.get_by_role("navigation", name="Hoofdmenu"), "Cliënt registreren")
    expect_heading(page, "Cliënt registreren")
    assert_accessible(page, "registration form")
    # Sent empty first: the refusal names each missing field.
    press(page, "Registreren")
    expect_message(page, "Het formulier is niet opgeslagen")
    expect(field(page, "Naam")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "registration refused (422)")

    fill_date(page, "Datum van aanmelding", notified_on)
    choose(page, "Melder", "politie")
    tick(page, "arbeidsuitbuiting")
    fill(page, "Naam", person.name)
    fill_date(page, "Geboortedatum", person.born)
    choose(page, "Nationaliteit", person.nationality)
    choose(page, "Gender", "vrouw")
    choose(page, "Woongemeente", "Hilversum")
    press(page, "Registreren")
    expect_heading(page, person.name)
    expect(page.get_by_role("region", name="Status")).to_contain_text("intake")
    assert_accessible(page, "client file (new client)")


def complete_intake(page: Page, notified_on: date) -> None:
    follow(page, "Intake openen")
    expect_heading(page, "Intake")
    assert_accessible(page, "intake")

    inventory = page.get_by_role("region", name="Inventarisatie van de leefgebieden")
    tick(inventory, f"Geïnventariseerd: {HOUSING}")
    tick(inventory, f"Hulpvraag: {HOUSING}")
    fill(inventory, f"Notitie over {HOUSING}", "Slaapt tijdelijk bij een kennis; zoekt opvang.")
    tick(inventory, f"Geïnventariseerd: {MENTAL_HEALTH}")
    tick(inventory, f"Hulpvraag: {MENTAL_HEALTH}")
    press(inventory, "Inventarisatie opslaan")
    expect_message(page, "De inventarisatie van de leefgebieden is opgeslagen.")
    assert_accessible(page, "intake: needs saved")

    informed = page.get_by_role("region", name="Informatie aan de cliënt")
    topics = informed.get_by_role("group")
    expect(topics).to_have_count(3)
    for topic in topics.all():
        tick(topic, "De cliënt is hierover geïnformeerd")
        fill_date(topic, "Geïnformeerd op", notified_on + timedelta(days=2))
        fill(topic, "Taal van het gesprek", "Oekraïens")
        tick(topic, "Tolk ingezet")
    press(informed, "Gegeven informatie opslaan")
    expect(informed).to_contain_text("met tolk")
    assert_accessible(page, "intake: information saved")

    press(page, "Intake afronden")
    expect_message(page, "De intake is afgerond")
    assert_accessible(page, "intake completed")
    follow(page, "Terug naar het cliëntdossier")


def record_sharing_consents(page: Page, day: date) -> None:
    follow(page, "Toestemming vastleggen of intrekken")
    expect_heading(page, "Toestemming")
    assert_accessible(page, "consent")
    for provider in (DECLINING_PROVIDER, ACCEPTING_PROVIDER):
        choose(page, "Doel", "delen met een zorgaanbieder")
        choose(page, "Zorgaanbieder", provider)
        fill_date(page, "Gegeven op", day)
        choose(page, "Gegeven door", "de cliënt")
        press(page, "Toestemming vastleggen")
        recorded = page.get_by_role("region", name="Vastgelegde toestemmingen")
        expect(recorded.get_by_role("row").filter(has_text=provider)).to_be_visible()
    assert_accessible(page, "consent recorded")
    follow(page, "Terug naar het cliëntdossier")


def add_help_question(page: Page, domain: str, text: str, *, check: bool = True) -> Locator:
    """Add a help question from the client file; returns its part of the file.

    `check=False` on a second pass through the same pages: axe already saw them."""
    follow(page, "Hulpvraag toevoegen")
    expect_heading(page, "Hulpvraag toevoegen")
    if check:
        assert_accessible(page, "help question form")
    choose(page, "Leefgebied", domain)
    fill(page, "Omschrijving", text)
    press(page, "Hulpvraag toevoegen")
    question = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=re.compile(domain))
    )
    expect(question).to_contain_text("Nog niet overgedragen.")
    return question


def change_status(
    page: Page, action: str, heading: str, reason: str | None = None, *, check: bool = True
) -> None:
    """On the help-question page: follow the handover's next step and save it."""
    follow(page, action)
    expect_heading(page, heading)
    if check:
        assert_accessible(page, f"handover: {heading}")
    if reason is not None:
        fill(page, "Reden van afwijzing", reason)
    press(page, "Opslaan")
    expect_heading(page, "Hulpvraag")


def propose(page: Page, question: Locator, provider: str, *, check: bool = True) -> None:
    follow(question, "Overdracht voorstellen")
    expect_heading(page, "Overdracht voorstellen")
    if check:
        assert_accessible(page, "propose a handover")
    choose(page, "Zorgaanbieder", provider)
    press(page, "Overdracht voorstellen")
    expect_heading(page, "Hulpvraag")
    expect(page.get_by_role("region", name="Overdrachten")).to_contain_text(provider)


def hand_over_declined(page: Page) -> None:
    question = add_help_question(page, HOUSING, "Zoekt een veilige opvangplek in de regio.")
    assert_accessible(page, "client file with a help question")
    propose(page, question, DECLINING_PROVIDER)
    change_status(page, "Markeren als verstuurd", "Overdracht versturen")
    change_status(page, "Afwijzing vastleggen", "De zorgaanbieder heeft afgewezen", "Vol.")
    handovers = page.get_by_role("region", name="Overdrachten")
    expect(handovers).to_contain_text("afgewezen")
    expect(page.get_by_role("link", name="Overdragen aan een andere zorgaanbieder")).to_be_visible()
    assert_accessible(page, "help question: declined")
    follow(page, "Terug naar het cliëntdossier")


def hand_over_accepted_and_started(page: Page) -> None:
    text = "Traumabehandeling, bij voorkeur met tolk."
    question = add_help_question(page, MENTAL_HEALTH, text, check=False)
    propose(page, question, ACCEPTING_PROVIDER, check=False)
    change_status(page, "Markeren als verstuurd", "Overdracht versturen", check=False)
    change_status(page, "Acceptatie vastleggen", "De zorgaanbieder heeft geaccepteerd")
    change_status(page, "Start van de zorg vastleggen", "De zorg is gestart")
    expect(page.get_by_role("region", name="Overdrachten")).to_contain_text("gestart")
    assert_accessible(page, "help question: care started")
    follow(page, "Terug naar het cliëntdossier")


def log_care_meeting(page: Page) -> None:
    follow(page, "Zorgoverleg toevoegen")
    expect_heading(page, "Zorgoverleg toevoegen")
    press(page, "Toevoegen aan de tijdlijn")
    expect(field(page, "Deelnemende organisaties")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "care meeting refused (422)")
    fill(page, "Deelnemende organisaties", f"{ACCEPTING_PROVIDER}\nGemeente Hilversum")
    fill(page, "Afspraken", "GGZ start de behandeling; de gemeente zoekt woonruimte.")
    press(page, "Toevoegen aan de tijdlijn")
    timeline = page.get_by_role("region", name="Tijdlijn")
    expect(timeline).to_contain_text("Gemeente Hilversum")
    assert_accessible(page, "client file after a care meeting")


def close_refused_then_settled(page: Page, day: date, screenshot_dir: Path | None) -> None:
    follow(page, "Traject afsluiten")
    expect_heading(page, "Traject afsluiten")
    assert_accessible(page, "closure form")
    closure = page.get_by_role("region", name="Afronding")
    choose(closure, "Reden van afronding", "afgerond (regulier)")
    tick(closure, "Trek deze open overdrachten in bij de afronding")
    press(closure, "Traject afsluiten")

    refusal = page.get_by_role("alert").filter(has_text="Dit kan niet worden opgeslagen")
    expect(refusal).to_be_visible()
    expect(refusal.get_by_role("listitem")).to_have_count(3)
    expect(refusal).to_contain_text("rechten op voorzieningen")
    assert_accessible(page, "closure refused (409)")
    save_screenshot(page, screenshot_dir, "closure-refused.png")

    conditions = page.get_by_role("region", name="Voorwaarden voor een reguliere afronding")
    for condition in CONDITIONS:
        fill_date(conditions, condition, day)
    press(conditions, "Voorwaarden opslaan")
    expect_message(page, "De voorwaarden zijn opgeslagen.")
    assert_accessible(page, "closure conditions settled")

    closure = page.get_by_role("region", name="Afronding")
    choose(closure, "Reden van afronding", "afgerond (regulier)")
    tick(closure, "Trek deze open overdrachten in bij de afronding")
    press(closure, "Traject afsluiten")
    expect_message(page, "Het traject is afgesloten.")
    expect(page.get_by_role("region", name="Status")).to_contain_text("afgerond (regulier)")
    assert_accessible(page, "client file, closed")


def reopen(page: Page, day: date) -> None:
    follow(page, "Traject heropenen")
    expect_heading(page, "Traject heropenen")
    assert_accessible(page, "reopen form")
    fill_date(page, "Datum van heropening", day)
    fill(page, "Reden van heropening", "Nieuwe hulpvraag na terugval.")
    press(page, "Traject heropenen")
    expect_message(page, "Het traject is heropend.")
    status = page.get_by_role("region", name="Status")
    expect(status).to_contain_text("hulpverlening")
    expect(status.get_by_role("link", name="Traject afsluiten")).to_be_visible()
    assert_accessible(page, "client file, reopened")


# Keyboard only ------------------------------------------------------------------------------


def skip_to_content(page: Page) -> dict:
    """The skip link is the first Tab stop of the page, visibly focused, and Enter on it moves
    focus to the main content. Returns the unfocused styles for `tab_to`."""
    before = unfocused_styles(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_visible(page, before)
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    return before


def test_coordinator_keyboard_only(page: Page) -> None:
    """Sign in, register a client and save the needs inventory with Tab, typing, Space, Enter."""
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Direct naar de inhoud")).to_be_focused()
    sign_in(page, *COORDINATOR_GV, keyboard=True)
    expect_heading(page, "Werkvoorraad")

    before = skip_to_content(page)
    # Back up into the header (Shift+Tab) for the menu.
    tab_to(page, "Cliënt registreren", backwards=True, before=before)
    page.keyboard.press("Enter")
    expect_heading(page, "Cliënt registreren")

    # The date of notification is today's, as filled in; Tab passes through its parts.
    before = skip_to_content(page)
    tab_to(page, "Melder", before=before)
    page.keyboard.type("politie")
    tab_to(page, "seksuele uitbuiting", before=before)
    page.keyboard.press("Space")
    tab_to(page, "Naam", before=before)
    page.keyboard.type(KEYBOARD_CLIENT_NAME)
    tab_to(page, "Gender", before=before)
    page.keyboard.type("vrouw")
    tab_to(page, "Registreren", before=before)
    page.keyboard.press("Enter")
    expect_heading(page, KEYBOARD_CLIENT_NAME)

    before = skip_to_content(page)
    tab_to(page, "Intake openen", before=before)
    page.keyboard.press("Enter")
    expect_heading(page, "Intake")
    before = skip_to_content(page)
    tab_to(page, f"Geïnventariseerd: {HOUSING}", before=before)
    page.keyboard.press("Space")
    tab_to(page, f"Hulpvraag: {HOUSING}", before=before)
    page.keyboard.press("Space")
    tab_to(page, f"Notitie over {HOUSING}", before=before)
    page.keyboard.type("Zoekt opvang.")
    tab_to(page, "Inventarisatie opslaan", before=before)
    page.keyboard.press("Enter")
    expect_message(page, "De inventarisatie van de leefgebieden is opgeslagen.")
    expect(page.get_by_role("checkbox", name=f"Geïnventariseerd: {HOUSING}")).to_be_checked()
    assert_accessible(page, "intake saved by keyboard")
