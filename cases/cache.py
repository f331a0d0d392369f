"""The cache of what the public sees, never stale about publication (docs/operations.md
"Cache").

Every key carries the publication generation: a number that a database trigger changes,
in the writer's transaction, on every statement that writes a table a public surface reads
(migration 0019), whichever path writes. A request reads it once, with one primary-key
query, before it reads anything cached; after a withdrawal commits, the next request reads
the new number and finds no entry: the old ones are unreachable, and expire.

Two ways in, both here:
- `remember(name, parts, compute)`: a value (the home page's counts, the unfiltered search
  page's facets, the OpenAPI schema), for every reader;
- `cache_public_page`: a whole rendered page, for anonymous readers only.
"""

import datetime
import functools
import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from cases.models import Incident

logger = logging.getLogger("ihl.cache")

T = TypeVar("T")
_MISSING = object()
GENERATION_SQL = "SELECT generation FROM cases_publication_generation WHERE id = 1"
BUMP_SQL = (
    "UPDATE cases_publication_generation SET generation = greatest(generation + 1, "
    "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint)"
)


def publication_generation(request: HttpRequest | None = None) -> int:
    """The current generation; read once per request when the request is given."""
    known = getattr(request, "_publication_generation", None)
    if known is not None:
        return known
    # Where the page's rows are read (a replica for a public request, ihl/db_router.py): a
    # generation read on the primary while the rows come from a lagging replica would keep
    # an old page under the new number.
    with connections[router.db_for_read(Incident)].cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        row = cursor.fetchone()
    generation = row[0] if row else 0
    if request is not None:
        request._publication_generation = generation  # type: ignore[attr-defined]
    return generation


def cache_key(name: str, parts: list, request: HttpRequest | None = None) -> str:
    """The key of `name` for `parts` in the current generation, language and UTC day (the
    pages show what is in force "today": a treaty's status changes at midnight unwritten).
    The parts are hashed: they may be any length and hold any character."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:40]
    today = datetime.datetime.now(tz=datetime.UTC).date().isoformat()
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"{name}:{publication_generation(request)}:{today}:{language}:{digest}"


def _get(key: str) -> Any:
    """The cached value, or _MISSING; a cache that does not answer is a miss, logged (the
    page is still served, from the database; /readyz reports the cache)."""
    try:
        return cache.get(key, _MISSING)
    except Exception:
        logger.exception("cache: reading %s failed", key.split(":", 1)[0])
        return _MISSING


def _set(key: str, value: Any) -> None:
    try:
        cache.set(key, value)
    except Exception:
        logger.exception("cache: writing %s failed", key.split(":", 1)[0])


def remember(name: str, parts: list, compute: Callable[[], T], request=None) -> T:
    """The cached value of `compute()` for `parts`, computed on a miss."""
    if not settings.IHL_CACHE_ENABLED:
        return compute()
    key = cache_key(name, parts, request)
    value = _get(key)
    if value is _MISSING:
        value = compute()
        _set(key, value)
    return value


def _anonymous(request: HttpRequest) -> bool:
    """A reader whose page cannot be personal: no cookie but the language's (no session,
    so no staff member and no message waiting to be shown; the CSRF cookie is ignored:
    whether the page used a token is checked on the response)."""
    known = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    return request.method in ("GET", "HEAD") and set(request.COOKIES) <= known


def _keep(key: str, request: HttpRequest, response: HttpResponse) -> None:
    """Keeps a rendered response every anonymous reader of the address may get: a 200 that
    sets no cookie, says nothing private and put no CSRF token in its HTML."""
    if (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
    ):
        _set(key, response)


def cache_public_page(view: Callable | None = None, *, params: frozenset[str] = frozenset()):
    """A view decorator: anonymous readers get the page rendered for the same address
    (host, path with the language prefix, query string) in the same generation and
    language. Anyone with a session (staff) gets it rendered for them, and it is not kept.
    Only the query parameters in `params` are cached (the search page: `page` and `sort`,
    not a text or a filter); any other makes the page uncached, so that made-up query
    strings cannot fill the cache."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if (
                not settings.IHL_CACHE_ENABLED
                or not _anonymous(request)
                or not set(request.GET) <= params
            ):
                return view(request, *args, **kwargs)
            key = cache_key("page", [request.build_absolute_uri()], request)
            response = _get(key)
            if response is not _MISSING:
                return response
            response = view(request, *args, **kwargs)
            if request.method != "GET":
                return response
            if callable(getattr(response, "render", None)):
                # A TemplateResponse renders after the view returns: judged once it has.
                response.add_post_render_callback(lambda done: _keep(key, request, done))
            else:
                _keep(key, request, response)
            return response

        return wrapped

    return decorator if view is None else decorator(view)


def bump_publication_generation(**kwargs) -> None:
    """After `migrate` (a release): a new generation, so that no page rendered by the code
    before is served by the code after (post_migrate, connected in CasesConfig.ready)."""
    db = connections[kwargs.get("using", "default")]
    if "cases_publication_generation" in db.introspection.table_names():
        with db.cursor() as cursor:
            cursor.execute(BUMP_SQL)
