"""Search in every language (docs/search.md, "Texts in several languages"): the incident's
search document holds each text in each language with that language's text-search
configuration (cases.models.translations.translated_search_vector).

PostgreSQL cannot change a generated column's expression: the column is dropped and added
again (every row's document is computed once, rewriting the table), with its GIN index and
the statistics target of migration 0006.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

STATISTICS = "ALTER TABLE cases_incident ALTER COLUMN search_vector SET STATISTICS {}"


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0022_record_translations"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="incident", name="incident_search_idx"),
        migrations.RemoveField(model_name="incident", name="search_vector"),
        migrations.AddField(
            model_name="incident",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.CombinedSearchVector(
                                django.contrib.postgres.search.CombinedSearchVector(
                                    django.contrib.postgres.search.CombinedSearchVector(
                                        django.contrib.postgres.search.CombinedSearchVector(
                                            django.contrib.postgres.search.SearchVector(
                                                models.Case(
                                                    models.When(
                                                        original_language="en",
                                                        then=models.F("title"),
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
                                                        original_language="uk",
                                                        then=models.F("title"),
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
                                            models.When(
                                                original_language="es", then=models.F("title")
                                            ),
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
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                "search_names", config="simple", weight="A"
                            ),
                            django.contrib.postgres.search.SearchConfig("english"),
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
                                        models.When(
                                            original_language="es", then=models.F("summary")
                                        ),
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
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.CombinedSearchVector(
                                django.contrib.postgres.search.CombinedSearchVector(
                                    django.contrib.postgres.search.SearchVector(
                                        models.Case(
                                            models.When(
                                                original_language="en", then=models.F("description")
                                            ),
                                            default=models.Value(""),
                                            output_field=models.TextField(),
                                        ),
                                        models.F("description_en"),
                                        config="english",
                                        weight="C",
                                    ),
                                    "||",
                                    django.contrib.postgres.search.SearchVector(
                                        models.Case(
                                            models.When(
                                                original_language="uk", then=models.F("description")
                                            ),
                                            default=models.Value(""),
                                            output_field=models.TextField(),
                                        ),
                                        models.F("description_uk"),
                                        config="simple",
                                        weight="C",
                                    ),
                                    django.contrib.postgres.search.SearchConfig("english"),
                                ),
                                "||",
                                django.contrib.postgres.search.SearchVector(
                                    models.Case(
                                        models.When(
                                            original_language="fr", then=models.F("description")
                                        ),
                                        default=models.Value(""),
                                        output_field=models.TextField(),
                                    ),
                                    models.F("description_fr"),
                                    config="french",
                                    weight="C",
                                ),
                                django.contrib.postgres.search.SearchConfig("english"),
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                models.Case(
                                    models.When(
                                        original_language="es", then=models.F("description")
                                    ),
                                    default=models.Value(""),
                                    output_field=models.TextField(),
                                ),
                                models.F("description_es"),
                                config="spanish",
                                weight="C",
                            ),
                            django.contrib.postgres.search.SearchConfig("english"),
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            models.Case(
                                models.When(original_language="ar", then=models.F("description")),
                                default=models.Value(""),
                                output_field=models.TextField(),
                            ),
                            models.F("description_ar"),
                            config="arabic",
                            weight="C",
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="incident_search_idx"
            ),
        ),
        migrations.RunSQL(STATISTICS.format(1000), migrations.RunSQL.noop),
        migrations.RunSQL("ANALYZE cases_incident (search_vector)", migrations.RunSQL.noop),
    ]
