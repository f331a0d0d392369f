"""The embedded PostgreSQL used when DATABASE_URL is unset (a newcomer's machine).

pgserver ships a real PostgreSQL in a wheel. Its data lives under var/pgdata; the server
is started on first use and left running, so later commands reuse it.
"""

from pathlib import Path


def embedded_database_url(data_dir: Path) -> str:
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    return server.get_uri()
