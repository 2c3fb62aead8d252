"""Accessibility checks on a live page: axe-core (WCAG 2.2 AA tags), language, 320 px reflow."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.modes import mode

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REFLOW_WIDTH = 320
# Every page state checked in this run ("path · label"), for the summary line.
checked_pages: list[str] = []
_axe = Axe()
# Diagnostics, not assertions: with this set to a file name, what axe could not decide
# ("incomplete": e.g. contrast over an image) is appended there, one JSON line per page state.
INCOMPLETE_LOG = os.environ.get("CARECOORD_AXE_INCOMPLETE")


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return "\n".join(lines)


def assert_accessible(page: Page, label: str, *, language: str = "nl") -> None:
    """Zero axe violations for the WCAG 2.2 AA tags, `lang` set, no sideways scroll at 320 px.

    Skipped in a keyboard-only run: the same page states were checked in the mouse run."""
    if mode.keyboard:
        return
    violations = run_axe(page, ["violations"])["violations"]
    assert not violations, f"{label}: axe found\n{_describe(violations)}"
    assert page.evaluate("document.documentElement.lang") == language, label
    assert_reflows(page, label)
    checked_pages.append(f"{urlsplit(page.url).path} · {label}")
    if INCOMPLETE_LOG:
        _log_incomplete(page, label)


def _log_incomplete(page: Page, label: str) -> None:
    incomplete = run_axe(page, ["incomplete"])["incomplete"]
    entry = {
        "page": f"{urlsplit(page.url).path} · {label}",
        "incomplete": [
            {
                "id": item["id"],
                "nodes": [", ".join(node["target"]) for node in item["nodes"][:5]],
                "count": len(item["nodes"]),
                "why": next(
                    (check["message"] for node in item["nodes"][:1] for check in node["any"]),
                    "",
                ),
            }
            for item in incomplete
        ],
    }
    with open(INCOMPLETE_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")


def run_axe(page: Page, result_types: list[str]) -> dict[str, list[dict]]:
    """axe-core with the WCAG tags; only the named result lists come back from the browser.

    axe is injected once per document (not on every run), and the passes and inapplicable
    lists are left in the browser: on a busy machine both cost seconds over a journey.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe.axe_script)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": result_types}
    return page.evaluate(
        """async ([options, kept]) => {
            const results = await window.axe.run(document, options);
            return Object.fromEntries(kept.map((kind) => [kind, results[kind]]));
        }""",
        [options, result_types],
    )


def assert_reflows(page: Page, label: str) -> None:
    """WCAG 1.4.10: at 320 CSS px wide nothing needs a horizontal scrollbar."""
    original = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 800})
    try:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        if original:
            page.set_viewport_size(original)
    assert overflow <= 0, f"{label}: {overflow} px horizontal scroll at {REFLOW_WIDTH} px wide"
