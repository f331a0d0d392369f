"""manage.py restore_db FILE: replace a database's contents with a backup_db dump,
decrypted with the age identity of IHL_BACKUP_IDENTITY_FILE on its way to pg_restore."""

import subprocess
import tempfile
from pathlib import Path

import environ
import pyrage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup_db import backup_identities, libpq_environment, pg_tool


class Command(BaseCommand):
    help = (
        "Restore a dump written by backup_db, in one transaction: either all of it or "
        "nothing. Replaces what the target database holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path, help="A file written by backup_db (.dump.age).")
        parser.add_argument(
            "--database-url",
            default="",
            help="Restore into this (existing, e.g. freshly created) database instead of the "
            "configured one. A restore drill: postgres://user@host/ihl_restore_drill",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask before replacing the database's contents.",
        )

    def handle(self, *args, dump: Path, database_url: str, yes: bool, **options):
        if not dump.is_file():
            raise CommandError(f"No dump file at {dump}.")
        target = (
            environ.Env.db_url_config(database_url) if database_url else connection.settings_dict
        )
        if not yes:
            answer = input(
                f"This replaces everything in database {target['NAME']!r} with {dump}. "
                "Type 'yes' to go on: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        command = [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={target['NAME']}",
        ]
        identities = backup_identities()
        with (
            tempfile.TemporaryFile() as errors,
            dump.open("rb") as encrypted,
            subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=libpq_environment(target),
            ) as restore,
        ):
            try:
                pyrage.decrypt_io(encrypted, restore.stdin, identities)
                refused = ""
            except pyrage.DecryptError as error:
                # pg_restore then sees a truncated dump: its single transaction restores nothing.
                refused = f"{dump} cannot be decrypted with IHL_BACKUP_IDENTITY_FILE: {error}."
            except BrokenPipeError:
                refused = ""  # pg_restore stopped; its message says why
            restore.stdin.close()
            if restore.wait() != 0 or refused:
                errors.seek(0)
                raise CommandError(
                    refused
                    or f"pg_restore failed: {errors.read().decode(errors='replace').strip()}"
                )
        self.stdout.write(f"Restored {dump} into {target['NAME']}.")
