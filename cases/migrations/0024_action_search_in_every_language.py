"""Actions' search document in every language (ACTION_SEARCH_DOCUMENT,
cases/models/actions.py): the title and summary's translations, each with its language's
text-search configuration, as incidents' (migration 0023). The new index is built
CONCURRENTLY before the old one is dropped, so that writes go on and search keeps an index
throughout (the migration is not atomic). Reversible: backwards builds the old index again
and drops the new one."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0023_search_in_every_language"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="accountabilityaction",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "title", "reference", config="simple", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.CombinedSearchVector(
                                django.contrib.postgres.search.CombinedSearchVector(
                                    django.contrib.postgres.search.CombinedSearchVector(
                                        django.contrib.postgres.search.SearchVector(
                                            models.Case(
                                                models.When(
                                                    original_language="en", then=models.F("title")
                                                ),
                                                default=models.Value(""),
                                                output_field=models.TextField(),
                                            ),
                                            models.F("title_en"),
                                            config="english",
                                            weight="A",
                                        ),
                                        "||",
                                        django.contrib.postgres.search.SearchVector(
                                            models.Case(
                                                models.When(
                                                    original_language="uk", then=models.F("title")
                                                ),
                                                default=models.Value(""),
                                                output_field=models.TextField(),
                                            ),
                                            models.F("title_uk"),
                                            config="simple",
                                            weight="A",
                                        ),
                                        django.contrib.postgres.search.SearchConfig("english"),
                                    ),
                                    "||",
                                    django.contrib.postgres.search.SearchVector(
                                        models.Case(
                                            models.When(
                                                original_language="fr", then=models.F("title")
                                            ),
                                            default=models.Value(""),
                                            output_field=models.TextField(),
                                        ),
                                        models.F("title_fr"),
                                        config="french",
                                        weight="A",
                                    ),
                                    django.contrib.postgres.search.SearchConfig("english"),
                                ),
                                "||",
                                django.contrib.postgres.search.SearchVector(
                                    models.Case(
                                        models.When(original_language="es", then=models.F("title")),
                                        default=models.Value(""),
                                        output_field=models.TextField(),
                                    ),
                                    models.F("title_es"),
                                    config="spanish",
                                    weight="A",
                                ),
                                django.contrib.postgres.search.SearchConfig("english"),
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                models.Case(
                                    models.When(original_language="ar", then=models.F("title")),
                                    default=models.Value(""),
                                    output_field=models.TextField(),
                                ),
                                models.F("title_ar"),
                                config="arabic",
                                weight="A",
                            ),
                            django.contrib.postgres.search.SearchConfig("english"),
                        ),
                        django.contrib.postgres.search.SearchConfig("simple"),
                    ),
                    "||",
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.CombinedSearchVector(
                                django.contrib.postgres.search.CombinedSearchVector(
                                    django.contrib.postgres.search.SearchVector(
                                        models.Case(
                                            models.When(
                                                original_language="en", then=models.F("summary")
                                            ),
                                            default=models.Value(""),
                                            output_field=models.TextField(),
                                        ),
                                        models.F("summary_en"),
                                        config="english",
                                        weight="B",
                                    ),
                                    "||",
                                    django.contrib.postgres.search.SearchVector(
                                        models.Case(
                                            models.When(
                                                original_language="uk", then=models.F("summary")
                                            ),
                                            default=models.Value(""),
                                            output_field=models.TextField(),
                                        ),
                                        models.F("summary_uk"),
                                        config="simple",
                                        weight="B",
                                    ),
                                    django.contrib.postgres.search.SearchConfig("english"),
                                ),
                                "||",
                                django.contrib.postgres.search.SearchVector(
                                    models.Case(
                                        models.When(
                                            original_language="fr", then=models.F("summary")
                                        ),
                                        default=models.Value(""),
                                        output_field=models.TextField(),
                                    ),
                                    models.F("summary_fr"),
                                    config="french",
                                    weight="B",
                                ),
                                django.contrib.postgres.search.SearchConfig("english"),
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                models.Case(
                                    models.When(original_language="es", then=models.F("summary")),
                                    default=models.Value(""),
                                    output_field=models.TextField(),
                                ),
                                models.F("summary_es"),
                                config="spanish",
                                weight="B",
                            ),
                            django.contrib.postgres.search.SearchConfig("english"),
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            models.Case(
                                models.When(original_language="ar", then=models.F("summary")),
                                default=models.Value(""),
                                output_field=models.TextField(),
                            ),
                            models.F("summary_ar"),
                            config="arabic",
                            weight="B",
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    django.contrib.postgres.search.SearchConfig("simple"),
                ),
                name="action_search_langs_idx",
            ),
        ),
        RemoveIndexConcurrently(
            model_name="accountabilityaction",
            name="action_search_idx",
        ),
    ]
