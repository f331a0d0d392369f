"""End-to-end tests: Playwright drives Debian's Chromium against pytest-django's live server.

Without /usr/bin/chromium the tests are skipped, unless IHL_REQUIRE_BROWSER=1 (CI), where
a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

from tests.pages.conftest import build_world

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test
# (building data) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("IHL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and IHL_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def e2e_world(transactional_db):
    return build_world()


@pytest.fixture
def page(browser, live_server, e2e_world):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
