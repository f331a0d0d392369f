"""Actions' search document in every language, stored in the row (GENERATED ... STORED, as
an incident's search_vector) with a GIN index: matching reads the index, and ranking reads
the stored vector instead of computing the title and summary in six configurations for each
matching action (docs/search.md, "Texts in several languages"). It replaces 0018's English-
only expression index. Adding the column rewrites the actions table once, under its lock
(4,000 actions at 100,000 incidents: about a second). Reversible."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0023_search_in_every_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="accountabilityaction",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
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
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="accountabilityaction",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_document"], name="action_search_document_idx"
            ),
        ),
        migrations.RemoveIndex(
            model_name="accountabilityaction",
            name="action_search_idx",
        ),
    ]
