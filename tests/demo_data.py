"""The demo dataset in tests: load it, read every row of it, clear it."""

from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection


def load(verbosity: int = 1) -> str:
    out = StringIO()
    call_command("load_demo", verbosity=verbosity, stdout=out)
    return out.getvalue()


def snapshot(*, history: bool = True) -> dict[str, list[dict]]:
    """Every row of every cases table (through and history tables too), in a stable order."""
    config = apps.get_app_config("cases")
    return {
        model._meta.db_table: list(model._default_manager.order_by("pk").values())
        for model in config.get_models(include_auto_created=True)
        if history or not model.__name__.startswith("Historical")
    }


# Rows the migrations write, which every database has before any data is loaded.
KEPT_FROM_MIGRATIONS = {"cases_sitepage", "cases_historicalsitepage"}


def clear_cases_tables() -> None:
    """Back to the database as the migrations left it: the demo's rows gone, the site's
    pages (migration 0016) kept."""
    tables = [
        m._meta.db_table
        for m in apps.get_app_config("cases").get_models(True)
        if m._meta.db_table not in KEPT_FROM_MIGRATIONS
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)
