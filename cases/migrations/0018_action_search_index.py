"""A GIN index on the expression action search matches (ACTION_SEARCH_DOCUMENT,
cases/models/actions.py): the search page no longer computes every action's document for
every query. Built CONCURRENTLY (the migration is not atomic) so that writes go on."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

SearchVector = django.contrib.postgres.search.SearchVector
CombinedSearchVector = django.contrib.postgres.search.CombinedSearchVector
SearchConfig = django.contrib.postgres.search.SearchConfig


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0017_sync_stamps_deferred_to_one_per_record")]

    operations = [
        AddIndexConcurrently(
            model_name="accountabilityaction",
            index=django.contrib.postgres.indexes.GinIndex(
                CombinedSearchVector(
                    CombinedSearchVector(
                        SearchVector("title", "reference", config="simple", weight="A"),
                        "||",
                        SearchVector("title", config="english", weight="A"),
                        SearchConfig("simple"),
                    ),
                    "||",
                    SearchVector("summary", config="english", weight="B"),
                    SearchConfig("simple"),
                ),
                name="action_search_idx",
            ),
        ),
    ]
