"""What the browser journeys do as a person would: sign in, fill labelled fields, press buttons.

Every sign-in of every journey goes through `sign_in`, so a change to signing in (a second
factor, say) is made in one place. Fields are found by their Dutch label and buttons and links
by their role and name, the way a sighted or screen-reader user finds them; never by CSS id.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyotp
from playwright.sync_api import Locator, Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.modes import mode
from tests.browser.server import ROOT

# The demo accounts of `flask demo seed` (README); these passwords are public.
COORDINATOR_GV = ("coordinator.gv@example.org", "demo-coordinator-gooi-2026")
DIRECTOR_GV = ("director.gv@example.org", "demo-ketenregie-gooi-2026")
COORDINATOR_RR = ("coordinator.rr@example.org", "demo-coordinator-rijnmond-2026")
ADMIN = ("admin@example.org", "demo-beheerder-carecoord-2026")
REGION_GV = "Gooi en Vechtstreek"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

Scope = Page | Locator


def today() -> date:
    """The app's today: it dates everything in Amsterdam, not in the test machine's zone."""
    return datetime.now(AMSTERDAM).date()


def label(text: str | re.Pattern[str]) -> re.Pattern[str]:
    """A field's accessible name: its label, with the "(verplicht)" marker of a required one."""
    if isinstance(text, re.Pattern):
        return text
    return re.compile(rf"^\s*{re.escape(text)}(\s*\(verplicht\))?\s*$")


def field(scope: Scope, text: str | re.Pattern[str]) -> Locator:
    return scope.get_by_label(label(text))


def fill(scope: Scope, text: str, value: str) -> None:
    target = field(scope, text)
    if not mode.keyboard:
        target.fill(value)
        return
    reach(target)
    target.page.keyboard.press("Control+A")
    target.page.keyboard.type(value)


def fill_date(scope: Scope, text: str | re.Pattern[str], value: date) -> None:
    # A date input takes ISO 8601 from fill(), whatever the display format of the locale. By
    # keyboard it is reached with Tab first; the order of its typed parts (day, month, year)
    # follows Chromium's own locale, so the value itself is still set with fill().
    target = field(scope, text)
    if mode.keyboard:
        reach(target)
    target.fill(value.isoformat())


def choose(scope: Scope, text: str, option: str) -> None:
    target = field(scope, text)
    if not mode.keyboard:
        target.select_option(label=option)
        return
    # A closed select: Home, then the arrow keys until the option is chosen.
    reach(target)
    target.page.keyboard.press("Home")
    for _ in range(target.evaluate("select => select.options.length")):
        if target.evaluate(_SELECTED_TEXT) == option:
            return
        target.page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {option!r} not reached with the arrow keys")


def tick(scope: Scope, text: str) -> None:
    target = scope.get_by_role("checkbox", name=label(text))
    if not mode.keyboard:
        target.check()
        return
    reach(target)
    if not target.is_checked():
        target.page.keyboard.press("Space")
    expect(target).to_be_checked()


def press(scope: Scope, name: str) -> None:
    activate(scope.get_by_role("button", name=name, exact=True))


def follow(scope: Scope, name: str) -> None:
    activate(scope.get_by_role("link", name=name, exact=True))


def activate(target: Locator) -> None:
    """Click, or by keyboard: Tab to it and press Enter."""
    if not mode.keyboard:
        target.click()
        return
    reach(target)
    target.page.keyboard.press("Enter")


_SELECTED_TEXT = "select => select.options[select.selectedIndex].textContent.trim()"
_HAS_FOCUS = "element => element === document.activeElement"


def reach(target: Locator) -> None:
    """Press Tab until `target` has focus (from wherever focus is, around the page if need
    be), then check that it is on screen with a visible focus indicator."""
    page = target.page
    for _ in range(MAX_TABS):
        if target.evaluate(_HAS_FOCUS):
            assert_focus_visible(page)
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} not reached with Tab on {page.url}")


def expect_heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def expect_message(page: Page, text: str) -> None:
    """A flash message ("status") or an error summary ("alert") that says `text`."""
    expect(page.locator("[role=status], [role=alert]").filter(has_text=text).first).to_be_visible()


# Signing in ---------------------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str, *, keyboard: bool = False) -> None:
    """Sign in through the form, as a person would; ends on the role's home page.

    Two steps: the password, then a code from the authenticator app. On an account's first
    sign-in the app is set up: the key is read from the page (as a person would type it into
    the app), and the ten recovery codes are acknowledged. With `keyboard`, only the keyboard
    is used: Tab to each field, type, Enter.
    """
    page.goto("/sign-in")
    expect_heading(page, "Inloggen")
    _type_into(page, {"E-mailadres": email, "Wachtwoord": password}, "Inloggen", keyboard)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("Vul je code in|Tweestapsverificatie instellen"))
    if "instellen" in heading.inner_text():
        assert_accessible(page, "two-factor enrolment")
        key = page.locator("#secret-key").inner_text()
        authenticator.add(email, key)
        expect(page.locator("figure svg")).to_be_visible()
        _type_into(
            page, {"Code uit de app": authenticator.code(email)}, "Bevestigen en inloggen", keyboard
        )
        expect_heading(page, "Je herstelcodes")
        assert page.locator(".recovery-codes li").count() == 10
        assert_accessible(page, "recovery codes")
        finish = page.get_by_role("link", name="Ik heb ze bewaard, verder")
        if keyboard:
            finish.focus()
            page.keyboard.press("Enter")
        else:
            finish.click()
    else:
        _type_into(page, {"Code": authenticator.code(email)}, "Inloggen", keyboard)
    expect(page).not_to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def _type_into(page: Page, values: dict[str, str], button: str, keyboard: bool) -> None:
    if keyboard:
        for name, value in values.items():
            tab_to(page, name)
            page.keyboard.type(value)
        page.keyboard.press("Enter")
        return
    for name, value in values.items():
        fill(page, name, value)
    press(page, button)


class Authenticator:
    """The phone app: one TOTP key per account, and never the same code twice (the app
    refuses a replayed code, so a quick second sign-in takes the next 30-second step)."""

    def __init__(self) -> None:
        self._keys: dict[str, pyotp.TOTP] = {}
        self._last_step: dict[str, int] = {}

    def add(self, email: str, key: str) -> None:
        self._keys[email] = pyotp.TOTP(re.sub(r"\s", "", key))
        self._last_step.pop(email, None)

    def code(self, email: str) -> str:
        totp = self._keys[email]
        now = int(time.time()) // 30
        step = max(now, self._last_step.get(email, now - 1) + 1)
        while step > now + 1:  # the app accepts one step of drift, not more: wait
            time.sleep(1)
            now = int(time.time()) // 30
        self._last_step[email] = step
        return totp.at(step * 30)


authenticator = Authenticator()


def sign_out(page: Page) -> None:
    press(page, "Uitloggen")
    expect_heading(page, "Inloggen")


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    name: str


def create_user_on_command_line(
    env: dict[str, str], account: Account, *, role: str, region: str
) -> None:
    """`flask users create`, the way an operator adds an account; the password goes to its
    prompt on stdin (a new session has no terminal, so getpass reads stdin)."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "users", "create"]
    options = ["--email", account.email, "--name", account.name, "--role", role]
    done = subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [*command, *options, "--region", region],
        cwd=ROOT,
        env=env,
        input=f"{account.password}\n{account.password}\n",
        capture_output=True,
        text=True,
        start_new_session=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]


# Keyboard only ------------------------------------------------------------------------------

# The focused element's accessible name, near enough for finding it: aria-label, its label,
# its text, or its value.
_FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const text = el.getAttribute("aria-label")
    || (el.labels && el.labels.length ? el.labels[0].textContent : "")
    || el.textContent || el.value || "";
  return text.replace(/\\s+/g, " ").trim();
}"""

# Whether the focused element is on screen and drawn differently from its unfocused self:
# an outline or a box shadow that the same element did not have before it had focus.
_FOCUS_RING = """(before) => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < window.innerHeight && box.left < window.innerWidth
    && style.visibility !== "hidden";
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
    ? style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor : "";
  const shadow = style.boxShadow === "none" ? "" : style.boxShadow;
  const id = el.dataset.ccFocusId;
  const earlier = id && before ? before[id] : null;
  const differs = earlier ? (earlier.ring !== ring || earlier.shadow !== shadow) : true;
  // Focus on the calendar button inside a date field: the host is not :focus then, and the
  // browser draws that button's focus ring itself.
  const inPicker = el.tagName === "INPUT" && !el.matches(":focus");
  return {onScreen, ring, shadow, differs, inPicker, tag: el.tagName};
}"""

# Before any Tab: each focusable element's outline and shadow without focus.
_UNFOCUSED_STYLES = """() => {
  const styles = {};
  document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]").forEach(
    (el, n) => {
      el.dataset.ccFocusId = String(n);
      const style = getComputedStyle(el);
      styles[n] = {
        ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
          ? style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor : "",
        shadow: style.boxShadow === "none" ? "" : style.boxShadow,
      };
    });
  return styles;
}"""
MAX_TABS = 200


def focused_name(page: Page) -> str:
    return page.evaluate(_FOCUSED_NAME)


def assert_focus_visible(page: Page, before: dict | None = None) -> None:
    """The focused element is on screen with a focus indicator it lacks without focus."""
    ring = page.evaluate(_FOCUS_RING, before)
    where = f"{ring['tag']} {focused_name(page)!r} on {page.url}: {ring}"
    assert ring["onScreen"], f"focused element off screen: {where}"
    if ring["inPicker"]:
        return
    assert ring["ring"] or ring["shadow"], f"no focus indicator: {where}"
    assert ring["differs"], f"focus indicator same as unfocused: {where}"


def unfocused_styles(page: Page) -> dict:
    """Call on a fresh page before tabbing, and pass the result to `tab_to`."""
    return page.evaluate(_UNFOCUSED_STYLES)


def tab_to(
    page: Page, name: str | re.Pattern[str], *, backwards: bool = False, before: dict | None = None
) -> None:
    """Press Tab (Shift+Tab) until the focused element's name matches `name`; checks the focus
    indicator at every stop on the way."""
    wanted = label(name)
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        current = focused_name(page)
        if current:
            assert_focus_visible(page, before)
        if wanted.search(current):
            return
        seen.append(current)
    raise AssertionError(f"{name!r} not reached with {key}; passed {seen[-15:]}")


def save_screenshot(page: Page, directory: Path | None, name: str) -> None:
    """A full-page PNG at 1280 px wide for the README, when `make screenshots` asks for it."""
    if directory is None:
        return
    original = page.viewport_size
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        page.screenshot(path=str(directory / name), full_page=True)
    finally:
        if original:
            page.set_viewport_size(original)
