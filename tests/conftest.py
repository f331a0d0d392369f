"""Fixtures shared across the test packages."""

import pytest

from tests.demo_data import clear_cases_tables, load


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Loaded once for the module (a load takes seconds); each test still rolls back."""
    with django_db_blocker.unblock():
        load(verbosity=0)
        yield
        clear_cases_tables()


@pytest.fixture
def demo(demo_loaded, db):
    pass
