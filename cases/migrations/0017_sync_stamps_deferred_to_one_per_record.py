"""Sync stamps a bulk writer can defer: each record stamped once, at the end (issue 18).

With the triggers of 0010, every statement that writes rows shown with a record stamps the
record: an import writing an incident's involvements, citations, victim counts and
category links in separate statements rewrote each incident (its row and every index
entry, the GIN search vector's included) once per statement, and its PostgreSQL CPU was
5 to 6 times what the rows themselves cost (docs/exchange.md, 6 December 2026).

A transaction may now call `SELECT ihl_sync_defer()`. From then on the same trigger
functions, built from the same EDGES (0010; provisions read as in 0013), write the keys of
the records they would stamp into a temporary table instead of updating them, the
records' own changes included. `SELECT ihl_sync_flush()` stamps each of them once, with
the flush statement's time, and stamping is immediate again. The flush also runs by
itself when the transaction commits (or at `SET CONSTRAINTS ALL IMMEDIATE`), through a
deferred constraint trigger, so a writer that forgets it loses no stamp.

Stamping at the end is also closer to the commit: a partner who subtracts a minute from
`until` (docs/api.md) misses nothing of an import that wrote its first rows minutes before
it committed (with 0010 those rows kept the time of their own statement).

Without `ihl_sync_defer()` nothing changes: stamps are immediate, per statement, as in
0010. `ihl.sync_stamps = 'off'` still turns stamping and tombstones off.
"""

import importlib

from django.db import migrations

sync = importlib.import_module("cases.migrations.0010_sync_stamps_and_tombstones")
visible = importlib.import_module("cases.migrations.0013_proposed_provisions_stay_out_of_sync")

MODE = "coalesce(current_setting('ihl.sync_stamps', true), '')"
PENDING = "ihl_sync_pending"


def _relations(table: str, event: str) -> list[str]:
    """The rows of the statement that stamp: all of them for an insert or a delete, those
    that really changed (both sides) for an update; a proposed provision's none (0013)."""
    new, old = "new_rows", "old_rows"
    if table == sync.PROVISION:
        new, old = visible.VISIBLE.format(rows=new), visible.VISIBLE.format(rows=old)
    return {"INSERT": [new], "DELETE": [old]}.get(
        event, [sync._changed(new, old), sync._changed(old, new)]
    )


def _edges(table: str, relations: list[str], deferred: bool) -> list[tuple[str, str]]:
    """(owner, SQL selecting owner keys): the table's EDGES; when deferred, also the
    changed records' own keys, so that they too are stamped at the flush."""
    edges = [
        (owner, " UNION ".join(select.format(r=rel) for rel in relations))
        for owner, select in sync.EDGES.get(table, [])
    ]
    if deferred and table in sync.OWNERS:
        key = sync.OWNER_KEY.get(table, "id")
        edges.append((table, " UNION ".join(f"SELECT {key} FROM {rel} r" for rel in relations)))
    return edges


def _statement_function(table: str, event: str) -> str:
    relations = _relations(table, event)
    # A stamp (written by a trigger, or by the flush) does not propagate further.
    guard = f"{MODE} IN ('off', 'flushing')"
    if table in sync.OWNERS:
        guard += " OR pg_trigger_depth() > 1"
    immediate = "\n".join(
        sync._stamp(owner, select) for owner, select in _edges(table, relations, False)
    )
    deferred = "\n".join(
        f"INSERT INTO {PENDING} (owner, key) SELECT '{owner}', k::text FROM ({select}) s(k) "
        "WHERE k IS NOT NULL;"
        for owner, select in _edges(table, relations, True)
    )
    body = (
        f"IF {guard} OR NOT EXISTS (SELECT 1 FROM {relations[0]} z) THEN RETURN NULL; END IF;\n"
        f"IF {MODE} = 'deferred' THEN\n{deferred}\nELSE\n{immediate}\nEND IF;"
    )
    function = f"ihl_sync_{table.removeprefix('cases_')}_{event.lower()}"[:63]
    return sync._function(function, body).replace(
        "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
    )


def _row_function(flushing_keeps: bool) -> str:
    """The BEFORE trigger on a record's own row (0010), which also keeps the flush's stamp."""
    kept = "pg_trigger_depth() > 1"
    deferred = ""
    if flushing_keeps:
        kept = f"({kept} OR {MODE} = 'flushing')"
        # Deferred, the record's key is kept for the flush (its statement trigger): until
        # then its row keeps the stamp it had.
        deferred = (
            f"IF {MODE} = 'deferred' THEN\n"
            "IF TG_OP = 'UPDATE' THEN NEW.changed_at := OLD.changed_at; END IF;\n"
            "RETURN NEW;\nEND IF;\n"
        )
    return (
        "CREATE OR REPLACE FUNCTION ihl_sync_stamp_row() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\nIF NOT ({sync.ENABLED}) THEN RETURN NEW; END IF;\n{deferred}"
        f"IF TG_OP = 'UPDATE' AND {kept} THEN RETURN NEW; END IF;\n"
        f"IF TG_OP = 'UPDATE' AND {sync._content('NEW')} = {sync._content('OLD')} THEN\n"
        "NEW.changed_at := OLD.changed_at; RETURN NEW;\nEND IF;\n"
        "NEW.changed_at := statement_timestamp();\nRETURN NEW;\nEND $$;"
    )


def _flush() -> str:
    stamps = "\n".join(
        f"UPDATE {owner} SET changed_at = statement_timestamp() "
        f"WHERE {sync.OWNER_KEY.get(owner, 'id')} IN (SELECT key{'' if owner in sync.OWNER_KEY else '::bigint'} "
        f"FROM {PENDING} WHERE owner = '{owner}');"
        for owner in sync.OWNERS
    )
    return (
        "CREATE FUNCTION ihl_sync_flush() RETURNS void LANGUAGE plpgsql AS $$\n"
        f"BEGIN\nIF {MODE} <> 'deferred' THEN RETURN; END IF;\n"
        # The flush's own updates stamp as written and propagate nowhere.
        "PERFORM set_config('ihl.sync_stamps', 'flushing', true);\n"
        f"ANALYZE {PENDING};\n"
        f"{stamps}\n"
        f"TRUNCATE {PENDING};\n"
        "PERFORM set_config('ihl.sync_stamps', '', true);\n"
        "END $$;"
    )


DEFER = (
    "CREATE FUNCTION ihl_sync_defer() RETURNS void LANGUAGE plpgsql AS $$\n"
    f"BEGIN\nIF {MODE} IN ('off', 'deferred', 'flushing') THEN RETURN; END IF;\n"
    f"IF to_regclass('pg_temp.{PENDING}') IS NULL THEN\n"
    f"CREATE TEMP TABLE {PENDING} (owner text NOT NULL, key text NOT NULL) ON COMMIT DROP;\n"
    # One row whose deferred constraint trigger flushes at commit: nothing is left unstamped.
    "CREATE TEMP TABLE ihl_sync_flush_at_commit (x int) ON COMMIT DROP;\n"
    "CREATE CONSTRAINT TRIGGER ihl_sync_flush_at_commit AFTER INSERT ON ihl_sync_flush_at_commit "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ihl_sync_flush_trigger();\n"
    "END IF;\n"
    # Deferred first: if constraints are already immediate, the marker's trigger flushes
    # at once and stamping stays immediate, which is slower but loses nothing.
    "PERFORM set_config('ihl.sync_stamps', 'deferred', true);\n"
    "INSERT INTO ihl_sync_flush_at_commit VALUES (1);\n"
    "END $$;"
)
FLUSH_TRIGGER = (
    "CREATE FUNCTION ihl_sync_flush_trigger() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\nPERFORM ihl_sync_flush();\nRETURN NULL;\nEND $$;"
)


def forward_sql() -> list[str]:
    statements = [_row_function(True)]
    for table in sync.EDGES:
        statements += [
            _statement_function(table, event) for event in ("INSERT", "UPDATE", "DELETE")
        ]
    return [*statements, _flush(), FLUSH_TRIGGER, DEFER]


def backward_sql() -> list[str]:
    """The functions as 0010 and 0013 left them."""
    restored = []
    for table in sync.EDGES:
        if table == sync.PROVISION:
            continue
        for event in ("INSERT", "UPDATE", "DELETE"):
            relations = _relations(table, event)
            guard = f"NOT ({sync.ENABLED})" + (
                " OR pg_trigger_depth() > 1" if table in sync.OWNERS else ""
            )
            body = (
                f"IF {guard} OR NOT EXISTS (SELECT 1 FROM {relations[0]} z) THEN RETURN NULL; END IF;\n"
                + "\n".join(sync._stamp(o, s) for o, s in _edges(table, relations, False))
            )
            function = f"ihl_sync_{table.removeprefix('cases_')}_{event.lower()}"[:63]
            restored.append(
                sync._function(function, body).replace(
                    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
                )
            )
    return [
        "DROP FUNCTION ihl_sync_defer();",
        "DROP FUNCTION ihl_sync_flush_trigger();",
        "DROP FUNCTION ihl_sync_flush();",
        _row_function(False),
        *restored,
        *visible._stamping(True),
    ]


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_about_page_text")]

    operations = [migrations.RunSQL(forward_sql(), backward_sql())]
