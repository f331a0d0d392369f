"""Benchmark of the partner API against a raw-SQL baseline, in one run. Not a test.

Starts gunicorn servers on loopback over the same database: the real application, and a
baseline WSGI app (below) that fetches the same rows with one raw SQL query and serialises
them with json.dumps, with psycopg's defaults (a statement run five times is prepared);
a third server runs the baseline unprepared, as Django's backend does. Measures the
incident list (a page of 50) and a search: median latency of sequential requests, and
requests/s with concurrent clients. The servers are warmed up first, and measured in turn
(request by request, and in alternating slices of the throughput run), so that on a shared
machine the application and the baseline see the same background load.

Incremental sync: `incidents/?updated_since=<instant>` with 0, 100 and 10,000 public
incidents changed since the instant, each instant read from the data (the 100th and the
10,000th latest `changed_at` of a public incident; just after the latest for 0), against
the plain first page of the list measured in turn in the same run.

Lists and their count: every list answers `count`, exact up to 1,000 and then "more than
1,000" (`count_exact` false), from one query that stops after 1,001 rows. The first page of
each list endpoint, with and without filters and with common, rare and absent search
terms, against the plain first page of incidents measured in turn in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_bench \\
        .venv/bin/python benchmarks/api_benchmark.py [--requests 200] [--seconds 10] \\
        [--only list|sync|counts]

The database is only read. Run it on a database filled by `manage.py generate_demo`
(which spreads `updated_at` and `changed_at` over six years, so the instants exist).
"""

import argparse
import datetime
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PAGE = 50
SEARCH_TERM = "liberation"
SYNC_CHANGES = (0, 100, 10_000)
# (what it is, the API path): first pages whose count stops at 1,000 or reads every match.
# The terms and codes suit generate_demo's data (--seed 1); the run prints what each matched.
COUNT_CASES = [
    ("incidents, no filter", f"/api/v1/incidents/?page_size={PAGE}"),
    ("incidents, country=UA (common)", f"/api/v1/incidents/?page_size={PAGE}&country=UA"),
    ("incidents, country=BY (rare)", f"/api/v1/incidents/?page_size={PAGE}&country=BY"),
    (
        "incidents, country=BY + verification_status=disputed",
        f"/api/v1/incidents/?page_size={PAGE}&country=BY&verification_status=disputed",
    ),
    ("incidents, year=2022", f"/api/v1/incidents/?page_size={PAGE}&year=2022"),
    (
        "incidents, action_kind=summons",
        f"/api/v1/incidents/?page_size={PAGE}&action_kind=summons",
    ),
    ("incidents, q=civilians (very common)", f"/api/v1/incidents/?page_size={PAGE}&q=civilians"),
    ("incidents, q=liberation (medium)", f"/api/v1/incidents/?page_size={PAGE}&q=liberation"),
    ("incidents, q=Inoshabad (rare)", f"/api/v1/incidents/?page_size={PAGE}&q=Inoshabad"),
    ("incidents, q=zzyzxq (no match)", f"/api/v1/incidents/?page_size={PAGE}&q=zzyzxq"),
    ("actions, no filter", f"/api/v1/actions/?page_size={PAGE}"),
    ("actions, kind=summons", f"/api/v1/actions/?page_size={PAGE}&kind=summons"),
    ("actors, no filter", f"/api/v1/actors/?page_size={PAGE}"),
    ("actors, name=Kuzmov", f"/api/v1/actors/?page_size={PAGE}&name=Kuzmov"),
    ("sources, no filter", f"/api/v1/sources/?page_size={PAGE}"),
]

# The same rows and fields as /api/v1/incidents/ (IncidentListSerializer), in one query.
SELECT = """
    SELECT i.id, i.title, i.summary, i.date, i.date_earliest, i.date_latest,
           c.code AS country_code, c.name AS country_name, i.subdivision, i.place_name,
           i.latitude, i.longitude, i.coordinate_precision,
           cp.code AS cp_code, cp.name AS cp_name, i.conflict_type, i.verification_status,
           ARRAY(SELECT vc.slug FROM cases_incident_categories ic
                 JOIN cases_violationcategory vc ON vc.id = ic.violationcategory_id
                 WHERE ic.incident_id = i.id ORDER BY vc.slug) AS categories,
           (SELECT p.id FROM cases_incident p WHERE p.id = i.parent_id
              AND p.publication_status = 'published' AND p.confidentiality = 'public')
              AS parent,
           i.updated_at
    FROM cases_incident i
    LEFT JOIN cases_state c ON c.code = i.country_id
    LEFT JOIN cases_state cp ON cp.code = i.controlling_power_id
    WHERE i.publication_status = 'published' AND i.confidentiality = 'public'
"""
PUBLIC = "i.publication_status = 'published' AND i.confidentiality = 'public'"
LIST_SQL = SELECT + " ORDER BY i.id LIMIT %s"
SEARCH_SQL = (
    SELECT
    + """ AND i.search_vector @@ (websearch_to_tsquery('english', %(q)s)
                                  || websearch_to_tsquery('simple', %(q)s))
    ORDER BY ts_rank(i.search_vector, websearch_to_tsquery('english', %(q)s)
                                      || websearch_to_tsquery('simple', %(q)s)) DESC, i.id DESC
    LIMIT %(limit)s"""
)

_connection = None


def _row(r: dict) -> dict:
    country = {"code": r["country_code"], "name": r["country_name"]} if r["country_code"] else None
    power = {"code": r["cp_code"], "name": r["cp_name"]} if r["cp_code"] else None
    return {
        "id": r["id"],
        "title": r["title"],
        "summary": r["summary"],
        "date": r["date"],
        "date_earliest": r["date_earliest"],
        "date_latest": r["date_latest"],
        "country": country,
        "subdivision": r["subdivision"],
        "place_name": r["place_name"],
        "latitude": r["latitude"],
        "longitude": r["longitude"],
        "coordinate_precision": r["coordinate_precision"],
        "controlling_power": power,
        "conflict_type": r["conflict_type"],
        "verification_status": r["verification_status"],
        "categories": r["categories"],
        "parent": r["parent"],
        "updated_at": r["updated_at"],
    }


def baseline_app(environ, start_response):
    """The baseline: one raw SQL query per request, rows to dicts, json.dumps."""
    global _connection
    import psycopg
    from psycopg.rows import dict_row

    if _connection is None:
        _connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
        if os.environ.get("BASELINE_UNPREPARED"):
            # As Django's psycopg backend (client-side binding): the query is planned each time.
            _connection.prepare_threshold = None
    params = parse_qs(environ.get("QUERY_STRING", ""))
    with _connection.cursor(row_factory=dict_row) as cursor:
        if "q" in params:
            cursor.execute(SEARCH_SQL, {"q": params["q"][0], "limit": PAGE})
        else:
            cursor.execute(LIST_SQL, [PAGE])
        rows = [_row(r) for r in cursor.fetchall()]
    body = json.dumps({"next": None, "previous": None, "results": rows}, default=str).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def sync_instants(changes: tuple[int, ...]) -> list[tuple[int, datetime.datetime, int]]:
    """(changes asked for, instant, public incidents with changed_at at or after it) for
    each count that the data can give (fewer public incidents: left out)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        latest = [
            row[0]
            for row in connection.execute(
                f"SELECT i.changed_at FROM cases_incident i WHERE {PUBLIC} "
                "ORDER BY i.changed_at DESC LIMIT %s",
                [max(changes)],
            )
        ]
        instants = []
        for n in changes:
            if n > len(latest):
                continue
            instant = latest[n - 1] if n else latest[0] + datetime.timedelta(seconds=1)
            (found,) = connection.execute(
                f"SELECT count(*) FROM cases_incident i WHERE {PUBLIC} AND i.changed_at >= %s",
                [instant],
            ).fetchone()
            instants.append((n, instant, found))
    return instants


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app: str, port: int, workers: int, **extra_env: str) -> subprocess.Popen:
    env = {
        **os.environ,
        **extra_env,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret-" + "x" * 30,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "IHL_API_ANON_RATE": "100000000/min",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), app, "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    command += ["--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"{app} did not start on port {port}")


def get(connection: http.client.HTTPConnection, path: str) -> bytes:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}: {body[:200]!r}")
    return body


def latencies_ms(targets: list[tuple[int, str]], requests: int) -> list[float]:
    """Median latency of sequential requests to each (port, path), taken in turn (A, B, C,
    A, B, C, ...) so that every server sees the same background load on a shared machine."""
    connections = [http.client.HTTPConnection("127.0.0.1", port) for port, _ in targets]
    timings: list[list[float]] = [[] for _ in targets]
    for _ in range(requests):
        for connection, (_, path), times in zip(connections, targets, timings, strict=True):
            start = time.perf_counter()
            get(connection, path)
            times.append((time.perf_counter() - start) * 1000)
    for connection in connections:
        connection.close()
    return [statistics.median(times) for times in timings]


def walk_ms(port: int, path: str, walks: int) -> tuple[float, int, int]:
    """Median time to read every page of `path` (following `next`), and the pages and
    records read: what a partner's sync costs in all, not only its first page."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    times = []
    for _ in range(walks):
        pages = records = 0
        start = time.perf_counter()
        url: str | None = path
        while url:
            body = json.loads(get(connection, url))
            pages, records = pages + 1, records + len(body["results"])
            url = body["next"] and urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
        times.append((time.perf_counter() - start) * 1000)
    connection.close()
    return statistics.median(times), pages, records


def load(port: int, path: str, seconds: float, clients: int) -> tuple[int, float]:
    """Requests answered by `clients` concurrent clients in `seconds`, and the time taken."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.perf_counter() < stop:
            get(connection, path)
            done[n] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done), time.perf_counter() - start


def throughputs(
    targets: list[tuple[int, str]], seconds: float, clients: int, slices: int = 5
) -> list[float]:
    """Requests/s of each (port, path) under concurrent clients, measured in alternating
    slices of the run, for the same reason as latencies_ms."""
    done = [0] * len(targets)
    elapsed = [0.0] * len(targets)
    for _ in range(slices):
        for i, (port, path) in enumerate(targets):
            n, took = load(port, path, seconds / slices, clients)
            done[i] += n
            elapsed[i] += took
    return [n / took for n, took in zip(done, elapsed, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="sequential requests")
    parser.add_argument("--seconds", type=float, default=10, help="throughput run length")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--walks", type=int, default=5, help="times every page of each sync is read"
    )
    parser.add_argument(
        "--only",
        choices=["list", "sync", "counts"],
        help="only the list and search, only the sync, or only the lists' counts",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database filled by generate_demo.")

    api_port, base_port, unprepared_port = free_port(), free_port(), free_port()
    baseline = "benchmarks.api_benchmark:baseline_app"
    servers = [
        start_server("ihl.wsgi:application", api_port, args.workers),
        start_server(baseline, base_port, args.workers),
        start_server(baseline, unprepared_port, args.workers, BASELINE_UNPREPARED="1"),
    ]
    cases = [
        ("incident list, page of 50", f"/api/v1/incidents/?page_size={PAGE}", "/"),
        (
            f"search '{SEARCH_TERM}', page of 50",
            f"/api/v1/incidents/?page_size={PAGE}&q={quote(SEARCH_TERM)}",
            f"/?q={quote(SEARCH_TERM)}",
        ),
    ]
    plain = f"/api/v1/incidents/?page_size={PAGE}"
    instants = sync_instants(SYNC_CHANGES) if args.only != "list" else []
    sync_paths = [
        f"{plain}&updated_since={quote(instant.isoformat())}" for _, instant, _ in instants
    ]
    if args.only in ("sync", "counts"):
        cases = []
    if args.only == "counts":
        instants, sync_paths = [], []
    try:
        # Every worker booted and past its first requests (imports, connection, first
        # plans) before anything is timed: gunicorn accepts before its workers are ready.
        for port in (api_port, base_port, unprepared_port):
            for _, api_path, base_path in cases:
                load(port, api_path if port == api_port else base_path, 2, args.workers * 2)
        for path in [plain, *sync_paths]:
            load(api_port, path, 2, args.workers * 2)
        sync_rows = []
        if instants:
            connection = http.client.HTTPConnection("127.0.0.1", api_port)
            returned = [len(json.loads(get(connection, path))["results"]) for path in sync_paths]
            connection.close()
            for (n, _, found), page in zip(instants, returned, strict=True):
                assert page == min(found, PAGE), (n, found, page)
            # The plain first page and each sync request in turn: the same background load.
            plain_ms, *sync_ms = latencies_ms(
                [(api_port, path) for path in [plain, *sync_paths]], args.requests
            )
            walks = [walk_ms(api_port, path, args.walks) for path in sync_paths]
            sync_rows = [
                (n, found, page, ms, plain_ms, walk)
                for (n, _, found), page, ms, walk in zip(
                    instants, returned, sync_ms, walks, strict=True
                )
            ]
        count_rows = list_counts(api_port, args.requests) if args.only in (None, "counts") else []
        rows = []
        for name, api_path, base_path in cases:
            api_rows = len(
                json.loads(get(http.client.HTTPConnection("127.0.0.1", api_port), api_path))[
                    "results"
                ]
            )
            base_rows = len(
                json.loads(get(http.client.HTTPConnection("127.0.0.1", base_port), base_path))[
                    "results"
                ]
            )
            assert api_rows == base_rows == PAGE, (api_rows, base_rows)
            api_ms, base_ms, unprepared_ms = latencies_ms(
                [(api_port, api_path), (base_port, base_path), (unprepared_port, base_path)],
                args.requests,
            )
            api_rps, base_rps = throughputs(
                [(api_port, api_path), (base_port, base_path)], args.seconds, args.clients
            )
            rows.append((name, api_ms, base_ms, unprepared_ms, api_rps, base_rps))
    finally:
        for server in servers:
            server.terminate()
            server.wait()

    print(f"\n{args.workers} gunicorn workers, {args.clients} concurrent clients, loopback\n")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    if rows:
        print(
            "| request | API median ms | baseline median ms | ratio "
            "| baseline unprepared ms | ratio | API req/s | baseline req/s | ratio |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
    for name, api_ms, base_ms, unprepared_ms, api_rps, base_rps in rows:
        print(
            f"| {name} | {api_ms:.1f} | {base_ms:.1f} | {api_ms / base_ms:.2f}x "
            f"| {unprepared_ms:.1f} | {api_ms / unprepared_ms:.2f}x "
            f"| {api_rps:.0f} | {base_rps:.0f} | {base_rps / api_rps:.2f}x |"
        )
    if sync_rows:
        print(
            "\n| changed since | public incidents changed | first page rows "
            "| first page median ms | plain first page ms | ratio "
            "| every page: pages | ms | ms per 1,000 records |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for n, found, page, ms, plain_ms, (walk, pages, records) in sync_rows:
            assert records == found, (n, found, records)
            per = f"{walk / records * 1000:.0f}" if records else "-"
            print(
                f"| {n:,} | {found:,} | {page} | {ms:.1f} | {plain_ms:.1f} "
                f"| {ms / plain_ms:.2f}x | {pages} | {walk:.0f} | {per} |"
            )
    if count_rows:
        plain_ms = count_rows[0][2]
        print("\n| first page of | count (or error) | median ms | ratio to incidents, no filter |")
        print("|---|---|---|---|")
        for name, answer, ms in count_rows:
            print(f"| {name} | {answer} | {ms:.1f} | {ms / plain_ms:.2f}x |")


def list_counts(port: int, requests: int) -> list[tuple[str, str, float | None]]:
    """(case, what the first page answered, median ms) of each COUNT_CASES path, the first
    being the plain incident list: every path warmed up, then all taken in turn (one request
    of each, repeated) so that each sees the same background load. A path that answers an
    error (the statement timeout's 503) is reported with it and its time, not repeated."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    answers = []
    for _, path in COUNT_CASES:
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = json.loads(response.read())
        took = (time.perf_counter() - start) * 1000
        if response.status == 200:
            answers.append((f"{body['count']:,}, exact: {body['count_exact']}", None))
        else:
            answers.append((f"HTTP {response.status} {body['error']['code']}", took))
    connection.close()
    timed = [path for (_, path), (_, error) in zip(COUNT_CASES, answers, strict=True) if not error]
    for path in timed:
        load(port, path, 1, 2)
    medians = iter(latencies_ms([(port, path) for path in timed], requests))
    return [
        (name, answer, error_ms if error_ms is not None else next(medians))
        for (name, _), (answer, error_ms) in zip(COUNT_CASES, answers, strict=True)
    ]


if __name__ == "__main__":
    main()
