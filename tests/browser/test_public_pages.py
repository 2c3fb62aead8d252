"""The pages anyone can reach: sign-in in Dutch and English, accessible and reflowing."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible


def test_sign_in_page_is_dutch_and_accessible(page: Page) -> None:
    page.goto("/sign-in")
    expect(page.locator("h1")).to_contain_text("Inloggen")
    assert_accessible(page, "sign-in")


def test_sign_in_page_in_english(page: Page) -> None:
    page.goto("/sign-in")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page, "sign-in (en)", language="en")


def test_skip_link_is_first_and_visible_on_focus(page: Page) -> None:
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
