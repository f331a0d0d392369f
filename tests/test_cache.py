"""The cache of public surfaces is never stale about publication (issue 19 item 2,
cases/cache.py, migration 0019).

Each surface is read (and so cached, which a second read in one query shows), then a
record is withdrawn, or a change set retitles one; at once every surface answers byte for
byte what it answers with the cache off. Run on the local-memory cache and on Redis. Redis is
skipped only when it does not answer and IHL_REQUIRE_REDIS is unset (CI sets it).
"""

import importlib
import os
import socket
import uuid

import pytest
import redis
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate
from django.test import Client
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from cases import models as m
from cases import services
from cases.cache import bump_publication_generation, publication_generation
from tests.changesets.test_history import edit_through_change_set
from tests.test_settings import manage
from tests.workflow.conftest import member_of

pytestmark = pytest.mark.django_db

PRODUCTION = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "ihl.example.org"}
REDIS_URL = os.environ.get("IHL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def local_memory() -> dict:
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"ihl-test-{uuid.uuid4().hex}",
    }


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def switch_on(settings, backend: dict) -> None:
    settings.CACHES = {"default": backend}
    settings.IHL_CACHE_ENABLED = True


@pytest.fixture(params=["local-memory", "redis"])
def public_cache(request, settings):
    """The cache switched on, in a store of its own (a new local-memory store, or a key
    prefix of its own on the shared Redis: nothing here clears another's keys)."""
    if request.param == "local-memory":
        switch_on(settings, local_memory())
        return
    if not redis_answers():
        if os.environ.get("IHL_REQUIRE_REDIS"):
            pytest.fail(f"Redis does not answer at {REDIS_URL} (IHL_REQUIRE_REDIS is set)")
        pytest.skip(f"Redis does not answer at {REDIS_URL}; CI sets IHL_REQUIRE_REDIS")
    switch_on(
        settings,
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"ihl-test-{uuid.uuid4().hex}",
            "TIMEOUT": 120,
        },
    )


@pytest.fixture
def local_memory_cache(settings):
    """For what does not depend on where entries are kept (the keys, who gets a page)."""
    switch_on(settings, local_memory())


def as_committed() -> None:
    """Runs what a commit would: the generation moves at the writer's commit (migration
    0020), and a test's transaction never commits."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def deportation() -> m.Incident:
    return m.Incident.objects.get(title__startswith="Deportation and transfer of Ukrainian")


def surfaces(incident: m.Incident) -> list[str]:
    """The cached surfaces that show the incident (and the API, not cached, for a partner)."""
    return [
        "/",  # the home page's counts and latest incidents
        "/uk/",
        "/search/",  # the unfiltered search page's count and facets
        "/incidents/",
        "/states/",  # incidents per country
        f"/incidents/{incident.pk}/",
        f"/fr/incidents/{incident.pk}/",
        "/api/v1/incidents/",
        f"/api/v1/incidents/{incident.pk}/",
    ]


def read_all(urls: list[str]) -> dict[str, tuple[int, bytes]]:
    reader = Client()
    return {url: (r.status_code, r.content) for url in urls for r in [reader.get(url)]}


def uncached(settings, urls: list[str]) -> dict[str, tuple[int, bytes]]:
    settings.IHL_CACHE_ENABLED = False
    try:
        return read_all(urls)
    finally:
        settings.IHL_CACHE_ENABLED = True


def test_a_withdrawal_is_seen_at_once_on_every_cached_surface(demo, public_cache, settings):
    incident = deportation()
    urls = surfaces(incident)
    before = read_all(urls)  # now in the cache
    reader = Client()
    for url in urls:
        if not url.startswith("/api/"):  # the API's records are not cached
            with CaptureQueriesContext(connection) as queries:
                assert reader.get(url).content == before[url][1]
            assert len(queries) == 1, url  # the generation; the page came from the cache
    assert before[f"/incidents/{incident.pk}/"][0] == 200
    assert incident.title.encode() in before["/incidents/"][1]

    services.withdraw(
        record=incident, reviewer=member_of("reviewer", username="v"), reason="Duplicate."
    )
    as_committed()

    after = read_all(urls)
    assert after == uncached(settings, urls)
    assert after[f"/incidents/{incident.pk}/"][0] == 410
    assert after[f"/fr/incidents/{incident.pk}/"][0] == 410
    assert after[f"/api/v1/incidents/{incident.pk}/"][0] == 404
    for url in ["/", "/search/", "/incidents/", "/api/v1/incidents/"]:
        assert incident.title.encode() not in after[url][1], url
    # The counts and facets changed: the home page's count, the search page's total and
    # its country facet, the states' list of incidents per country.
    changed = {url for url in urls if before[url] != after[url]}
    assert changed == set(urls)


def test_an_approved_change_set_is_seen_at_once(demo, local_memory_cache, settings, client):
    """On the local-memory cache only (the admin's edit takes seconds): what is stored and
    where does not change with the path that wrote, which the trigger makes irrelevant."""
    incident = deportation()
    urls = ["/", "/search/", "/incidents/", f"/incidents/{incident.pk}/"]  # show the title
    before = read_all(urls)  # now in the cache

    new_title = "Children deported from occupied Ukraine (retitled)"
    edit_through_change_set(
        client,
        member_of("researcher", username="r"),
        member_of("reviewer", username="v"),
        incident,
        title=new_title,
    )
    as_committed()

    after = read_all(urls)
    assert after == uncached(settings, urls)
    for url in urls:
        assert new_title.encode() in after[url][1], url
        assert after[url] != before[url], url


def test_the_schema_is_built_once_per_generation(demo, local_memory_cache, monkeypatch):
    built = []
    get_schema = SchemaGenerator.get_schema
    monkeypatch.setattr(
        SchemaGenerator, "get_schema", lambda *a, **k: built.append(1) or get_schema(*a, **k)
    )
    reader = Client()
    first = reader.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert reader.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content == first.content
    assert len(built) == 1
    yaml = reader.get("/api/v1/schema/")  # the same schema, rendered as negotiated
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.content != first.content
    assert len(built) == 1
    m.Incident.objects.filter(pk=deportation().pk).update(summary="Changed.")
    as_committed()
    assert reader.get("/api/v1/schema/", HTTP_ACCEPT="application/json").status_code == 200
    assert len(built) == 2


def test_a_raw_write_or_a_migrate_changes_the_generation_a_read_does_not():
    start = publication_generation()
    m.Incident.objects.public().count()
    assert publication_generation() == start
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_incident SET title = title WHERE false")
    assert publication_generation() == start  # not before the writer commits
    as_committed()
    after_write = publication_generation()
    assert after_write > start
    assert post_migrate.has_listeners(apps.get_app_config("cases"))
    bump_publication_generation(using="default")
    assert publication_generation() > after_write


def test_the_cache_address_is_checked():
    """Redis when IHL_CACHE_URL is a redis:// address; anything else is refused by name,
    without echoing the address (it can hold a password)."""
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    redis_url = manage(
        "shell", "--no-imports", "-c", show, **PRODUCTION, IHL_CACHE_URL="redis://h:6379/1"
    )
    assert redis_url.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    bad = manage("check", **PRODUCTION, IHL_CACHE_URL="memcached://user:secret@h")
    assert bad.returncode != 0
    assert "IHL_CACHE_URL must start with redis:// or rediss://" in bad.stderr
    assert "secret" not in bad.stderr


@pytest.mark.parametrize(
    ("url", "cold"),
    [("/", 8), ("incident", 16)],
)
def test_a_warm_page_takes_one_query(demo, public_cache, django_assert_num_queries, url, cold):
    incident = deportation()
    url = f"/incidents/{incident.pk}/" if url == "incident" else url
    reader = Client()
    with django_assert_num_queries(cold):
        assert reader.get(url).status_code == 200
    with django_assert_num_queries(1):  # the publication generation
        assert reader.get(url).status_code == 200


def test_staff_are_never_served_a_cached_page_nor_have_theirs_kept(
    demo, local_memory_cache, client
):
    incident = deportation()
    url = f"/incidents/{incident.pk}/"
    anonymous = Client()
    kept = anonymous.get(url)
    assert b"csrfmiddlewaretoken" not in kept.content
    assert not kept.cookies  # no session, no CSRF cookie: nothing personal was kept
    client.force_login(member_of("reviewer", username="v"))
    with CaptureQueriesContext(connection) as staff:
        assert client.get(url).status_code == 200
    assert len(staff) > 3  # built for them: session, user, the page's own queries
    client.get("/incidents/")  # built for the staff member, not kept
    with CaptureQueriesContext(connection) as later:
        assert anonymous.get("/incidents/").status_code == 200
    assert len(later) > 1


def test_every_public_table_bumps_the_generation():
    """A new model's table must be in the migration's list or in its list of exceptions."""
    migration = importlib.import_module("cases.migrations.0019_publication_generation")
    not_public = {
        "cases_apikey",
        "cases_change",
        "cases_datakey",
        "cases_changeset",
        "cases_protectedcontact",
        "cases_protectedidentity",
        "cases_protectedperson",
        "cases_protectedperson_incidents",
    }
    tables = set()
    for model in apps.get_app_config("cases").get_models(include_auto_created=True):
        if not model._meta.db_table.startswith("cases_historical"):
            tables.add(model._meta.db_table)
    assert tables - not_public == set(migration.PUBLIC_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = 'publication_generation'"
        )
        triggered = {row[0] for row in cursor.fetchall()}
    assert triggered == set(migration.PUBLIC_TABLES)


def test_a_cache_that_does_not_answer_slows_nothing_down_and_breaks_nothing(demo, settings, caplog):
    """Redis down: every page and the API still answer from the database (the rate limit
    is not checked then, and says so in the log)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens there once the probe is closed
    switch_on(
        settings,
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    )
    urls = surfaces(deportation())
    assert {url: status for url, (status, _) in read_all(urls).items()} == dict.fromkeys(urls, 200)
    assert "rate limit anon not checked: the cache does not answer" in caplog.text
