"""Read replicas: which database a query goes to (docs/operations.md, "Read replicas").

Public reads (an anonymous GET of a page, the API, search, an export, a feed) go to a
PostgreSQL streaming replica from IHL_REPLICA_URLS; everything else reads the primary
("default"): writes, staff and every logged-in user, the admin, anything inside a
transaction on the primary, and the tables of sessions, logins and the audit trail.

`ReplicaRoutingMiddleware` decides once per request and puts the answer in a contextvar;
`ReplicaRouter` (DATABASE_ROUTERS) reads it for every query. A replica is used only while
it answers and lags no more than IHL_REPLICA_MAX_LAG_SECONDS; each process measures that
at most once every IHL_REPLICA_CHECK_SECONDS, on a connection of its own, so a request
pays for the check only when it is due. Read-your-writes: the response to a POST (PUT,
PATCH, DELETE) sets a signed cookie, and that browser reads the primary for
IHL_READ_YOUR_WRITES_SECONDS after it.
"""

import contextvars
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse

logger = logging.getLogger("ihl.replicas")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Always read on the primary: state a user has just changed (a login, a lockout, a
# session) must be read where it was written, and the audit trail is never stale.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "audit", "auth", "admin"})
WROTE_COOKIE = "ihl_wrote"
WROTE_SALT = "ihl.db_router.wrote"

# Lag is the age of the last replayed transaction, except for a replica that streams from
# the primary and has replayed all it received: it is not behind (lag 0), however long the
# primary has been idle. One that does not stream (restarted and not yet reconnected, or
# cut off from the primary) cannot know what it has not received, so its lag is the age of
# its data and grows until it streams again. A server that is not in recovery (a promoted
# replica) is current. NULL: no transaction replayed since it started, so how far is
# unknown.
LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
            AND pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
        ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
    END
"""


@dataclass(frozen=True)
class RequestReads:
    """Where this request reads (None: the primary)."""

    alias: str | None


_request: contextvars.ContextVar[RequestReads | None] = contextvars.ContextVar(
    "ihl_request_reads", default=None
)


@contextmanager
def reading(state: RequestReads) -> Iterator[RequestReads]:
    """Queries in this block read as `state` says (the middleware's, for one request)."""
    token = _request.set(state)
    try:
        yield state
    finally:
        _request.reset(token)


def read_alias() -> str:
    """The database the current request reads from (the primary outside a request)."""
    state = _request.get()
    return state.alias if state and state.alias else DEFAULT_DB_ALIAS


# Replica health, measured per process --------------------------------------------------


@dataclass(frozen=True)
class ReplicaState:
    alias: str
    available: bool
    lag_seconds: float | None  # None: unavailable, or behind by an unknown amount
    checked_at: float  # time.monotonic()

    @property
    def status(self) -> str:
        if not self.available:
            return "unavailable"
        if self.lag_seconds is None or self.lag_seconds > settings.IHL_REPLICA_MAX_LAG_SECONDS:
            return "lagging"
        return "ok"


_states: dict[str, ReplicaState] = {}


def measure_replica(alias: str) -> ReplicaState:
    """Connects to the replica on a connection of its own (not the pool's, whose wait for a
    dead server is the pool's timeout) and reads its lag."""
    params = connections[alias].get_connection_params()
    params["application_name"] = "ihl-replica-check"
    try:
        with psycopg.connect(
            **params, connect_timeout=settings.IHL_REPLICA_CONNECT_TIMEOUT, autocommit=True
        ) as conn:
            row = conn.execute(LAG_SQL).fetchone()
    except psycopg.Error:
        logger.warning("replica %s does not answer", alias, exc_info=True)
        return ReplicaState(alias, available=False, lag_seconds=None, checked_at=time.monotonic())
    lag = None if row is None or row[0] is None else float(row[0])
    return ReplicaState(alias, available=True, lag_seconds=lag, checked_at=time.monotonic())


def replica_state(alias: str, *, max_age: float | None = None) -> ReplicaState:
    """The replica's last measured state, measured again when older than max_age seconds
    (default IHL_REPLICA_CHECK_SECONDS). Two threads may both measure: harmless."""
    if max_age is None:
        max_age = settings.IHL_REPLICA_CHECK_SECONDS
    state = _states.get(alias)
    if state is None or time.monotonic() - state.checked_at >= max_age:
        state = measure_replica(alias)
        previous = _states.get(alias)
        if previous is not None and previous.status != state.status:
            logger.warning("replica %s is now %s", alias, state.status)
        _states[alias] = state
    return state


def choose_replica() -> str | None:
    """A replica that answers and is not lagging, at random; None: read the primary."""
    usable = [
        alias for alias in settings.IHL_REPLICA_ALIASES if replica_state(alias).status == "ok"
    ]
    return random.choice(usable) if usable else None


# The request ---------------------------------------------------------------------------


def admin_prefix() -> str:
    return reverse("admin:index")


def wrote_recently(request: HttpRequest) -> bool:
    stamp = request.get_signed_cookie(
        WROTE_COOKIE, default=None, salt=WROTE_SALT, max_age=settings.IHL_READ_YOUR_WRITES_SECONDS
    )
    return stamp is not None


def is_public_read(request: HttpRequest) -> bool:
    """An anonymous reader's safe request outside the admin, who has not written lately.
    `request.user` costs no query without a session cookie (public readers have none)."""
    return (
        request.method in SAFE_METHODS
        and not request.path.startswith(admin_prefix())
        and not request.user.is_authenticated
        and not wrote_recently(request)
    )


class ReplicaRoutingMiddleware:
    """Decides where the request reads, and stamps the browser of a request that may have
    written.
    After AuthenticationMiddleware (it asks whether the user is logged in)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.IHL_REPLICA_ALIASES:
            return self.get_response(request)
        state = RequestReads(choose_replica() if is_public_read(request) else None)
        with reading(state):
            response = self.get_response(request)
        # Only after an unsafe method: a GET's bookkeeping write (an API key's last use)
        # must not put a Set-Cookie on a publicly cacheable response.
        if request.method not in SAFE_METHODS:
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=WROTE_SALT,
                max_age=settings.IHL_READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        if isinstance(response, StreamingHttpResponse) and not response.is_async and state.alias:
            # A streamed export reads its rows after this returns: from the same replica.
            response.streaming_content = _reading(state, response.streaming_content)
        return response


def _reading(state: RequestReads, chunks: Any) -> Iterator[Any]:
    with reading(state):
        yield from chunks


class ReplicaRouter:
    """DATABASE_ROUTERS: the request's replica for a public read, else the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        state = _request.get()
        if (
            state is None
            or state.alias is None
            or model._meta.app_label in PRIMARY_ONLY_APPS
            # A transaction on the primary reads what it has written.
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return state.alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
