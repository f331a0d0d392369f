"""Fixtures shared across the test packages."""

import functools
import os
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate
from django.test import override_settings
from django.utils import translation

from cases import search
from ihl.embedded_db import start_embedded_database
from tests.demo_data import clear_cases_tables, load


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Start the embedded PostgreSQL when DATABASE_URL is unset, just before the test
    database is created: only a run that uses the database starts it (not collection,
    not a run of database-free tests)."""
    start_embedded_database()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The audit trail refuses TRUNCATE unless the session allows it (audit/migrations/
    0001): the flush between transactional tests is this database's one allowed purge."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"ALTER DATABASE {name} SET ihl.audit_truncate = 'allowed'")
        cursor.execute("SET ihl.audit_truncate = 'allowed'")
    with django_db_blocker.unblock():
        # A database setting reaches only the sessions opened after it, and the connection
        # pool (settings: OPTIONS "pool") already holds sessions opened before: without this
        # a live server's flush could draw one and its TRUNCATE be refused.
        connection.close()
        connection.close_pool()
    with django_db_blocker.unblock():
        # Checked once per process (cases.search.has_ranked_index): now, so that no test's
        # counted queries include the check.
        search.has_ranked_index()
    yield
    with django_db_blocker.unblock():
        # The pool's idle sessions would keep the test database from being dropped.
        for each in connections.all():
            each.close()
            if hasattr(each, "close_pool"):
                each.close_pool()


# The rows that migrations write: the staff roles and their permissions, the About page's
# first version. A transactional test ends by emptying every table (pytest-django's flush),
# and the next test in the process would find no role: the flush's post_migrate signal
# writes them again, each by its migration's own function on the models of its time.
DATA_MIGRATIONS = [
    ("cases", "0005_roles_and_publish_permissions", "create_roles"),
    ("cases", "0009_roles_edit_action_events_and_referrals", "grant"),
    ("cases", "0011_change_sets", "grant"),
    ("cases", "0015_site_pages", "grant"),
    ("cases", "0016_about_page_text", "create"),
    ("audit", "0002_administrators_read_the_trail", "grant"),
]


@functools.cache
def _models_at(app: str, migration: str):
    return MigrationLoader(connection).project_state((app, migration)).apps


def restore_migration_data(using="default", **kwargs) -> None:
    """After a flush (post_migrate): only when the roles are gone, so after `migrate`
    itself, which wrote them, it does nothing."""
    if Group.objects.using(using).filter(name="reviewer").exists():
        return
    for app_config in apps.get_app_configs():  # the permissions the grants give
        create_permissions(app_config, verbosity=0, using=using)
    for app, migration, function in DATA_MIGRATIONS:
        forward = getattr(import_module(f"{app}.migrations.{migration}"), function)
        forward(_models_at(app, migration), None)


post_migrate.connect(restore_migration_data, dispatch_uid="tests-restore-migration-data")


@pytest.fixture(scope="session", autouse=True)
def _public_cache_off():
    """The cache of public surfaces (cases/cache.py) is off except in tests/test_cache*.py,
    which switch it on: the query counts asserted elsewhere are those of a page built from
    the database, and a page cached by one test must not answer the next."""
    settings.IHL_CACHE_ENABLED = False


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Test users' passwords hashed with one round of MD5 instead of PBKDF2's million: every
    `admin_client` and UserFactory user paid for a real hash, a second or more apiece on a
    busy machine. Nothing here tests the hasher itself (Django does); production keeps its
    own (ihl/settings.py)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def english_outside_requests():
    """A test client's request activates its language in the test's thread and leaves it
    active: without this, the addresses a later test computes (get_absolute_url) depend on
    which test ran before it in the same process."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


@pytest.fixture(scope="session", autouse=True)
def force_login_gives_the_second_factor():
    """`client.force_login` (and pytest-django's admin_client) logs in as if the user had
    also given a second factor in that session: a confirmed device, recorded in the session
    as django_otp.login does. Without it the admin sends them to enrolment (staff/middleware.py);
    tests/test_mfa.py logs in through the login form to test that."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    force_login = Client.force_login

    def verified_force_login(self, user, backend=None):
        force_login(self, user, backend)
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="tests", defaults={"confirmed": True}
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", verified_force_login)
        yield


@pytest.fixture
def without_ranked_index(monkeypatch):
    """Search as on a server without RUM (the embedded PostgreSQL): the page ranks the
    sample past the count's limit, the API every match from its row."""
    monkeypatch.setitem(search._ranked_index, connection.settings_dict["NAME"], False)


@pytest.fixture
def ranked_index(db):
    """Search with the ranked (RUM) index, which CI's server has (postgresql-15-rum)."""
    if not search.has_ranked_index():
        if os.environ.get("IHL_REQUIRE_RUM"):  # CI (.ci/run): a skip would hide it
            pytest.fail("This PostgreSQL has no RUM: install postgresql-15-rum.")
        pytest.skip("This PostgreSQL has no RUM: install postgresql-15-rum.")
