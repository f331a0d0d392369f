"""Load benchmark: concurrent users mixing search, record pages and API calls. Not a test.

Starts each server in turn on loopback over the same database, sends it the same mix from
`--users` concurrent users (threads, each with its own keep-alive connection, or a new
connection per request with --new-connections, as a crowd of one-off clients does) for
`--seconds`, at most `--max-requests` requests in all, and reports per server: requests,
errors by kind, requests/s, requests/s per CPU of the machine, and p50/p95/p99 latency.
The first server is the baseline of the ratios, measured in the same run.

Servers (--servers, comma-separated, in this order):
  gunicorn-N           gunicorn.conf.py with N processes (WEB_CONCURRENCY=N)
  gunicorn-N-nopool    the same with persistent connections instead of the pool
  runserver            `make run`'s server (threaded runserver, DEBUG) with the pool
  runserver-nopool     `make run`'s server as it was: persistent connections, 60 s
  runserver-noreuse    the development server closing its connection after each request
  gunicorn-N-replica   gunicorn-N reading public requests from --replica-url (a streaming
                       replica of DATABASE_URL: IHL_REPLICA_URLS, docs/operations.md);
                       the other servers never read a replica

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ihl_ops \\
        .venv/bin/python benchmarks/load_benchmark.py [--users 50] [--seconds 30] \\
        [--servers gunicorn-1,gunicorn-2,runserver]

With DATABASE_URL unset the servers use the embedded PostgreSQL (var/pgdata), as
`make run` does. The database is only read (the mix has no writes). Records are picked
from the API's first pages, so the script needs no database access of its own.
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Words of the generated text (cases/synthetic.py) spread by how many incidents they match,
# at 100,000 generated incidents: all of them, about a third, 4%, under 1%, one.
SEARCH_TERMS = ["attack", "detention", "liberation", "carlo", "putin"]
SERVER_NAME = re.compile(r"gunicorn-[1-9][0-9]?(-nopool|-replica)?|runserver(-nopool|-noreuse)?")


@dataclass
class Result:
    server: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(pool: bool, replica_url: str = "") -> dict[str, str]:
    return {
        **os.environ,
        "IHL_REPLICA_URLS": replica_url,
        "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret-" + "x" * 30,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "IHL_API_ANON_RATE": "100000000/min",
        "IHL_DB_POOL": "true" if pool else "false",
    }


def start_server(name: str, port: int, replica_url: str = "") -> subprocess.Popen:
    python = sys.executable
    if name.startswith("gunicorn"):
        replica = replica_url if name.endswith("-replica") else ""
        env = server_env(pool=not name.endswith("nopool"), replica_url=replica)
        env.update(DJANGO_DEBUG="false", WEB_CONCURRENCY=name.split("-")[1])
        gunicorn = str(Path(python).parent / "gunicorn")
        command = [gunicorn, "-c", "gunicorn.conf.py", "ihl.wsgi", "-b", f"127.0.0.1:{port}"]
    else:
        # As `make run`: DEBUG on (.env.example), the threaded development server.
        env = server_env(pool=name == "runserver")
        env["DJANGO_DEBUG"] = "true"
        if name == "runserver-noreuse":
            env["IHL_DB_CONN_MAX_AGE"] = "0"
        command = [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"{name} did not start on port {port}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fetch_json(port: int, path: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}: {body[:200]!r}")
    return json.loads(body)


def pick_paths(port: int, seed: int, terms: list[str], count: int = 2000) -> list[tuple[str, str]]:
    """The mix, as (kind, path): 30% search pages, 30% incident pages, 10% browse pages,
    15% API searches, 15% API records. Incidents from the first pages of the API list."""
    ids: list[int] = []
    path: str | None = "/api/v1/incidents/?page_size=100"
    while path and len(ids) < 200:
        page = fetch_json(port, path)
        ids += [row["id"] for row in page["results"]]
        path = page["next"] and urlsplit(page["next"])._replace(scheme="", netloc="").geturl()
    if not ids:
        raise RuntimeError("No public incident: fill the database (generate_demo) first.")
    rng = random.Random(seed)
    kinds = [
        ("search page", 30, lambda: f"/search/?q={quote(rng.choice(terms))}"),
        ("incident page", 30, lambda: f"/incidents/{rng.choice(ids)}/"),
        ("browse page", 10, lambda: rng.choice(["/", "/incidents/", "/actions/", "/law/"])),
        ("API search", 15, lambda: f"/api/v1/incidents/?q={quote(rng.choice(terms))}"),
        ("API record", 15, lambda: f"/api/v1/incidents/{rng.choice(ids)}/"),
    ]
    names = [name for name, _, _ in kinds]
    weights = [weight for _, weight, _ in kinds]
    makers = {name: make for name, _, make in kinds}
    paths = []
    for _ in range(count):
        kind = rng.choices(names, weights)[0]
        paths.append((kind, makers[kind]()))
    return paths


def error_reason(body: bytes) -> str:
    """What failed, from DEBUG's error page or the message of a database error."""
    text = body.decode(errors="replace")
    for marker in ("too many clients", "PoolTimeout", "couldn't get a connection"):
        if marker in text:
            return marker
    title = re.search(r"<title>\s*(.*?)\s+at\s", text, re.S)
    return title.group(1) if title else ""


def run_load(
    result: Result,
    port: int,
    paths: list[tuple[str, str]],
    users: int,
    seconds: float,
    max_requests: int,
    new_connections: bool,
    timeout: float = 30,
) -> None:
    """`users` threads send the paths round-robin until the time or the count runs out."""
    lock = threading.Lock()
    sent = [0]
    stop = time.perf_counter() + seconds

    def user(n: int) -> None:
        connection = None
        i = n * 37
        while time.perf_counter() < stop:
            with lock:
                if sent[0] >= max_requests:
                    return
                sent[0] += 1
            kind, path = paths[i % len(paths)]
            i += 1
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            started = time.perf_counter()
            error = None
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                if response.status >= 400:
                    error = f"HTTP {response.status} {error_reason(body)}".strip()
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
                connection.close()
                connection = None
            took = (time.perf_counter() - started) * 1000
            with lock:
                if error:
                    result.errors[error] += 1
                else:
                    result.latencies_ms.append(took)
                    result.by_kind.setdefault(kind, []).append(took)
            if new_connections and connection is not None:
                connection.close()
                connection = None
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds += time.perf_counter() - started


def percentile(values: list[float], p: float) -> str:
    if len(values) < 2:
        return "-"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[int(p) - 1]:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30, help="measured run per server")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per server")
    parser.add_argument("--warmup", type=float, default=5, help="seconds, not measured")
    parser.add_argument("--servers", default="gunicorn-1,gunicorn-2,runserver")
    parser.add_argument("--new-connections", action="store_true", help="one per request")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replica-url", default="", help="for the gunicorn-N-replica servers")
    parser.add_argument(
        "--terms", default=",".join(SEARCH_TERMS), help="search terms, comma-separated"
    )
    args = parser.parse_args()
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    unknown = [name for name in names if not SERVER_NAME.fullmatch(name)]
    if unknown:
        sys.exit(f"--servers: unknown {', '.join(unknown)} (see the module's docstring)")
    if any(name.endswith("-replica") for name in names) and not args.replica_url:
        sys.exit("--servers: a gunicorn-N-replica server needs --replica-url")

    # Production settings serve static files from collectstatic's manifest (WhiteNoise).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env={**server_env(pool=True), "DJANGO_DEBUG": "false"},
        check=True,
    )
    results = []
    paths = None
    for name in names:
        port = free_port()
        process = start_server(name, port, args.replica_url)
        try:
            if paths is None:
                paths = pick_paths(port, args.seed, args.terms.split(","))
            # Every process booted and past its first requests before anything is timed.
            warm = Result(name)
            run_load(warm, port, paths, args.users, args.warmup, 10**9, args.new_connections)
            result = Result(name)
            run_load(
                result,
                port,
                paths,
                args.users,
                args.seconds,
                args.max_requests,
                args.new_connections,
            )
            results.append(result)
        finally:
            stop_server(process)
        print(
            f"{name}: {len(result.latencies_ms)} answered, errors {dict(result.errors)}, "
            f"{result.seconds:.0f} s, load average {os.getloadavg()[0]:.1f}",
            file=sys.stderr,
        )

    cpus = os.cpu_count() or 1
    connection_kind = "a new connection per request" if args.new_connections else "keep-alive"
    print(
        f"\n{args.users} users ({connection_kind}), {args.seconds:.0f} s or "
        f"{args.max_requests:,} requests per server, loopback; {cpus} CPUs shared by the "
        f"server, its database and the clients; load average at the end "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    print(
        "| server | requests | errors | req/s | req/s per CPU | ratio | p50 ms | p95 ms | p99 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    baseline_rps = None
    for result in results:
        answered = len(result.latencies_ms)
        total = answered + sum(result.errors.values())
        rps = answered / result.seconds
        # The first server that answered anything (a saturated one can answer nothing).
        baseline_rps = baseline_rps or rps or None
        ratio = f"{rps / baseline_rps:.2f}x" if baseline_rps else "-"
        errors = ", ".join(f"{n} {kind}" for kind, n in result.errors.most_common()) or "0"
        lat = result.latencies_ms
        print(
            f"| {result.server} | {total:,} | {errors} | {rps:.1f} | {rps / cpus:.1f} "
            f"| {ratio} | {percentile(lat, 50)} | {percentile(lat, 95)} "
            f"| {percentile(lat, 99)} |"
        )
    print("\nanswered / p95 ms by kind of request:\n")
    kinds = sorted({kind for result in results for kind in result.by_kind})
    print("| server | " + " | ".join(kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for result in results:
        cells = [
            f"{len(result.by_kind.get(kind, []))} / {percentile(result.by_kind.get(kind, []), 95)}"
            for kind in kinds
        ]
        print(f"| {result.server} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
