"""A RUM index on the incidents' search document, where the server has RUM.

Ordered by `search_vector <=> query`, it reads the best matches of a query from the index
(the distance is 1 / (2 x ts_rank)), so relevance covers every match at any scale
(docs/search.md, "Relevance over every match"). Debian ships it as `postgresql-15-rum`;
the embedded PostgreSQL has no RUM, and the search then ranks a sample as before.
`cases.search.has_ranked_index()` is the one place that knows which.

With it, `ihl_estimated_matches(tsquery)`: the planner's estimate of the matches, for the
page's choice between every match and the sample.

Not atomic: the index is built concurrently (minutes at a million incidents), so the table
stays writable. Reversible.
"""

from django.db import migrations

INDEX = "incident_search_rum_idx"

# The planner's estimate of the incidents a tsquery matches (its column statistics): where
# the page decides whether to rank every match (cases.search.RANK_LIMIT). An EXPLAIN costs
# a planning; reading pg_stats' most common elements in SQL cost 6 to 10 ms.
ESTIMATE_FUNCTION = """
CREATE OR REPLACE FUNCTION ihl_estimated_matches(query tsquery) RETURNS float8
LANGUAGE plpgsql VOLATILE AS $$  -- EXPLAIN is refused in a STABLE function
DECLARE
    plan json;
BEGIN
    EXECUTE format(
        'EXPLAIN (FORMAT JSON) SELECT 1 FROM cases_incident WHERE search_vector @@ %L::tsquery',
        query
    ) INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END
$$
"""


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
        cursor.execute(ESTIMATE_FUNCTION)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP FUNCTION IF EXISTS ihl_estimated_matches(tsquery)")
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        cursor.execute("DROP EXTENSION IF EXISTS rum")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0025_contact_value_hashes"),
    ]

    operations = [migrations.RunPython(create, drop)]
