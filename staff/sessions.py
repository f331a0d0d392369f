"""The limits of a staff session: idle time and a fixed maximum, and logging out everywhere.

Sessions are in the database (Django's default engine); each keeps when its user logged in
and when it was last used.
"""

import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

LOGIN_AT = "staff_login_at"
SEEN_AT = "staff_seen_at"
# The last-used time is written at most this often (seconds), not on every request.
SEEN_RESOLUTION = 60


def stamp_login(sender, request, user, **kwargs) -> None:
    """On login (user_logged_in): the session starts now."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def expired(session, now: float | None = None) -> bool:
    """Idle longer than IHL_STAFF_IDLE_MINUTES, or older than IHL_STAFF_SESSION_HOURS. A
    session without the stamps (from before they existed) is over too."""
    now = time.time() if now is None else now
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        return True
    return (
        now - seen_at > settings.STAFF_IDLE_MINUTES * 60
        or now - login_at > settings.STAFF_SESSION_HOURS * 3600
    )


def touch(session, now: float | None = None) -> None:
    now = int(time.time() if now is None else now)
    if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION:
        session[SEEN_AT] = now


@transaction.atomic
def end_all_sessions(*, user) -> int:
    """Delete every unexpired session of the user, on any device; returns how many. The
    session table has no user column, so each live session is decoded: there are as many
    as staff members' logins within IHL_STAFF_SESSION_HOURS."""
    user_id = str(user.pk)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)
