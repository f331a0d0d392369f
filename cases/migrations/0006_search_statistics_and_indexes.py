"""Search at a million incidents: planner statistics and indexes (docs/search.md).

- A statistics target of 1,000 on cases_incident.search_vector, then ANALYZE of that
  column: at the default target the planner expected 1,318 matches for a term with 51
  (100,000 incidents) and, in the performance notes, ordered a rare term by date through
  a scan of the whole table (1.1 s instead of 0.7 ms).
- incident_newest_idx (date_earliest DESC NULLS LAST, id DESC): "newest first", the order
  of browsing and of a date-sorted search, read from an index instead of sorting every
  match.
- GIN indexes on the "simple" vectors of actor names and other names, the expressions
  cases.search.search_actors() matches, so the search page no longer computes the vector
  of every actor name for every query.

Indexes only, built CONCURRENTLY (the migration is not atomic) so that writes go on.
Nothing here changes data or the models' state.
"""

from django.db import migrations

STATISTICS = "ALTER TABLE cases_incident ALTER COLUMN search_vector SET STATISTICS {}"
NAME_VECTOR = "to_tsvector('simple'::regconfig, COALESCE(name, ''))"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0005_roles_and_publish_permissions")]

    operations = [
        migrations.RunSQL(STATISTICS.format(1000), STATISTICS.format(-1)),
        migrations.RunSQL("ANALYZE cases_incident (search_vector)", migrations.RunSQL.noop),
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS incident_newest_idx "
            "ON cases_incident (date_earliest DESC NULLS LAST, id DESC)",
            "DROP INDEX CONCURRENTLY IF EXISTS incident_newest_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS actor_name_search_idx "
            f"ON cases_actor USING gin ({NAME_VECTOR})",
            "DROP INDEX CONCURRENTLY IF EXISTS actor_name_search_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS actorname_name_search_idx "
            f"ON cases_actorname USING gin ({NAME_VECTOR})",
            "DROP INDEX CONCURRENTLY IF EXISTS actorname_name_search_idx",
        ),
    ]
