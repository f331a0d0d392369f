"""A provision proposed in a change set (Provision.proposed_in, 0011) is hidden: its insert
or deletion must not stamp what shows provisions (a partner's sync would fetch the
instrument again for nothing) nor leave a tombstone for a provision nobody saw. The
provision triggers of 0010 are rewritten to read only the rows that are not proposed;
the approval, which clears `proposed_in`, stamps as any new provision does.
"""

import importlib

from django.db import migrations

sync = importlib.import_module("cases.migrations.0010_sync_stamps_and_tombstones")

PROVISION = sync.PROVISION
VISIBLE = "(SELECT * FROM {rows} WHERE proposed_in_id IS NULL)"


def _stamping(only_visible: bool) -> list[str]:
    statements = []
    guard = f"NOT ({sync.ENABLED}) OR pg_trigger_depth() > 1"
    for event in ("INSERT", "UPDATE", "DELETE"):
        new, old = "new_rows", "old_rows"
        if only_visible:
            new, old = VISIBLE.format(rows=new), VISIBLE.format(rows=old)
        relations = {"INSERT": [new], "DELETE": [old]}.get(
            event, [sync._changed(new, old), sync._changed(old, new)]
        )
        body = (
            f"IF {guard} OR NOT EXISTS (SELECT 1 FROM {relations[0]} z) THEN RETURN NULL; END IF;\n"
            + "\n".join(
                sync._stamp(owner, " UNION ".join(select.format(r=rel) for rel in relations))
                for owner, select in sync.EDGES[PROVISION]
            )
        )
        function = f"ihl_sync_provision_{event.lower()}"
        statements.append(
            sync._function(function, body).replace(
                "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
            )
        )
    return statements


def _tombstone(only_visible: bool) -> str:
    hidden = " AND o.proposed_in_id IS NULL" if only_visible else ""
    body = f"IF NOT ({sync.ENABLED}) THEN RETURN NULL; END IF;\n" + sync._tombstone_insert(
        "provisions",
        "SELECT 'provisions', o.id::text, 'deleted', statement_timestamp() FROM old_rows o "
        f"JOIN cases_instrument i ON i.id = o.instrument_id WHERE {sync.PUBLIC.format(r='i')}"
        + hidden,
    )
    return sync._function("ihl_tombstone_provision_delete", body).replace(
        "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_import_changes")]

    operations = [
        migrations.RunSQL(
            [*_stamping(True), _tombstone(True)], [*_stamping(False), _tombstone(False)]
        )
    ]
