"""Browser tests: gunicorn serving the real app, Debian's Chromium driven by Playwright, axe-core.

Without Chromium these tests skip with a reason; with CI set they fail instead, because
`.ci/run` installs Chromium and a silent skip would hide a broken journey.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.accessibility import checked_pages
from tests.browser.server import running_app

CHROMIUM = Path(os.environ.get("CARECOORD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; .ci/run installs it, so in CI this is an error")
    pytest.skip(f"{reason}: browser tests skipped")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    _require_chromium()
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    _require_chromium()
    with running_app(tmp_path_factory.mktemp("browser-app")) as served:
        yield served


@pytest.fixture(scope="session")
def base_url(live_app) -> str:
    return live_app[0]


@pytest.fixture(scope="session")
def server_env(live_app) -> dict[str, str]:
    return live_app[1]


@pytest.fixture(scope="session")
def browser_context_args(base_url: str) -> dict:
    return {
        "base_url": base_url,
        "locale": "nl-NL",
        "timezone_id": "Europe/Amsterdam",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture(scope="session")
def screenshot_dir() -> Path | None:
    """Set by `make screenshots`: the journeys then save the README's pictures there."""
    target = os.environ.get("CARECOORD_SCREENSHOTS")
    if not target:
        return None
    path = Path(target)
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_terminal_summary(terminalreporter) -> None:
    if checked_pages:
        terminalreporter.write_line(
            f"axe-core: {len(checked_pages)} page states checked, 0 violations "
            f"({len({p.split(' ')[0] for p in checked_pages})} distinct paths)"
        )


def chromium_available() -> bool:
    return CHROMIUM.exists() or shutil.which("chromium") is not None
