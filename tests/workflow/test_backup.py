"""Restore drill: a dump of the demo data restores into a fresh database with nothing lost."""

import io

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

DRILL_DATABASE = "ihl_restore_drill"


def fingerprint(cursor, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row's text, per table."""
    result = {}
    for table in tables:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
            f'FROM "{table}" t'
        )
        result[table] = tuple(cursor.fetchone())
    return result


@pytest.fixture
def drill_database(transactional_db):
    # transactional_db, not db: pg_dump reads through its own connection, so the demo data
    # must be committed. CREATE DATABASE cannot run inside a transaction either.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DRILL_DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DRILL_DATABASE}")
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{DRILL_DATABASE}"
    )
    yield url
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DRILL_DATABASE} WITH (FORCE)")


def test_a_backup_restores_into_a_fresh_database_with_every_row(drill_database, tmp_path):
    call_command("load_demo", verbosity=0)
    dump = tmp_path / "ihl.dump"

    said = io.StringIO()
    call_command("backup_db", output=dump, stdout=said)
    call_command("restore_db", dump, database_url=drill_database, yes=True, stdout=said)
    assert f"Restored {dump} into {DRILL_DATABASE}" in said.getvalue()

    tables = [name for name in connection.introspection.table_names() if name.startswith("cases_")]
    with connection.cursor() as cursor:
        original = fingerprint(cursor, tables)
    with psycopg.connect(drill_database) as restored, restored.cursor() as cursor:
        copy = fingerprint(cursor, tables)

    assert original["cases_incident"][0] > 0
    assert original["cases_historicalincident"][0] > 0
    assert copy == original


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No dump file"):
        call_command("restore_db", tmp_path / "missing.dump", yes=True)
