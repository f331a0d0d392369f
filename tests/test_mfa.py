"""Staff logins: the second factor, the limits of a session, logging out everywhere.

These tests log in through the admin's login form (the password alone), not with
`force_login`, which tests/conftest.py makes give the second factor too.
"""

import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction, AuditEvent
from cases import models as m
from staff import sessions
from tests import factories as f
from tests.workflow.conftest import member_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashes(settings):
    """Passwords hashed with a fast hasher: each login here checks one, and the default
    (PBKDF2, a million rounds) takes a second or more on a busy CI machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def password_login(user) -> Client:
    """A client logged in with the password only, as a person would through the form."""
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    return client


def code_of(device: TOTPDevice) -> str:
    """The code the authenticator app shows now."""
    return f"{totp(device.bin_key, t0=device.t0, step=device.step):06d}"


def next_code(device: TOTPDevice) -> str:
    """The app's next code the server takes: a code is accepted once (last_t), and the
    server looks one step either side of its clock, shifted by the drift it learnt."""
    device.refresh_from_db()
    now = int(time.time() - device.t0) // device.step
    step = max(device.last_t + 1, now + device.drift - 1)
    if step > now + device.drift + 1:  # this step's code is used: wait for the next one
        time.sleep(device.step - time.time() % device.step + 0.2)
        return next_code(device)
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, drift=step - now):06d}"


def path_of(response) -> str:
    return urlsplit(response["Location"]).path


@pytest.fixture
def superuser():
    return f.UserFactory(username="chief", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_urls(superuser):
    """Pages of every kind: the home page, a list, a change-set page, an exchange page,
    protected persons, and the admin's JSON (autocomplete, with a real answer)."""
    change_set = m.ChangeSet.objects.create(title="Corrections", created_by=superuser)
    f.IncidentFactory(title="Deportation of children", published=True)
    autocomplete = reverse("admin:autocomplete") + (
        "?app_label=cases&model_name=protectedperson&field_name=incidents&term=Deport"
    )
    return [
        reverse("admin:index"),
        reverse("admin:cases_incident_changelist"),
        reverse("admin:cases_changeset_change", args=[change_set.pk]),
        reverse("admin:exchange-export"),
        reverse("admin:cases_protectedperson_changelist"),
        reverse("admin:auth_user_changelist"),
        autocomplete,
        reverse("staff:security"),
        reverse("staff:recovery"),
    ]


def test_a_password_alone_reaches_no_admin_page(superuser, admin_urls):
    client = password_login(superuser)
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert path_of(response) == reverse("staff:enrol"), url
    # The same pages answer once the factor is given (force_login gives it: conftest.py).
    client.force_login(superuser)
    for url in admin_urls:
        assert client.get(url).status_code == 200, url
    assert b"Deportation of children" in client.get(admin_urls[6]).content


def test_a_user_with_a_device_is_asked_for_it_on_every_admin_page(superuser, admin_urls):
    TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    client = password_login(superuser)
    for url in admin_urls:
        response = client.get(url)
        assert path_of(response) == reverse("staff:verify"), url
    # Enrolling another device first is refused too: a stolen password adds no device.
    assert path_of(client.get(reverse("staff:enrol"))) == reverse("staff:verify")
    begin = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert begin.status_code == 403
    assert begin.json()["code"] == "user_not_verified"


def test_enrolment_with_an_app_then_a_login_with_it_and_with_a_recovery_code(superuser):
    client = password_login(superuser)
    response = client.get(reverse("admin:cases_incident_changelist"))
    enrol_url = response["Location"]
    page = client.get(enrol_url)
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content  # the QR code
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)

    wrong = client.post(enrol_url, {"code": "000000" if code_of(device) != "000000" else "1"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == [
        "This code is wrong or expired. Enter the code the app shows now."
    ]
    assert path_of(client.get(reverse("admin:index"))) == reverse("staff:enrol")
    # Right after a wrong code even the right one waits (django-otp's throttle), and says so.
    throttled = client.post(enrol_url, {"code": code_of(device)})
    assert "Too many wrong codes: wait 1 second" in throttled.context["form"].errors["code"][0]
    device.refresh_from_db()
    device.throttle_reset()  # the second has passed

    done = client.post(enrol_url, {"code": code_of(device)})
    assert path_of(done) == reverse("staff:recovery")
    assert client.get(reverse("admin:cases_incident_changelist")).status_code == 200
    codes = client.post(reverse("staff:recovery")).context["codes"]
    assert len(codes) == 10

    # Next login: the app's next code.
    second = password_login(superuser)
    verify_url = second.get(reverse("admin:index"))["Location"]
    response = second.post(verify_url, {"code": next_code(device)})
    assert response.status_code == 302
    assert second.get(reverse("admin:index")).status_code == 200

    # A recovery code works once.
    third = password_login(superuser)
    response = third.post(reverse("staff:verify"), {"code": codes[0]})
    assert third.get(reverse("admin:index")).status_code == 200
    fourth = password_login(superuser)
    refused = fourth.post(reverse("staff:verify"), {"code": codes[0]})
    assert refused.status_code == 200
    assert "code" in refused.context["form"].errors
    assert path_of(fourth.get(reverse("admin:index"))) == reverse("staff:verify")

    actions = list(
        AuditEvent.objects.filter(user=superuser).order_by("pk").values_list("action", flat=True)
    )
    assert actions.count(AuditAction.MFA_ENROLLED) == 1
    assert actions.count(AuditAction.MFA_VERIFIED) == 2  # the app, then the recovery code
    assert actions.count(AuditAction.RECOVERY_CODE_USED) == 1
    assert actions.count(AuditAction.MFA_FAILED) == 3  # 2 at enrolment, the used code


def test_with_sensitive_only_those_who_read_identities_or_publish_must_enrol(settings):
    settings.MFA_REQUIRED = "sensitive"
    researcher = member_of("researcher", username="researcher")
    reviewer = member_of("reviewer", username="reviewer")  # publishes
    reader = f.UserFactory(username="reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_protected_identity"))
    approver = f.UserFactory(username="approver", is_staff=True)
    approver.user_permissions.add(Permission.objects.get(codename="approve_changeset"))

    assert password_login(researcher).get(reverse("admin:index")).status_code == 200
    for user in (reviewer, reader, approver):
        response = password_login(user).get(reverse("admin:index"))
        assert path_of(response) == reverse("staff:enrol"), user
    # One who may go without, but has a device, gives it.
    TOTPDevice.objects.create(user=researcher, name="phone", confirmed=True)
    response = password_login(researcher).get(reverse("admin:index"))
    assert path_of(response) == reverse("staff:verify")


@pytest.mark.parametrize(
    ("idle_minutes", "age_hours", "ends"),
    [(29, 11, False), (31, 1, True), (1, 12.1, True)],
)
def test_a_session_ends_when_idle_or_too_old(superuser, idle_minutes, age_hours, ends):
    client = Client()
    client.force_login(superuser)
    session = client.session
    now = time.time()
    session[sessions.LOGIN_AT] = now - age_hours * 3600
    session[sessions.SEEN_AT] = now - idle_minutes * 60
    session.save()
    response = client.get(reverse("admin:index"))
    if not ends:
        assert response.status_code == 200
        assert client.session[sessions.SEEN_AT] >= int(now)  # this use counts
        return
    assert path_of(response) == reverse("admin:login")
    # Ended, not only refused: even with fresh stamps the old session is gone.
    assert path_of(client.get(reverse("staff:security"))) == reverse("admin:login")
    assert AuditEvent.objects.filter(user=superuser, action=AuditAction.LOGOUT).exists()


def test_log_out_everywhere_ends_every_session_of_the_user_only(superuser):
    here, elsewhere, colleague = Client(), Client(), Client()
    here.force_login(superuser)
    elsewhere.force_login(superuser)
    colleague.force_login(f.UserFactory(username="colleague", is_staff=True, is_superuser=True))
    url = reverse("staff:logout-everywhere")
    assert here.get(url).status_code == 405  # only a POST, with its CSRF token

    response = here.post(url)
    assert path_of(response) == reverse("admin:login")
    for client in (here, elsewhere):
        assert path_of(client.get(reverse("admin:index"))) == reverse("admin:login")
    assert colleague.get(reverse("admin:index")).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT_EVERYWHERE)
    assert (event.user, event.detail) == (superuser, {"sessions": 2})


def test_the_security_page_lists_devices_and_its_query_count(superuser, django_assert_num_queries):
    TOTPDevice.objects.create(user=superuser, name="Phone app", confirmed=True)
    client = Client()
    client.force_login(superuser)
    # Session and user; the session's device; the apps, passkeys and recovery codes.
    with django_assert_num_queries(6):
        response = client.get(reverse("staff:security"))
    assert response.status_code == 200
    assert "Phone app" in response.content.decode()
    assert reverse("staff:logout-everywhere") in response.content.decode()


def test_the_second_factor_pages_query_counts(superuser, django_assert_num_queries):
    client = password_login(superuser)
    client.get(reverse("staff:enrol"))  # makes the pending device
    # Session, user, the user's devices (3 kinds), the pending app, the permissions.
    with django_assert_num_queries(7):
        assert client.get(reverse("staff:enrol")).status_code == 200
    TOTPDevice.objects.filter(user=superuser).update(confirmed=True)
    # Session, user, whether the user has a device, and a passkey.
    with django_assert_num_queries(4):
        assert client.get(reverse("staff:verify")).status_code == 200


def test_a_wrong_setting_is_refused_with_its_name():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import ihl.settings"],
        env={"IHL_MFA_REQUIRED": "some", "DJANGO_DEBUG": "true", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "IHL_MFA_REQUIRED must be all or sensitive, not 'some'" in result.stderr
