"""Writing the audit trail: one function, `record`, called where the thing happens.

The admin site puts each request in `current_request` (cases/admin_site.py), so code far
from the view (a permission changed by a signal) still knows who and from where.
"""

import getpass
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from axes.helpers import get_client_ip_address
from django.http import HttpRequest

from .models import AuditAction, AuditEvent

current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


@contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    token = current_request.set(request)
    try:
        yield
    finally:
        current_request.reset(token)


def record(
    action: AuditAction,
    *,
    what: str = "",
    object_ids: Iterable = (),
    detail: dict | None = None,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
) -> AuditEvent:
    """Add one row to the trail. Without a request (a command), the row has no address."""
    request = request or current_request.get()
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return AuditEvent.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        action=action,
        what=what[:300],
        object_ids=[str(pk) for pk in object_ids],
        detail=detail or {},
        ip_address=get_client_ip_address(request) if request is not None else None,
        path=request.get_full_path()[:500] if request is not None else "",
    )


def system_user() -> str:
    """Who ran a command: the operating system's user, marked as such."""
    try:
        return f"command line ({getpass.getuser()})"
    except OSError:
        return "command line"
