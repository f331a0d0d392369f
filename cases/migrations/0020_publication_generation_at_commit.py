"""The publication generation moves at each writer's commit, not at its first statement.

Migration 0019 bumped the generation row in a BEFORE statement trigger, so a writer held
the row's lock from its first write to a public table until it committed: every other
writer of any public table queued behind it, and an import of many minutes would have
stopped every staff save for as long. Now a statement only notes its transaction in
`cases_publication_change` (one row per writing transaction; a conflict-free insert of its
own id), and a deferred constraint trigger on that note bumps the generation at COMMIT:
the lock is held for the commit alone. A reader still sees the new number only with the
writer's data, and a rolled-back transaction moves nothing.

In a test that never commits, `SET CONSTRAINTS ALL IMMEDIATE` runs the pending bump, as
Django's TestCase does for deferred foreign keys (tests/test_cache.py).
"""

from importlib import import_module

from django.db import migrations

# The public tables as 0019 listed them.
PUBLIC_TABLES = import_module("cases.migrations.0019_publication_generation").PUBLIC_TABLES

TRIGGER = "publication_generation"
NOTE = "cases_note_publication_change"
BUMP = "cases_bump_publication_generation"
NEXT = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"

CREATE = f"""
CREATE TABLE cases_publication_change (transaction_id xid8 PRIMARY KEY);
CREATE FUNCTION {NOTE}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cases_publication_change VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION {BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cases_publication_change WHERE transaction_id = NEW.transaction_id;
    UPDATE cases_publication_generation SET generation = greatest(generation + 1, {NEXT});
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER {TRIGGER}_at_commit AFTER INSERT ON cases_publication_change
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {BUMP}();
""" + "".join(
    f"DROP TRIGGER {TRIGGER} ON {table};\n"
    f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}();\n"
    for table in PUBLIC_TABLES
)

# Back to 0019: the BEFORE statement trigger that bumps at once.
DROP = (
    "".join(
        f"DROP TRIGGER {TRIGGER} ON {table};\n"
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}();\n"
        for table in PUBLIC_TABLES
    )
    + f"""
DROP TRIGGER {TRIGGER}_at_commit ON cases_publication_change;
DROP TABLE cases_publication_change;
DROP FUNCTION {NOTE}();
CREATE OR REPLACE FUNCTION {BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cases_publication_generation AS g (id, generation) VALUES (1, {NEXT})
    ON CONFLICT (id) DO UPDATE SET generation = greatest(g.generation + 1, EXCLUDED.generation);
    RETURN NULL;
END
$$;
"""
)


class Migration(migrations.Migration):
    dependencies = [("cases", "0019_publication_generation")]

    operations = [migrations.RunSQL(CREATE, DROP)]
