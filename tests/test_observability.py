"""What operations watch the site by (ihl/observability.py, gunicorn.conf.py): probes,
metrics that only the monitoring can read, request ids from the client to PostgreSQL,
JSON logs, slow-query logging, and a bounded number of database connections."""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from ihl.observability import JsonFormatter, QueryObserver
from tests.factories import IncidentFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


# Probes --------------------------------------------------------------------------------


def test_healthz_answers_without_the_database_whatever_the_host_and_scheme(client, settings):
    # No database access is allowed in this test: a query would fail it. A load balancer
    # probes by address over plain HTTP: no allowed host, no redirect.
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_cache(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_readyz_is_503_while_the_cache_fails(client, settings, tmp_path, caplog):
    # A file cache whose directory cannot be made: a real failure of the cache backend.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocker / "cache"),
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "unavailable"},
    }
    # The reason is in the log for operations, not in the answer to the caller.
    assert "the cache does not answer" in caplog.text
    assert str(tmp_path) not in response.content.decode()


# Metrics -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_404_unless_configured(client, settings):
    settings.IHL_METRICS_TOKEN = ""
    settings.IHL_METRICS_ALLOWED_IPS = []
    response = client.get("/metrics")
    assert response.status_code == 404
    assert b"ihl_http_requests" not in response.content


@pytest.mark.django_db
def test_metrics_need_the_token(client, settings):
    settings.IHL_METRICS_TOKEN = "s3cret-token"
    settings.IHL_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_metrics_by_address_count_the_direct_peer_only(client, settings):
    settings.IHL_METRICS_TOKEN = ""
    settings.IHL_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    # A forwarded header is not the peer: it cannot be used to get in.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.0.0.5").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.5").status_code == 200


@pytest.mark.django_db
def test_metrics_count_requests_by_route_without_record_ids_or_titles(client, settings):
    settings.IHL_METRICS_TOKEN = "s3cret-token"
    hidden = IncidentFactory(title="Hidden massacre at Zorvia", confidential=True, published=True)
    assert client.get(f"/incidents/{hidden.pk}/").status_code == 404
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").content.decode()
    line = 'ihl_http_requests_total{method="GET",route="incidents/<int:pk>/",status="404"}'
    assert line in text
    assert "ihl_http_request_duration_seconds_bucket" in text
    assert 'ihl_http_request_database_seconds_count{route="incidents/<int:pk>/"}' in text
    assert "Zorvia" not in text
    assert f"/incidents/{hidden.pk}/" not in text


# Request ids, logs, slow queries --------------------------------------------------------


@pytest.mark.django_db
def test_request_id_is_taken_from_the_caller_or_made(client):
    given = client.get("/api/v1/", HTTP_X_REQUEST_ID="lb-7f3a.2")
    assert given["X-Request-ID"] == "lb-7f3a.2"
    made = client.get("/api/v1/")
    assert len(made["X-Request-ID"]) == 32
    # Anything that could close the SQL comment it is put in is replaced.
    hostile = client.get("/api/v1/", HTTP_X_REQUEST_ID="x */ DROP TABLE cases_incident; --")
    assert "*/" not in hostile["X-Request-ID"]
    assert len(hostile["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_statements_reach_postgresql_with_the_request_id():
    observer = QueryObserver("req-42", threshold_ms=10_000)
    with connection.execute_wrapper(observer), connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        (query,) = cursor.fetchone()
    assert query.startswith("/* request_id=req-42 */ SELECT query")


@pytest.mark.django_db
def test_one_json_log_line_per_request_with_staff_user(client, caplog):
    staff = UserFactory(username="editor", is_staff=True)
    client.force_login(staff)
    caplog.set_level(logging.INFO, logger="ihl.request")
    response = client.get("/admin/", HTTP_X_REQUEST_ID="trace-1")
    assert response.status_code == 200
    (record,) = [r for r in caplog.records if r.name == "ihl.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "request"
    assert line["request_id"] == "trace-1"
    assert (line["method"], line["route"], line["status"]) == ("GET", "admin/", 200)
    assert line["user_id"] == staff.pk
    assert line["duration_ms"] >= line["db_ms"] > 0
    assert line["db_queries"] >= 1


@pytest.mark.django_db
def test_anonymous_request_logs_no_user_and_adds_no_query(client, caplog):
    caplog.set_level(logging.INFO, logger="ihl.request")
    client.get("/api/v1/")
    (record,) = [r for r in caplog.records if r.name == "ihl.request"]
    assert "user_id" not in json.loads(JsonFormatter().format(record))


@pytest.mark.django_db
def test_slow_queries_are_logged_with_the_request_id_not_the_parameters(client, settings, caplog):
    settings.IHL_SLOW_QUERY_MS = 0  # every statement is "slow"
    caplog.set_level(logging.WARNING, logger="ihl.slow_query")
    response = client.get("/api/v1/incidents/?q=secretsearchword", HTTP_X_REQUEST_ID="slow-1")
    assert response.status_code == 200
    slow = [r for r in caplog.records if r.name == "ihl.slow_query"]
    assert slow
    for record in slow:
        line = json.loads(JsonFormatter().format(record))
        assert line["request_id"] == "slow-1"
        assert line["duration_ms"] >= 0
        assert "secretsearchword" not in line["sql"]


# Real servers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(**options: str) -> str:
    """The test database as a URL, for a server in a subprocess."""
    s = connection.settings_dict
    host = quote(s["HOST"] or "localhost", safe="")
    query = "&".join(f"{key}={value}" for key, value in options.items())
    return f"postgres://{s['USER']}@{host}:{s['PORT'] or 5432}/{s['NAME']}?{query}"


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within 60 s")


def server_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "test-only-not-a-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "IHL_API_ANON_RATE": "100000/min",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return env


@pytest.fixture
def gunicorn(tmp_path):
    """Starts `gunicorn -c gunicorn.conf.py ihl.wsgi` (as the Dockerfile does) with the
    given environment; yields (base URL, path of its stderr)."""
    started = []

    def start(**extra: str) -> tuple[str, Path]:
        port = free_port()
        log = tmp_path / f"gunicorn-{port}.log"
        env = server_env(GUNICORN_BIND=f"127.0.0.1:{port}", **extra)
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
        process = subprocess.Popen([*command, "ihl.wsgi"], cwd=ROOT, env=env, stderr=log.open("w"))
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthz", process)
        return base, log

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.django_db
def test_gunicorn_with_its_config_serves_logs_json_and_adds_up_metrics(gunicorn):
    base, log = gunicorn(DATABASE_URL=database_url(), WEB_CONCURRENCY="2", IHL_METRICS_TOKEN="tok")
    status, _, body = get(f"{base}/readyz")
    assert (status, json.loads(body)["status"]) == (200, "ready")
    for n in range(6):
        status, headers, _ = get(f"{base}/api/v1/", {"X-Request-ID": f"gun-{n}"})
        assert (status, headers["X-Request-ID"]) == (200, f"gun-{n}")
    # The scrape reaches one worker; the count is every worker's.
    _, _, metrics = get(f"{base}/metrics", {"Authorization": "Bearer tok"})
    counted = [
        line
        for line in metrics.decode().splitlines()
        if line.startswith('ihl_http_requests_total{method="GET",route="api/v1/",status="200"}')
    ]
    assert counted
    assert float(counted[0].rsplit(" ", 1)[1]) == 6.0
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "ihl.request"]
    assert {line["request_id"] for line in requests} == {f"gun-{n}" for n in range(6)}
    assert any(line["logger"] == "gunicorn.error" for line in lines)


def test_gunicorn_is_alive_but_not_ready_and_busy_without_its_database(gunicorn):
    closed = free_port()  # nothing listens there
    base, _ = gunicorn(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/nothing",
        WEB_CONCURRENCY="1",
        IHL_DB_POOL_TIMEOUT="1",
    )
    assert get(f"{base}/healthz")[0] == 200
    status, _, body = get(f"{base}/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["database"] == "unavailable"
    # No connection to be had within the pool's timeout: "come back", not "broken".
    status, headers, body = get(f"{base}/api/v1/incidents/")
    assert (status, headers["Retry-After"]) == (503, "5")
    assert json.loads(body)["error"]["code"] == "busy"
    status, headers, body = get(f"{base}/search/")
    assert (status, headers["Retry-After"]) == (503, "5")
    assert b"try again" in body


@pytest.mark.django_db
def test_development_server_keeps_its_connections_within_the_pool():
    """The leak of `make run`: the threaded development server opened a connection per
    client thread and kept it, until PostgreSQL refused more. With the pool, 30 clients
    each on a new HTTP connection share at most IHL_DB_POOL_MAX_SIZE connections."""
    port = free_port()
    name = f"ihl-leak-{port}"
    env = server_env(
        DATABASE_URL=database_url(application_name=name),
        DJANGO_DEBUG="true",
        IHL_DB_POOL_MAX_SIZE="3",
    )
    manage = [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload"]
    process = subprocess.Popen([*manage, f"127.0.0.1:{port}"], cwd=ROOT, env=env)
    statuses: list[int] = []
    peak = 0
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process)

        def client() -> None:
            for _ in range(4):
                statuses.append(get(f"http://127.0.0.1:{port}/api/v1/incidents/")[0])

        threads = [threading.Thread(target=client) for _ in range(30)]
        for thread in threads:
            thread.start()
        url = database_url()
        with psycopg.connect(url.split("?")[0], autocommit=True) as watcher:
            while any(thread.is_alive() for thread in threads):
                (count,) = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name]
                ).fetchone()
                peak = max(peak, count)
                time.sleep(0.05)
        for thread in threads:
            thread.join()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert statuses == [200] * 120
    assert 1 <= peak <= 3


# Deployment files ------------------------------------------------------------------------
# Docker is not on the machines that run the tests: what can be checked without it is that
# every file and command the Dockerfile and compose.yaml name exists and is what it claims.


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_installs_the_runtime_lock_and_runs_gunicorn_as_non_root():
    instructions = dockerfile_instructions()
    runs = " ".join(arg for op, arg in instructions if op == "RUN")
    assert "pip install -r requirements.lock" in runs
    assert "requirements-dev.lock" not in runs
    assert "manage.py collectstatic --no-input" in runs
    assert "manage.py compilemessages" in runs  # else the image is English only
    copied = set()
    for op, arg in instructions:
        if op == "COPY":
            *sources, _ = arg.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file"
                copied.add(source)
    # Every app of the project, and what its pages read, is in the image.
    local_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    local_apps = {app for app in local_apps if (ROOT / app / "__init__.py").exists()}
    assert local_apps | {"templates", "static", "locale"} <= copied
    users = [arg for op, arg in instructions if op == "USER"]
    assert users
    assert users[-1] not in {"root", "0"}
    (command,) = [json.loads(arg) for op, arg in instructions if op == "CMD"]
    assert command == ["gunicorn", "-c", "gunicorn.conf.py", "ihl.wsgi"]
    (healthcheck,) = [arg for op, arg in instructions if op == "HEALTHCHECK"]
    assert "/healthz" in healthcheck


def test_compose_runs_the_image_against_postgresql_and_redis():
    import yaml

    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert {"app", "db", "redis", "migrate"} <= services.keys()
    assert services["db"]["image"] == "postgres:15"
    environment = services["app"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://ihl:")
    assert environment["DATABASE_URL"].endswith("@db:5432/ihl")
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert services["app"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    # The app is published on the host's loopback only: a TLS proxy goes in front.
    assert services["app"]["ports"] == ["127.0.0.1:8000:8000"]


def test_gunicorn_config_sizes_workers_and_pool_from_the_machine():
    env = {k: v for k, v in os.environ.items() if k not in {"WEB_CONCURRENCY", "GUNICORN_THREADS"}}
    env.pop("IHL_DB_POOL_MAX_SIZE", None)
    script = (
        "import runpy, os, json; c = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps([c['workers'], c['threads'], os.environ['IHL_DB_POOL_MAX_SIZE'], "
        "os.cpu_count()]))"
    )
    for threads, pool in ((None, "1"), ("4", "4")):
        run_env = dict(env, **({"GUNICORN_THREADS": threads} if threads else {}))
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=run_env,
            capture_output=True,
            text=True,
            check=True,
        )
        workers, threads_seen, pool_size, cores = json.loads(result.stdout)
        assert workers == 2 * cores + 1
        assert threads_seen == int(threads or 1)
        assert pool_size == pool
