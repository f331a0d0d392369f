"""Login lockout and the security headers on public pages and the admin."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def login(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )


def test_a_login_is_locked_after_the_configured_number_of_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    f.UserFactory(username="editor", is_staff=True)

    for _ in range(2):
        response = login(client, "editor", "wrong password")
        assert response.status_code == 200  # the form again, with its error
    response = login(client, "editor", "wrong password")
    assert response.status_code == 429

    # Now even the right password is refused until the cool-off ends.
    response = login(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    f.UserFactory(username="editor", is_staff=True)
    for _ in range(2):
        login(client, "editor", "wrong password")

    response = login(client, "editor", PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("path", ["/", "/search/?q=deportation", "/admin/login/"])
def test_security_headers_on_public_pages_and_the_admin(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_admin_pages_carry_no_inline_script(admin_client):
    """With script-src 'self' an inline script would not run: the admin must not need one."""
    incident = f.IncidentFactory()
    for path in [
        "/admin/",
        reverse("admin:cases_incident_changelist"),
        reverse("admin:cases_incident_change", args=[incident.pk]),
        reverse("admin:cases_incident_history", args=[incident.pk]),
    ]:
        html = admin_client.get(path).content.decode()
        for script in html.split("<script")[1:]:
            opening = script.split(">", 1)[0]
            assert "src=" in opening or "application/json" in opening, (path, opening)
