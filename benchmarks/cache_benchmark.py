"""Benchmark of the public cache (cases/cache.py), cold against warm in one run. Not a test.

For each cached surface, in process (Django's test client: the application's own time, no
server, no network), alternating request by request so that both see the same background
load on a shared machine:
- cold: the cache switched off (IHL_CACHE_ENABLED false), the page built from the database;
- warm: the cache on and already holding the page (its one query: the generation).
Run against the local-memory cache, and against Redis when IHL_CACHE_URL is set or Redis
answers at 127.0.0.1:6379 (a key prefix of its own; nothing else in Redis is touched).

Then the price writers pay: single-row UPDATEs of cases_incident with the generation
trigger and with it disabled, alternating, inside a transaction that is rolled back.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_cache \\
        .venv/bin/python benchmarks/cache_benchmark.py [--requests 30] [--updates 2000] \\
        [--only pages|writes]

The pages are only read; the updates are rolled back.
"""

import argparse
import logging
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ihl.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("IHL_LOG_FORMAT", "text")

import django  # noqa: E402

django.setup()
logging.getLogger("ihl").setLevel(logging.WARNING)  # not a line per request

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from cases.models import Incident  # noqa: E402


def surfaces() -> list[tuple[str, str]]:
    incident = Incident.objects.public().order_by("pk").first()
    if incident is None:
        sys.exit("No public incident: run `manage.py load_demo` (and generate_demo) first.")
    return [
        ("home", "/"),
        ("search, unfiltered", "/search/"),
        ("incident list", "/incidents/"),
        ("incident page", f"/incidents/{incident.pk}/"),
        ("incident page, uk", f"/uk/incidents/{incident.pk}/"),
        ("states", "/states/"),
        ("OpenAPI schema", "/api/v1/schema/"),
    ]


def timed(client: Client, url: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT="application/json")
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        sys.exit(f"{url}: {response.status_code}")
    return elapsed, len(queries)


def measure_pages(backend: dict, requests: int) -> None:
    print(f"\n{backend['BACKEND'].rsplit('.', 1)[-1]}: median ms of {requests} requests each")
    print("| surface | cold ms | warm ms | ratio | queries cold | warm |")
    print("|---|---|---|---|---|---|")
    with override_settings(CACHES={"default": backend}):
        client = Client()
        for name, url in surfaces():
            cold, warm = [], []
            with override_settings(IHL_CACHE_ENABLED=True):
                timed(client, url)  # fill the cache
            for _ in range(requests):
                with override_settings(IHL_CACHE_ENABLED=False):
                    cold.append(timed(client, url))
                with override_settings(IHL_CACHE_ENABLED=True):
                    warm.append(timed(client, url))
            c = statistics.median(t for t, _ in cold)
            w = statistics.median(t for t, _ in warm)
            print(f"| {name} | {c:.1f} | {w:.1f} | {c / w:.0f}x | {cold[0][1]} | {warm[0][1]} |")


def measure_writes(updates: int) -> None:
    incident = Incident.objects.order_by("pk").first()
    sql = "UPDATE cases_incident SET summary = summary WHERE id = %s"
    on, off = [], []
    for _ in range(max(1, updates // 100)):  # alternating blocks of 100, each rolled back
        for trigger, times in (("ENABLE", on), ("DISABLE", off)):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"ALTER TABLE cases_incident {trigger} TRIGGER publication_generation"
                )
                cursor.execute("SET LOCAL ihl.sync_stamps = 'off'")  # the trigger alone
                for _ in range(100):
                    start = time.perf_counter()
                    cursor.execute(sql, [incident.pk])
                    times.append((time.perf_counter() - start) * 1000)
                transaction.set_rollback(True)
    a, b = statistics.median(on), statistics.median(off)
    print(f"\nOne-row UPDATE, median of {len(on)}: with the trigger {a:.3f} ms, without {b:.3f} ms")
    print(f"(the trigger adds {a - b:.3f} ms per statement, x{a / b:.2f})")
    with connection.cursor() as cursor:
        start = time.perf_counter()
        for _ in range(updates):
            cursor.execute("SELECT generation FROM cases_publication_generation WHERE id = 1")
            cursor.fetchone()
        read = (time.perf_counter() - start) * 1000 / updates
    print(f"Reading the generation: {read:.3f} ms per request (mean of {updates})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--only", choices=["pages", "writes"])
    args = parser.parse_args()
    if args.only == "writes":
        measure_writes(args.updates)
        return
    print(f"{Incident.objects.public().count()} public incidents")
    backends = [{"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}]
    url = settings.IHL_CACHE_URL or "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        backends.append(
            {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"ihl-bench-{uuid.uuid4().hex}",
                "TIMEOUT": 300,
            }
        )
    except Exception as error:
        print(f"Redis left out: {error}")
    for backend in backends:
        measure_pages(backend, args.requests)
    if args.only is None:
        measure_writes(args.updates)


if __name__ == "__main__":
    main()
