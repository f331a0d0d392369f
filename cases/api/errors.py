"""One JSON error body for every API error: {"error": {"status", "code", "message", "fields"}}."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connections, transaction
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from psycopg.errors import QueryCanceled
from rest_framework import exceptions
from rest_framework.views import exception_handler

from ihl.db_router import read_alias


def error_body(status: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}


class UnknownParameters(exceptions.ValidationError):
    """Query parameters an endpoint does not read: a 400 naming them and the ones it reads.

    Ignoring them would answer a misspelt filter (?contry=UA) with everything.
    """

    def __init__(
        self, unknown: Iterable[str], accepted: Iterable[str], renamed: dict[str, str] | None = None
    ):
        """`renamed`: old names (the search page's, before 6 December 2026) and the name
        to use instead, said in the message of each one given that the endpoint reads."""
        unknown, accepted = sorted(unknown), sorted(accepted)
        renamed = {
            name: new
            for name, new in (renamed or {}).items()
            if name in unknown and new in accepted
        }
        accepted = ", ".join(accepted)
        super().__init__(
            {
                name: [
                    _("Unknown parameter%(use)s. This endpoint accepts: %(accepted)s.")
                    % {"use": self._use(name, renamed), "accepted": accepted}
                ]
                for name in unknown
            },
            code="unknown_parameter",
        )
        names = ", ".join(f"{name}{self._use(name, renamed)}" for name in unknown)
        self.summary = ngettext(
            "Unknown parameter: %(names)s. This endpoint accepts: %(accepted)s.",
            "Unknown parameters: %(names)s. This endpoint accepts: %(accepted)s.",
            len(unknown),
        ) % {"names": names, "accepted": accepted}

    @staticmethod
    def _use(name: str, renamed: dict[str, str]) -> str:
        return _(" (use %(name)s)") % {"name": renamed[name]} if name in renamed else ""


class QueryTimeout(exceptions.APIException):
    """The database did not answer within the API's statement timeout."""

    status_code = 503
    default_detail = gettext_lazy(
        "The database took too long to answer this request. Narrow it (more filters, a "
        "smaller page_size) or try again later."
    )
    default_code = "timeout"


def _first_code(codes) -> str:
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else "invalid"


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, OperationalError) and isinstance(exc.__cause__, QueryCanceled):
        # Cancelled by the statement timeout (StatementTimeoutMixin): the transaction is
        # aborted, so it must roll back, not commit.
        using = read_alias()  # the replica a public read ran on (ihl/db_router.py)
        if connections[using].in_atomic_block:
            transaction.set_rollback(True, using=using)
        exc = QueryTimeout()
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling and logging
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        fields = {name: [str(m) for m in messages] for name, messages in exc.detail.items()}
        names = ", ".join(fields)
        response.data = error_body(
            response.status_code,
            _first_code(exc.get_codes()),
            getattr(exc, "summary", _("Invalid value for %(names)s.") % {"names": names}),
            fields,
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        message = str(detail[0] if isinstance(detail, list) else detail)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(response.status_code, _first_code(code), message)
    response["Cache-Control"] = "no-store"
    return response


def not_found(request, *args, **kwargs):
    """Unknown paths under /api/v1/ answer in the API's error format, not an HTML page."""
    response = JsonResponse(error_body(404, "not_found", _("No such API endpoint.")), status=404)
    response["Cache-Control"] = "no-store"
    return response
