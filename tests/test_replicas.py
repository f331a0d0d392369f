"""Read replicas against a real streaming standby (ihl/db_router.py, tests/pg_clusters.py).

For this module Django's "default" is a throwaway primary holding a copy of the test
database, and "replica_1" its hot standby. Nothing here runs in a test transaction: a
write must commit to reach the standby. Replay is paused on the standby to hold a write
back, which shows which server a page was read from.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core import signing
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.test import Client

from cases.models import Incident
from ihl import db_router
from ihl.db_router import WROTE_COOKIE, WROTE_SALT, RequestReads, reading
from ihl.settings import replica_database
from tests.factories import IncidentFactory, UserFactory
from tests.pg_clusters import streaming_pair, wait_for  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parent.parent
REPLICA = "replica_1"
ENGINE = "django.db.backends.postgresql"
# The test database, copied into the primary of the pair (tests/pg_clusters.py).
pytestmark = pytest.mark.django_db


def wrapper(alias: str, port: int, database: str) -> BaseDatabaseWrapper:
    """A connection like the test database's, to a server of the pair, without a pool (the
    pools are per alias, and "default"'s is the test database's)."""
    settings_dict = {
        **connections.settings["default"],
        "HOST": "127.0.0.1",
        "PORT": port,
        "NAME": database,
        "CONN_MAX_AGE": 0,
    }
    settings_dict["OPTIONS"] = {
        key: value for key, value in settings_dict["OPTIONS"].items() if key != "pool"
    }
    return load_backend(ENGINE).DatabaseWrapper(settings_dict, alias)


@pytest.fixture
def databases(streaming_pair, settings):  # noqa: F811
    """For one test, "default" is the throwaway primary and "replica_1" its standby, in
    this thread; the test database's own connection is set aside (in its test transaction)
    and put back after. Writes here commit: a standby sees nothing uncommitted."""
    test_database = connections["default"]
    primary = wrapper("default", streaming_pair.primary.port, streaming_pair.database)
    # The replica as settings.py configures one from IHL_REPLICA_URLS (its pool included).
    url = f"postgres://postgres@127.0.0.1:{streaming_pair.standby.port}/{streaming_pair.database}"
    replica_settings = connections.configure_settings(
        {"default": connections.settings["default"], REPLICA: replica_database(url, REPLICA)}
    )
    replica = load_backend(ENGINE).DatabaseWrapper(replica_settings[REPLICA], REPLICA)
    connections["default"], connections[REPLICA] = primary, replica
    settings.IHL_REPLICA_ALIASES = [REPLICA]
    settings.IHL_REPLICA_CHECK_SECONDS = 0  # measured on every request: a change shows at once
    settings.IHL_REPLICA_MAX_LAG_SECONDS = 3600  # a paused standby is still read
    try:
        yield streaming_pair
    finally:
        primary.close()
        replica.close()
        replica.close_pool()
        connections["default"] = test_database
        del connections[REPLICA]


@pytest.fixture
def paused_replay(databases):
    """The standby receives the primary's WAL but applies none of it until the test ends."""
    databases.standby.sql("SELECT pg_wal_replay_pause()")
    yield databases
    databases.standby.sql("SELECT pg_wal_replay_resume()")


def answered_by_the_standby(incident: Incident) -> bool:
    status, on_primary, on_replica = page(Client(), incident)
    return status == 200 and on_primary == 0 and on_replica > 0


def published_incident() -> Incident:
    return IncidentFactory(published=True, title="Shelling of the maternity hospital")


def page(client: Client, incident: Incident) -> tuple[int, int, int]:
    """The status of the incident's public page, and the statements it ran on the primary
    and on the replica (counted without connecting: the replica may be down)."""
    counts = {"default": 0, REPLICA: 0}

    def counter(alias):
        def count(execute, sql, params, many, context):
            counts[alias] += 1
            return execute(sql, params, many, context)

        return count

    with (
        connections["default"].execute_wrapper(counter("default")),
        connections[REPLICA].execute_wrapper(counter(REPLICA)),
    ):
        status = client.get(incident.get_absolute_url()).status_code
    return status, counts["default"], counts[REPLICA]


def test_the_router_sends_public_reads_to_the_standby_and_the_rest_to_the_primary(databases):
    from django.contrib.sessions.models import Session

    with reading(RequestReads(REPLICA)):
        assert Incident.objects.all().db == REPLICA
        with connections[Incident.objects.all().db].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (True,)  # the connection the router picked: a standby
        assert Session.objects.all().db == "default"  # sessions are read where written
        with transaction.atomic():
            assert Incident.objects.all().db == "default"  # a transaction reads its writes
    assert Incident.objects.all().db == "default"  # outside a public request
    router = db_router.ReplicaRouter()
    assert router.allow_migrate("default", "cases")
    assert not router.allow_migrate(REPLICA, "cases")


def test_an_anonymous_page_is_read_from_the_standby_and_shows_a_write_once_replayed(
    paused_replay,
):
    incident = published_incident()  # committed on the primary, not yet replayed
    status, on_primary, on_replica = page(Client(), incident)
    assert (status, on_primary) == (404, 0)
    assert on_replica > 0
    api = Client().get(f"/api/v1/incidents/{incident.pk}/")
    assert api.status_code == 404  # the API too reads the standby
    # A streamed export reads its rows after the view returns: still from the standby.
    export = Client().get("/search/export.csv")
    assert export.status_code == 200
    assert incident.title not in b"".join(export.streaming_content).decode()

    paused_replay.standby.sql("SELECT pg_wal_replay_resume()")
    wait_for(lambda: page(Client(), incident)[0] == 200, what="the standby to replay")
    status, on_primary, on_replica = page(Client(), incident)
    assert (status, on_primary) == (200, 0)
    assert Client().get(f"/api/v1/incidents/{incident.pk}/").json()["title"] == incident.title
    export = Client().get("/search/export.csv")
    assert incident.title in b"".join(export.streaming_content).decode()


def test_staff_and_a_browser_that_wrote_read_the_primary(databases):
    incident = published_incident()
    wait_for(lambda: page(Client(), incident)[0] == 200, what="the standby to replay")
    databases.standby.sql("SELECT pg_wal_replay_pause()")
    try:
        staff = Client()
        staff.force_login(UserFactory(is_staff=True, is_superuser=True))
        response = staff.post(
            f"/admin/cases/incident/{incident.pk}/withdraw/",
            {"withdrawal_reason": "The source retracted its report."},
        )
        assert response.status_code == 302
        stamp = response.cookies[WROTE_COOKIE]
        assert stamp["httponly"]
        assert page(staff, incident)[2] == 0  # a logged-in user reads the primary
        assert "The source retracted its report." in staff.get(incident.get_absolute_url()).text

        # Logged out, the same browser still reads its write on the primary ...
        staff.logout()
        staff.cookies[WROTE_COOKIE] = stamp.value
        assert page(staff, incident)[2] == 0
        assert "The source retracted its report." in staff.get(incident.get_absolute_url()).text
        # ... while another reader gets the standby, which has not replayed it yet.
        assert (
            "The source retracted its report." not in Client().get(incident.get_absolute_url()).text
        )
        # A stamp older than IHL_READ_YOUR_WRITES_SECONDS is ignored.
        signer = signing.get_cookie_signer(salt=WROTE_COOKIE + WROTE_SALT)
        with mock.patch("django.core.signing.time.time", return_value=time.time() - 60):
            staff.cookies[WROTE_COOKIE] = signer.sign("1")
        assert page(staff, incident)[2] > 0
    finally:
        databases.standby.sql("SELECT pg_wal_replay_resume()")


def test_a_standby_lagging_past_the_limit_is_skipped_until_it_catches_up(paused_replay, settings):
    settings.IHL_REPLICA_MAX_LAG_SECONDS = 0.5
    incident = published_incident()
    # Measured and kept (max_age=0), then kept for the request (a long check interval):
    # what is tested here is the router's choice once the standby is known to lag.
    wait_for(
        lambda: db_router.replica_state(REPLICA, max_age=0).status == "lagging",
        what="the standby's lag to pass 0.5 s",
    )
    settings.IHL_REPLICA_CHECK_SECONDS = 60
    status, _, on_replica = page(Client(), incident)
    assert (status, on_replica) == (200, 0)  # from the primary, and current
    settings.IHL_REPLICA_CHECK_SECONDS = 0
    wait_for(
        lambda: Client().get("/readyz").json()["replicas"][REPLICA]["status"] == "lagging",
        what="/readyz to report the standby lagging",
    )
    ready = Client().get("/readyz").json()
    assert ready["status"] == "ready"

    paused_replay.standby.sql("SELECT pg_wal_replay_resume()")
    wait_for(lambda: db_router.measure_replica(REPLICA).status == "ok", what="catching up")
    # Within the limit is not yet current: a lag under 0.5 s may still miss the incident.
    replayed = f"SELECT count(*) FROM cases_incident WHERE id = {incident.pk}"
    wait_for(
        lambda: paused_replay.standby.sql(replayed, paused_replay.database) == "1",
        what="the incident to be replayed",
    )
    # WAL written without a transaction (a checkpoint, autovacuum) can make the standby
    # look lagging for a moment (its last transaction is old): the page may wait for that.
    wait_for(
        lambda: answered_by_the_standby(incident),
        what="the page to be answered by the standby alone",
    )
    # Later writes (the cache's generation, the audit) may still be in replay for a
    # moment; then the replica is reported current again.
    wait_for(
        lambda: Client().get("/readyz").json()["replicas"][REPLICA]["status"] == "ok",
        what="/readyz to report the standby current",
    )
    assert Client().get("/readyz").json()["replicas"][REPLICA]["lag_seconds"] <= 0.5


def test_a_stopped_standby_is_skipped_and_used_again_once_back(databases, caplog):
    incident = published_incident()
    databases.standby.stop()
    try:
        status, _, on_replica = page(Client(), incident)
        assert (status, on_replica) == (200, 0)  # no error: the primary answered
        response = Client().get("/readyz")
        assert response.status_code == 200  # the primary serves; not a reason to stop
        assert response.json()["replicas"][REPLICA] == {
            "status": "unavailable",
            "lag_seconds": None,
        }
        assert f"replica {REPLICA} does not answer" in caplog.text
    finally:
        databases.standby.start()
    # This fixture's lag limit is an hour (a stale standby is still read): back, the standby
    # is read at once, current or not, so the incident is looked for once it is replayed.
    replayed = f"SELECT count(*) FROM cases_incident WHERE id = {incident.pk}"
    wait_for(
        lambda: databases.standby.sql(replayed, databases.database) == "1",
        what="the incident to be replayed",
    )
    wait_for(lambda: answered_by_the_standby(incident), what="the standby to be used again")


def test_a_standby_cut_off_from_its_primary_is_not_taken_for_current(databases, settings):
    """A standby that does not stream has replayed all it received, yet cannot know what it
    has not received: its lag is the age of its data, not 0, and it passes the limit."""
    incident = published_incident()
    replayed = f"SELECT count(*) FROM cases_incident WHERE id = {incident.pk}"
    wait_for(
        lambda: databases.standby.sql(replayed, databases.database) == "1",
        what="the incident to be replayed",
    )
    settings.IHL_REPLICA_MAX_LAG_SECONDS = 0.5
    conninfo = databases.standby.sql("SHOW primary_conninfo")
    databases.standby.sql("ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=1'")
    databases.standby.sql("SELECT pg_reload_conf()")
    try:
        wait_for(
            lambda: db_router.replica_state(REPLICA, max_age=0).status == "lagging",
            what="the cut-off standby to be reported lagging",
        )
        status, _, on_replica = page(Client(), incident)
        assert (status, on_replica) == (200, 0)  # the primary answers
    finally:
        quoted = conninfo.replace("'", "''")
        databases.standby.sql(f"ALTER SYSTEM SET primary_conninfo = '{quoted}'")
        databases.standby.sql("SELECT pg_reload_conf()")
    wait_for(
        lambda: (
            databases.standby.sql(
                "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'"
            )
            == "1"
        ),
        timeout=30,
        what="the standby to stream again",
    )


def settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    code = (
        "from ihl import settings as s; replica = s.DATABASES['replica_2']; "
        "print(s.IHL_REPLICA_ALIASES, replica['TEST']['MIRROR'], replica['PORT'])"
    )
    environment = {**os.environ, "DJANGO_DEBUG": "true", **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True
    )


def test_replica_urls_become_aliases_and_a_short_read_your_writes_window_is_refused():
    urls = "postgres://ihl@replica-a:5432/ihl, postgres://ihl@replica-b:5433/ihl"
    result = settings_in_subprocess(IHL_REPLICA_URLS=urls)
    assert result.stdout.strip() == "['replica_1', 'replica_2'] default 5433", result.stderr
    result = settings_in_subprocess(IHL_REPLICA_URLS=urls, IHL_READ_YOUR_WRITES_SECONDS="2")
    assert result.returncode != 0
    assert "IHL_READ_YOUR_WRITES_SECONDS must be longer than" in result.stderr


def test_compose_runs_a_streaming_replica_that_the_app_reads():
    import yaml

    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    replica = services["db-replica"]
    assert replica["image"] == services["db"]["image"]
    assert "pg_basebackup -h db -U ihl" in replica["command"][-1]
    assert "-R" in replica["command"][-1].split()  # starts as a standby of db
    assert services["app"]["environment"]["IHL_REPLICA_URLS"].endswith("@db-replica:5432/ihl")
    hba = ROOT / "compose" / "replication-hba.sh"
    assert (
        f"./compose/{hba.name}:/docker-entrypoint-initdb.d/{hba.name}:ro"
        in services["db"]["volumes"]
    )
    assert "host replication ihl all scram-sha-256" in hba.read_text()
