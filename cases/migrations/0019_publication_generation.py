"""The publication generation: one number that changes with every write to a table whose
rows a public surface shows (docs/operations.md "Cache").

Every cache entry of a public surface has the generation in its key (cases/cache.py), so
any write makes every entry unreachable at once, whichever path wrote: services, change
set approvals, treaty acts, imports, the admin's bulk actions, data migrations, `psql`.
A statement-level trigger on each public table bumps it: one UPDATE per statement, not per
row, and only what a statement can change is counted (TRUNCATE included).

Why a row and not a sequence: a sequence moves at once, before the writer commits, so a
reader could take the new number, read the old rows and cache them under it. The row is
updated in the writer's transaction and seen only with its data, at its commit.

Why BEFORE: the row lock is taken before the statement locks any row of its table, so
writers queue on it in one order instead of deadlocking on each other's rows.

Why a time: the next value is the later of the previous one plus one and the current time
in microseconds, so a number is never reused after a database restored from a backup, or
a test's rolled back transaction, and an entry under it cannot be another state's.
"""

from django.db import migrations

# The tables public surfaces read. Not here: API keys, change sets and their changes
# (staff only; approving one writes the tables below), protected persons (never public),
# and the history tables. tests/test_cache.py fails when a model's table is in neither list.
PUBLIC_TABLES = [
    "cases_accountabilityaction",
    "cases_accountabilityaction_incidents",
    "cases_actionevent",
    "cases_actionevent_states",
    "cases_actionsubject",
    "cases_actor",
    "cases_actoridentifier",
    "cases_actorname",
    "cases_charge",
    "cases_charge_modes_of_liability",
    "cases_citation",
    "cases_incident",
    "cases_incident_categories",
    "cases_instrument",
    "cases_involvement",
    "cases_legalqualification",
    "cases_membership",
    "cases_provision",
    "cases_searchword",
    "cases_securitycouncilreferral",
    "cases_securitycouncilreferral_states",
    "cases_sitepage",
    "cases_source",
    "cases_sourcecapture",
    "cases_state",
    "cases_tombstone",
    "cases_treatyevent",
    "cases_treatyevent_provisions",
    "cases_victimcount",
    "cases_violationcategory",
    "cases_violationcategory_provisions",
]
TRIGGER = "publication_generation"
FUNCTION = "cases_bump_publication_generation"
NEXT = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"

CREATE = f"""
CREATE TABLE cases_publication_generation (
    id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    generation bigint NOT NULL
);
INSERT INTO cases_publication_generation (id, generation) VALUES (1, {NEXT});
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cases_publication_generation AS g (id, generation) VALUES (1, {NEXT})
    ON CONFLICT (id) DO UPDATE SET generation = greatest(g.generation + 1, EXCLUDED.generation);
    RETURN NULL;
END
$$;
""" + "".join(
    f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();\n"
    for table in PUBLIC_TABLES
)
DROP = "".join(f"DROP TRIGGER {TRIGGER} ON {table};\n" for table in PUBLIC_TABLES) + (
    f"DROP FUNCTION {FUNCTION}();\nDROP TABLE cases_publication_generation;\n"
)


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_action_search_index")]

    operations = [migrations.RunSQL(CREATE, DROP)]
