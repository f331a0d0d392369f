"""A RUM index on the incidents' search document, where the server has RUM.

Ordered by `search_vector <=> query`, it reads the best matches of a query from the index
(the distance is 1 / (2 x ts_rank)), so relevance covers every match at any scale
(docs/search.md, "Relevance over every match"). Debian ships it as `postgresql-15-rum`;
the embedded PostgreSQL has no RUM, and the search then ranks a sample as before.
`cases.search.has_ranked_index()` is the one place that knows which.

Not atomic: the index is built concurrently (minutes at a million incidents), so the table
stays writable. Reversible.
"""

from django.db import migrations

INDEX = "incident_search_rum_idx"


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            "ON cases_incident USING rum (search_vector rum_tsvector_ops)"
        )


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        cursor.execute("DROP EXTENSION IF EXISTS rum")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0024_translations_default_in_the_database"),
    ]

    operations = [migrations.RunPython(create, drop)]
