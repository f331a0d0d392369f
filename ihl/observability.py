"""What operations watch the site by: probes for the load balancer, Prometheus metrics,
one JSON log line per request, and slow-query logging (docs/operations.md, "Observability").

Every request gets an id: the caller's `X-Request-ID` when it is a plain token, else a new
one. It is returned in the response's `X-Request-ID`, put on every log line written while
the request runs, and prefixed to every SQL statement as a comment (`/* request_id=... */`),
so a slow statement in PostgreSQL's own log (log_min_duration_statement) leads back to
the request that ran it.
"""

import contextvars
import hmac
import ipaddress
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.utils.functional import empty
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from ihl.db_router import replica_state

request_logger = logging.getLogger("ihl.request")
slow_query_logger = logging.getLogger("ihl.slow_query")
probe_logger = logging.getLogger("ihl.probe")

# The id of the request this thread is serving, for every log line written meanwhile.
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default=""
)

# A caller's id is kept only when it is a plain token: it goes into SQL comments and logs.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")

# Probe and metrics paths, answered before host validation and the HTTPS redirect: a load
# balancer probes each process by its address over plain HTTP, not by the site's name.
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"

# Buckets in seconds: pages answer in tens of milliseconds; a search can take a second.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter(
    "ihl_http_requests",
    "HTTP requests answered, by route (the URL pattern), method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "ihl_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by route.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
DATABASE_TIME = Histogram(
    "ihl_http_request_database_seconds",
    "Time a request spent waiting on SQL statements, by route.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
QUERIES = Counter(
    "ihl_db_queries", "SQL statements run while serving requests, by route.", ["route"]
)
SLOW_QUERIES = Counter(
    "ihl_db_slow_queries", "SQL statements over IHL_SLOW_QUERY_MS, by route.", ["route"]
)


def request_id_from(request: HttpRequest) -> str:
    """The caller's X-Request-ID if it is a plain token (letters, digits, . _ -, at most
    64), else a new random one: anything else could break out of a SQL comment."""
    given = request.headers.get("X-Request-ID", "")
    if REQUEST_ID_PATTERN.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestContextFilter(logging.Filter):
    """Puts the current request id on every record (the JSON formatter writes it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get()
        return True


# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the
    request id if any, the fields given with `extra=`, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and value not in ("", None):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{seconds}.{int(record.msecs):03d}Z"


class QueryObserver:
    """An execute wrapper for one request: tags each statement with the request id, adds
    up the time spent in the database, and logs the statements over the threshold."""

    def __init__(self, request_id: str, threshold_ms: float) -> None:
        self.comment = f"/* request_id={request_id} */ "
        self.threshold_ms = threshold_ms
        self.seconds = 0.0
        self.count = 0
        self.slow = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(self.comment + sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.seconds += took
            self.count += 1
            if took * 1000 >= self.threshold_ms:
                self.slow += 1
                # The statement, never its parameters: they can hold what a person searched.
                slow_query_logger.warning(
                    "slow query",
                    extra={"duration_ms": round(took * 1000, 1), "sql": sql[:2000]},
                )


def route_of(request: HttpRequest) -> str:
    """The URL pattern that served the request (a bounded set of values for metrics)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return match.route or match.view_name or "<unnamed>"


def staff_user_id(request: HttpRequest) -> int | None:
    """The staff user's id, only if the request already loaded its user: looking the user
    up here would add a session query to requests that never needed one."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_staff else None


class RequestObservabilityMiddleware:
    """Request id, timing, database time, metrics and the request's log line. Placed
    first in MIDDLEWARE so that it times everything the other middleware does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in (HEALTH_PATH, READY_PATH, METRICS_PATH):
            return probe_response(request)
        request_id = request_id_from(request)
        token = current_request_id.set(request_id)
        observer = QueryObserver(request_id, settings.IHL_SLOW_QUERY_MS)
        started = time.perf_counter()
        try:
            with ExitStack() as stack:
                # The replicas' statements too (ihl/db_router.py): a public read runs there.
                for conn in connections.all():
                    stack.enter_context(conn.execute_wrapper(observer))
                response = self.get_response(request)
            duration = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            self.record(request, response.status_code, duration, observer)
            return response
        finally:
            current_request_id.reset(token)

    def record(
        self, request: HttpRequest, status: int, duration: float, observer: QueryObserver
    ) -> None:
        route = route_of(request)
        method = request.method or ""
        REQUESTS.labels(route, method, str(status)).inc()
        LATENCY.labels(route, method).observe(duration)
        DATABASE_TIME.labels(route).observe(observer.seconds)
        QUERIES.labels(route).inc(observer.count)
        if observer.slow:
            SLOW_QUERIES.labels(route).inc(observer.slow)
        request_logger.info(
            "request",
            extra={
                "method": method,
                "route": route,
                "path": request.path,
                "status": status,
                "duration_ms": round(duration * 1000, 1),
                "db_ms": round(observer.seconds * 1000, 1),
                "db_queries": observer.count,
                "user_id": staff_user_id(request),
            },
        )


def probe_response(request: HttpRequest) -> HttpResponse:
    if request.path == HEALTH_PATH:
        return healthz(request)
    if request.path == READY_PATH:
        return readyz(request)
    return metrics(request)


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing else, so a database outage does not
    make the load balancer restart every healthy process."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: can this process serve? The database answers a query, and the cache
    stores and returns a value. 503 while either fails; the reason goes to the log, not
    to the caller (it may name hosts)."""
    checks = {"database": _check_database(), "cache": _check_cache()}
    ready = all(value == "ok" for value in checks.values())
    body: dict[str, Any] = {"status": "ready" if ready else "unavailable", "checks": checks}
    if settings.IHL_REPLICA_ALIASES:
        # Reported, not required: without a usable replica the primary serves the reads.
        body["replicas"] = _check_replicas()
    return JsonResponse(body, status=200 if ready else 503)


def _check_replicas() -> dict[str, dict[str, Any]]:
    """Each replica measured now: "ok", "lagging" (past IHL_REPLICA_MAX_LAG_SECONDS, or
    behind by an unknown amount) or "unavailable", with its lag in seconds."""
    report = {}
    for alias in settings.IHL_REPLICA_ALIASES:
        state = replica_state(alias, max_age=0)
        lag = None if state.lag_seconds is None else round(state.lag_seconds, 3)
        report[alias] = {"status": state.status, "lag_seconds": lag}
    return report


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        probe_logger.exception("readiness: the database does not answer")
        connection.close()  # a broken connection is not handed to the next request
        return "unavailable"
    return "ok"


def _check_cache() -> str:
    key = f"ihl:readyz:{os.getpid()}"
    try:
        cache.set(key, "ok", timeout=10)
        if cache.get(key) != "ok":
            raise RuntimeError("the cache did not return the value just stored")
    except Exception:
        probe_logger.exception("readiness: the cache does not answer")
        return "unavailable"
    return "ok"


def metrics_allowed(request: HttpRequest) -> bool:
    """The bearer token of IHL_METRICS_TOKEN, or a direct connection from an address in
    IHL_METRICS_ALLOWED_IPS. Neither configured: nobody."""
    token = settings.IHL_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    networks = settings.IHL_METRICS_ALLOWED_IPS
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in networks)
    return False


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics; 404 to anyone not allowed, as if there were no such page."""
    if not metrics_allowed(request):
        return HttpResponseNotFound("Not Found", content_type="text/plain")
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Under gunicorn each worker writes its own files (gunicorn.conf.py); add them up.
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
