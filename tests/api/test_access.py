"""Access and HTTP: rate limits, partner keys, CORS, ETag/304, Cache-Control."""

import pytest
from django.urls import reverse

from cases import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limits(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "partner": "6/min"},
    }


def new_key(name="Partner") -> tuple[m.ApiKey, str]:
    key = m.ApiKey(name=name)
    raw = key.set_new_key()
    key.save()
    return key, raw


def test_anonymous_clients_are_rate_limited_with_retry_after(api, tight_limits):
    for _ in range(3):
        assert api.get("/api/v1/incidents/").status_code == 200

    response = api.get("/api/v1/incidents/")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["status"] == 429


def test_a_partner_key_has_a_higher_limit(api, tight_limits):
    _, raw = new_key()
    for _ in range(3):
        api.get("/api/v1/incidents/")
    assert api.get("/api/v1/incidents/").status_code == 429

    statuses = [api.get("/api/v1/incidents/", HTTP_X_API_KEY=raw).status_code for _ in range(6)]

    assert statuses == [200] * 6
    assert api.get("/api/v1/incidents/", HTTP_X_API_KEY=raw).status_code == 429


def test_keys_are_stored_hashed_and_work_in_either_header(api):
    key, raw = new_key()

    assert raw not in str(m.ApiKey.objects.filter(pk=key.pk).values().get())
    assert api.get("/api/v1/states/", HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 200
    assert api.get("/api/v1/states/", HTTP_X_API_KEY=raw).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_revoked_or_wrong_key_is_refused(api):
    key, raw = new_key()
    key.revoke()

    for sent in [raw, "ihl_wrong", "nonsense"]:
        response = api.get("/api/v1/states/", HTTP_X_API_KEY=sent)
        assert response.status_code == 401
        assert response.json()["error"]["status"] == 401


def test_the_admin_shows_a_new_key_once(client):
    staff = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    response = client.post(
        reverse("admin:cases_apikey_add"), {"name": "Newsroom", "note": ""}, follow=True
    )

    key = m.ApiKey.objects.get(name="Newsroom")
    shown = [str(message) for message in response.context["messages"]]
    [raw] = [word for text in shown for word in text.split() if word.startswith("ihl_")]
    assert m.ApiKey.objects.authenticate(raw) == key
    assert key.created_by == staff
    page = client.get(reverse("admin:cases_apikey_change", args=[key.pk]))
    assert raw not in page.content.decode()


def test_read_endpoints_allow_cross_origin_requests(api):
    response = api.get("/api/v1/incidents/", HTTP_ORIGIN="https://newsroom.example")

    assert response["Access-Control-Allow-Origin"] == "*"


def test_unchanged_data_gives_304_and_responses_are_cacheable(api):
    incident = f.IncidentFactory(published=True)
    url = f"/api/v1/incidents/{incident.pk}/"

    first = api.get(url)
    # Kept, but asked again each time: a withdrawal is never served from a cache.
    assert first["Cache-Control"] == "public, no-cache"
    assert first["Last-Modified"]
    etag = first["ETag"]

    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""

    incident.title = "Corrected title"
    incident.save()
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag

    listing = api.get("/api/v1/incidents/")
    assert api.get("/api/v1/incidents/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_last_modified_alone_never_revalidates(api):
    """Last-Modified is the record's own change; a change to an embedded row (here an
    involved actor's name) leaves it as it was, so only the ETag may answer 304
    (docs/api.md says why this rules out ConditionalGetMiddleware)."""
    incident = f.IncidentFactory(published=True)
    actor = f.ActorFactory(published=True, name="Maria Lvova-Belova")
    f.InvolvementFactory(incident=incident, actor=actor)
    url = f"/api/v1/incidents/{incident.pk}/"
    first = api.get(url)
    assert b"Maria Lvova-Belova" in first.content

    actor.name = "Maria Alekseyevna Lvova-Belova"
    actor.save()
    again = api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again["Last-Modified"] == first["Last-Modified"]
    assert again.status_code == 200
    assert b"Maria Alekseyevna Lvova-Belova" in again.content


def test_errors_are_not_cached(api):
    response = api.get("/api/v1/incidents/", {"date_from": "never"})

    assert response["Cache-Control"] == "no-store"
