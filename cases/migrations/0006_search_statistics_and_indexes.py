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

Indexes only, built CONCURRENTLY (the migration is not atomic) so that writes go on;
they are declared in the models' Meta.indexes. Nothing here changes data.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.expressions
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

STATISTICS = "ALTER TABLE cases_incident ALTER COLUMN search_vector SET STATISTICS {}"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0005_roles_and_publish_permissions")]

    operations = [
        migrations.RunSQL(STATISTICS.format(1000), STATISTICS.format(-1)),
        migrations.RunSQL("ANALYZE cases_incident (search_vector)", migrations.RunSQL.noop),
        AddIndexConcurrently(
            model_name="incident",
            index=models.Index(
                django.db.models.expressions.OrderBy(
                    django.db.models.expressions.F("date_earliest"),
                    descending=True,
                    nulls_last=True,
                ),
                django.db.models.expressions.OrderBy(
                    django.db.models.expressions.F("id"), descending=True
                ),
                name="incident_newest_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="actor",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("name", config="simple"),
                name="actor_name_search_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="actorname",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("name", config="simple"),
                name="actorname_name_search_idx",
            ),
        ),
    ]
