"""Headless Debian Chromium under Playwright: the one ``browser`` fixture (made per package or module), profiles, pages."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Without the background-networking flags Chromium tries to reach Google's hosts on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def headless_chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless; a missing browser fails the tests (make setup-test installs it).

    Use it from a package-scoped fixture: Playwright's sync API keeps an event loop running in this thread while it
    lives, which would break asyncio.run() in test packages that run after it.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make setup-test)")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def browser_fixture(scope: str = "package"):
    """The ``browser`` fixture for a package's conftest (or, with scope="module", one test module).

    Use as ``browser = browser_fixture()``: the fixture belongs to the conftest or module that assigns it, so a
    package-scoped one is closed when that package's tests are done.
    """

    @pytest.fixture(scope=scope, name="browser")
    def _browser() -> Iterator[Browser]:
        """One headless Chromium for the page tests of the package (or module) that made this fixture."""
        with headless_chromium() as chromium:
            yield chromium

    return _browser


def new_context(browser: Browser) -> BrowserContext:
    """A fresh browser profile: desktop size, downloads accepted."""
    return browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)


def recording_dialogs(page: Page) -> Page:
    """``page`` with every dialog it shows dismissed and its message listed in ``page.dialogs``."""
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    return page
