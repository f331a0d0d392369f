import pytest

from ihl.embedded_db import start_embedded_database


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Start the embedded PostgreSQL when DATABASE_URL is unset, just before the test
    database is created: only a run that uses the database starts it (not collection,
    not a run of database-free tests)."""
    start_embedded_database()
