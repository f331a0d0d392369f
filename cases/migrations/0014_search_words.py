"""The words of the public search documents, for "Did you mean …" (cases.search).

fuzzystrmatch (Levenshtein distance in SQL) is created where the server has it; the
embedded PostgreSQL has no contrib extensions, and cases.search then ranks a bounded set of
candidates in Python.
"""

import django.db.models.functions.text
from django.db import migrations, models

CREATE_IF_AVAILABLE = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'fuzzystrmatch') THEN
        CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_proposed_provisions_stay_out_of_sync"),
    ]

    operations = [
        migrations.RunSQL(CREATE_IF_AVAILABLE, "DROP EXTENSION IF EXISTS fuzzystrmatch"),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=60, primary_key=True, serialize=False)),
                (
                    "documents",
                    models.PositiveIntegerField(help_text="Public incidents containing the word."),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        django.db.models.functions.text.Left("word", 1),
                        django.db.models.functions.text.Length("word"),
                        name="searchword_first_length_idx",
                    )
                ],
            },
        ),
    ]
