"""The site's answer to an unexpected error (handler500): a 503 when the database has no
free connection for the request, a 500 otherwise.

Under overload every connection of the process's pool (IHL_DB_POOL) is busy and a request
waits IHL_DB_POOL_TIMEOUT seconds for one. That is not a fault of the request: a 503 with
Retry-After tells a load balancer and a partner's client to come back, where a 500 says
something is broken.
"""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from psycopg_pool import PoolTimeout

from cases.api.errors import error_body

RETRY_AFTER_SECONDS = 5


def _no_free_connection(exc: BaseException | None) -> bool:
    # Django wraps the pool's error in its own OperationalError.
    return isinstance(exc, PoolTimeout) or isinstance(getattr(exc, "__cause__", None), PoolTimeout)


def server_error(request: HttpRequest) -> HttpResponse:
    if not _no_free_connection(sys.exc_info()[1]):
        return defaults.server_error(request)
    message = _("The site is busy. Please try again in a few seconds.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(error_body(503, "busy", message), status=503)
    else:
        response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
