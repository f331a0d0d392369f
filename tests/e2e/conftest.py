"""End-to-end tests: Playwright drives Debian's Chromium against pytest-django's live server.

Without /usr/bin/chromium the tests are skipped, unless IHL_REQUIRE_BROWSER=1 (CI), where
a missing browser is a failure.
"""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytest_django.live_server_helper import LiveServer

from tests.demo_data import clear_cases_tables
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


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A live server of the module's own over the published world, built once: most browser
    tests only read. pytest-django's `live_server` makes every test transactional, so each
    would build the world again and empty every table after it (seconds a test). Tests that
    write (test_change_set.py) use `live_server` and a world of their own."""
    with django_db_blocker.unblock():
        world = build_world()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield SimpleNamespace(url=server.url, world=world)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            clear_cases_tables()


@pytest.fixture(scope="module")
def e2e_world(site):
    return site.world


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
