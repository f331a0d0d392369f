"""A staff member enrols an authenticator app at the first login, in a real browser, and
logs in with it the next time. The codes are computed from the key the page shows, as the
person's app would."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests import factories as f
from tests.test_mfa import next_code

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def page(browser, live_server, transactional_db):
    """The conftest's page without its world of records: this test needs only a user."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def code(secret: str) -> str:
    """The app's code now."""
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def log_in_with_password(page, username: str) -> None:
    page.goto("/admin/login/?next=/admin/cases/incident/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_enrol_an_authenticator_app_then_log_in_with_it(page, live_server):
    chief = f.UserFactory(username="chief", is_staff=True, is_superuser=True)

    log_in_with_password(page, "chief")
    expect(page).to_have_url(re.compile(r"/admin/mfa/enrol/"))
    secret = page.locator("#totp-secret").inner_text()
    expect(page.get_by_role("img", name="QR code of the authenticator app set-up")).to_be_visible()
    page.get_by_label("Code").fill(code(secret))
    page.get_by_role("button", name="Set up the app").click()

    expect(page).to_have_url(re.compile(r"/admin/mfa/recovery-codes/"))
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page).to_have_url(re.compile(r"/admin/cases/incident/$"))

    page.context.clear_cookies()
    log_in_with_password(page, "chief")
    expect(page).to_have_url(re.compile(r"/admin/mfa/verify/"))
    # The app's next code (the first is used): computed from the device as the server has it.
    page.get_by_label("Code").fill(next_code(TOTPDevice.objects.get(user=chief)))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/admin/cases/incident/$"))
    expect(page.get_by_role("link", name="Second factor and sessions")).to_be_visible()
