"""Incremental sync that reads indexed columns only (issue 18).

1. `changed_at` on every public resource: when the record, or anything its API
   representation shows, last changed. Database triggers keep it, on the record's own
   table and on every table of rows shown with it, whichever path writes (admin, services,
   importer, demo loader, generator, shell, bulk and raw writes). Filled for existing rows
   from the `updated_at` of the record and of what it shows (what `updated_since`
   compared before).
2. Tombstones: one table, written by triggers when a record that was public stops being
   so (deleted, withdrawn, unpublished), and only then; removed when it is public again.

Why triggers rather than a Python function called from each write path: the rows shown
with a record are written by a dozen paths, several of them bulk (`bulk_create`,
`QuerySet.update()`, COPY, cascades, many-to-many `clear()`), which send no signal; a
path that forgets the call silently loses a partner's update, and nothing fails. A
trigger cannot be forgotten. Statement-level triggers with transition tables cost one
UPDATE per statement, not per row; a record already stamped in the transaction is not
written again.

The propagation rules are in EDGES below: a changed row of a table stamps the records
whose representation shows it. A record's own change (an UPDATE of its row from
outside a trigger) propagates to the records that show it; a stamp written by a trigger
does not propagate further (it changes nothing those records show), so a change never
ripples through the whole graph (incident -> action -> incident -> ...).

Only a row that really changes stamps: an UPDATE that leaves a row as it was (a no-op
save, a rerun of `load_demo`, a refresh writing the same search names) stamps neither it
nor its owners. Rows are compared without changed_at, updated_at (auto_now moves it on
every save) and generated columns; see _content() and _changed().

Stamps are the statement's time (statement_timestamp(), as Django's Now()), not the
transaction's: two statements of one transaction stamp two times, and a stamp written by
a trigger has the time of the statement that caused it.

`SET LOCAL ihl.sync_stamps = 'off'` turns stamping and tombstones off for a transaction
that writes its own (this migration's backfill runs before the triggers exist;
`generate_demo` writes varied stamps and tombstones itself).
"""

import django.db.models.functions.datetime
from django.db import migrations, models
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

OWNERS = {
    "cases_incident": "incidents",
    "cases_accountabilityaction": "actions",
    "cases_actor": "actors",
    "cases_source": "sources",
    "cases_instrument": "instruments",
    "cases_provision": "provisions",
    "cases_violationcategory": "categories",
    "cases_state": "states",
}
OWNER_KEY = {"cases_state": "code"}

INCIDENT, ACTION, ACTOR, SOURCE = (
    "cases_incident",
    "cases_accountabilityaction",
    "cases_actor",
    "cases_source",
)
INSTRUMENT, PROVISION, CATEGORY, STATE = (
    "cases_instrument",
    "cases_provision",
    "cases_violationcategory",
    "cases_state",
)


def _incidents_of_citations(citations: str) -> str:
    """Incidents showing citations `citations` (an SQL relation aliased c)."""
    return (
        f"SELECT c.incident_id FROM {citations} "
        f"UNION SELECT v.incident_id FROM {citations} "
        "JOIN cases_involvement v ON v.id = c.involvement_id "
        f"UNION SELECT q.incident_id FROM {citations} "
        "JOIN cases_legalqualification q ON q.id = c.legal_qualification_id"
    )


def _actions_of_citations(citations: str) -> str:
    return (
        f"SELECT c.action_id FROM {citations} "
        f"UNION SELECT ch.action_id FROM {citations} JOIN cases_charge ch ON ch.id = c.charge_id "
        f"UNION SELECT e.action_id FROM {citations} "
        "JOIN cases_actionevent e ON e.id = c.action_event_id"
    )


# {table: [(owner table stamped, SQL selecting the owners' keys from the changed rows r)]}
EDGES: dict[str, list[tuple[str, str]]] = {
    # The parts of an incident.
    "cases_victimcount": [(INCIDENT, "SELECT incident_id FROM {r} r")],
    "cases_involvement": [(INCIDENT, "SELECT incident_id FROM {r} r")],
    "cases_legalqualification": [(INCIDENT, "SELECT incident_id FROM {r} r")],
    "cases_incident_categories": [(INCIDENT, "SELECT incident_id FROM {r} r")],
    "cases_accountabilityaction_incidents": [
        (INCIDENT, "SELECT incident_id FROM {r} r"),
        (ACTION, "SELECT accountabilityaction_id FROM {r} r"),
    ],
    "cases_citation": [
        (INCIDENT, _incidents_of_citations("{r} c")),
        (ACTION, _actions_of_citations("{r} c")),
    ],
    # The parts of an action.
    "cases_actionsubject": [(ACTION, "SELECT action_id FROM {r} r")],
    "cases_charge": [(ACTION, "SELECT action_id FROM {r} r")],
    "cases_charge_modes_of_liability": [
        (ACTION, "SELECT ch.action_id FROM {r} r JOIN cases_charge ch ON ch.id = r.charge_id")
    ],
    "cases_actionevent": [(ACTION, "SELECT action_id FROM {r} r")],
    "cases_actionevent_states": [
        (
            ACTION,
            "SELECT e.action_id FROM {r} r JOIN cases_actionevent e ON e.id = r.actionevent_id",
        )
    ],
    # The parts of an actor, a source, a state, a category.
    "cases_actorname": [(ACTOR, "SELECT actor_id FROM {r} r")],
    "cases_actoridentifier": [(ACTOR, "SELECT actor_id FROM {r} r")],
    "cases_membership": [(ACTOR, "SELECT member_id FROM {r} r")],
    "cases_sourcecapture": [(SOURCE, "SELECT source_id FROM {r} r")],
    "cases_treatyevent": [(STATE, "SELECT state_id FROM {r} r")],
    "cases_treatyevent_provisions": [
        (STATE, "SELECT t.state_id FROM {r} r JOIN cases_treatyevent t ON t.id = r.treatyevent_id")
    ],
    "cases_violationcategory_provisions": [
        (CATEGORY, "SELECT violationcategory_id FROM {r} r"),
        (PROVISION, "SELECT provision_id FROM {r} r"),
    ],
    # A public resource's own change, shown by other resources.
    INCIDENT: [
        (INCIDENT, "SELECT parent_id FROM {r} r"),  # the parent lists its children
        (INCIDENT, "SELECT i.id FROM cases_incident i JOIN {r} r ON i.parent_id = r.id"),
        (
            ACTION,
            "SELECT m.accountabilityaction_id FROM cases_accountabilityaction_incidents m "
            "JOIN {r} r ON m.incident_id = r.id",
        ),
    ],
    ACTION: [
        (
            INCIDENT,
            "SELECT m.incident_id FROM cases_accountabilityaction_incidents m "
            "JOIN {r} r ON m.accountabilityaction_id = r.id",
        )
    ],
    ACTOR: [
        (
            INCIDENT,
            "SELECT v.incident_id FROM cases_involvement v JOIN {r} r ON v.actor_id = r.id "
            "UNION SELECT q.incident_id FROM cases_legalqualification q "
            "JOIN {r} r ON q.asserted_by_id = r.id",
        ),
        (
            ACTION,
            "SELECT a.id FROM cases_accountabilityaction a JOIN {r} r ON a.issuing_body_id = r.id "
            "UNION SELECT s.action_id FROM cases_actionsubject s JOIN {r} r ON s.actor_id = r.id "
            "UNION SELECT ch.action_id FROM cases_charge ch JOIN {r} r ON ch.subject_id = r.id "
            "UNION SELECT e.action_id FROM cases_actionevent e JOIN {r} r ON e.subject_id = r.id",
        ),
        (
            ACTOR,
            "SELECT m.member_id FROM cases_membership m JOIN {r} r ON m.organisation_id = r.id",
        ),
    ],
    SOURCE: [
        (INCIDENT, _incidents_of_citations("cases_citation c JOIN {r} r ON c.source_id = r.id")),
        (ACTION, _actions_of_citations("cases_citation c JOIN {r} r ON c.source_id = r.id")),
    ],
    PROVISION: [
        (
            INCIDENT,
            "SELECT q.incident_id FROM cases_legalqualification q JOIN {r} r ON q.provision_id = r.id",
        ),
        (
            ACTION,
            "SELECT ch.action_id FROM cases_charge ch JOIN {r} r ON ch.provision_id = r.id "
            "UNION SELECT ch.action_id FROM cases_charge ch "
            "JOIN cases_charge_modes_of_liability ml ON ml.charge_id = ch.id "
            "JOIN {r} r ON ml.provision_id = r.id",
        ),
        (INSTRUMENT, "SELECT instrument_id FROM {r} r"),
        (
            CATEGORY,
            "SELECT cp.violationcategory_id FROM cases_violationcategory_provisions cp "
            "JOIN {r} r ON cp.provision_id = r.id",
        ),
        (
            STATE,
            "SELECT t.state_id FROM cases_treatyevent t "
            "JOIN cases_treatyevent_provisions tp ON tp.treatyevent_id = t.id "
            "JOIN {r} r ON tp.provision_id = r.id",
        ),
    ],
    INSTRUMENT: [
        # What shows a provision shows its instrument (a provision reference has it).
        (PROVISION, "SELECT p.id FROM cases_provision p JOIN {r} r ON p.instrument_id = r.id"),
        (
            INCIDENT,
            "SELECT q.incident_id FROM cases_legalqualification q "
            "JOIN cases_provision p ON p.id = q.provision_id JOIN {r} r ON p.instrument_id = r.id",
        ),
        (
            ACTION,
            "SELECT ch.action_id FROM cases_charge ch "
            "JOIN cases_provision p ON p.id = ch.provision_id JOIN {r} r ON p.instrument_id = r.id "
            "UNION SELECT ch.action_id FROM cases_charge ch "
            "JOIN cases_charge_modes_of_liability ml ON ml.charge_id = ch.id "
            "JOIN cases_provision p ON p.id = ml.provision_id JOIN {r} r ON p.instrument_id = r.id",
        ),
        (
            CATEGORY,
            "SELECT cp.violationcategory_id FROM cases_violationcategory_provisions cp "
            "JOIN cases_provision p ON p.id = cp.provision_id JOIN {r} r ON p.instrument_id = r.id",
        ),
        (STATE, "SELECT t.state_id FROM cases_treatyevent t JOIN {r} r ON t.instrument_id = r.id"),
    ],
    CATEGORY: [
        (
            INCIDENT,
            "SELECT ic.incident_id FROM cases_incident_categories ic "
            "JOIN {r} r ON ic.violationcategory_id = r.id",
        ),
        (CATEGORY, "SELECT parent_id FROM {r} r"),  # the parent lists its children
        (CATEGORY, "SELECT c.id FROM cases_violationcategory c JOIN {r} r ON c.parent_id = r.id"),
        (
            PROVISION,
            "SELECT cp.provision_id FROM cases_violationcategory_provisions cp "
            "JOIN {r} r ON cp.violationcategory_id = r.id",
        ),
    ],
    STATE: [
        (
            INCIDENT,
            "SELECT i.id FROM cases_incident i JOIN {r} r ON i.country_id = r.code "
            "UNION SELECT i.id FROM cases_incident i JOIN {r} r ON i.controlling_power_id = r.code",
        ),
    ],
}

PUBLIC = "({r}.publication_status = 'published' AND {r}.confidentiality = 'public')"
PUBLISHABLE = [INCIDENT, ACTION, ACTOR, SOURCE, INSTRUMENT]

ENABLED = "coalesce(current_setting('ihl.sync_stamps', true), '') <> 'off'"


def _stamp(owner: str, select: str) -> str:
    key = OWNER_KEY.get(owner, "id")
    return f"UPDATE {owner} SET changed_at = statement_timestamp() WHERE changed_at <> statement_timestamp() AND {key} IN ({select});"


# What a row shows: all of it but the bookkeeping of when it changed (changed_at, and
# updated_at, which Django's auto_now moves on every save, even one that changes nothing).
# Generated columns too: they follow from the others, and in a BEFORE trigger NEW does not
# hold their new value yet (PostgreSQL computes it after), so they would always differ.
BOOKKEEPING = ("changed_at", "updated_at")
GENERATED = ("search_vector",)  # cases_incident's


def _content(row: str) -> str:
    return f"(to_jsonb({row}) - " + " - ".join(f"'{c}'" for c in BOOKKEEPING + GENERATED) + ")"


def _changed(rows: str, others: str) -> str:
    """The rows of transition table `rows` that an UPDATE really changed: those with no
    row of `others` (the other side of the UPDATE) of the same content. Rows include
    their primary key, so this pairs each row with itself."""
    return (
        f"(SELECT x.* FROM {rows} x WHERE NOT EXISTS "
        f"(SELECT 1 FROM {others} y WHERE {_content('y')} = {_content('x')}))"
    )


def _function(name: str, body: str) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}\nRETURN NULL;\nEND $$;"
    )


def _trigger(table: str, event: str, function: str) -> str:
    transition = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    return (
        f"CREATE TRIGGER {function} AFTER {event} ON {table} REFERENCING {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    )


def _stamping_sql() -> tuple[list[str], list[str]]:
    forward = [
        "CREATE FUNCTION ihl_sync_stamp_row() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\nIF NOT ({ENABLED}) THEN RETURN NEW; END IF;\n"
        # A stamp written by a trigger (pg_trigger_depth() > 1) is kept as written.
        "IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN RETURN NEW; END IF;\n"
        # An UPDATE that changes nothing (a no-op save, a loader's re-run) keeps the stamp:
        # the one in the row, not a stale one a save sends back from memory.
        f"IF TG_OP = 'UPDATE' AND {_content('NEW')} = {_content('OLD')} THEN\n"
        "NEW.changed_at := OLD.changed_at; RETURN NEW;\nEND IF;\n"
        "NEW.changed_at := statement_timestamp();\nRETURN NEW;\nEND $$;"
    ]
    backward = ["DROP FUNCTION ihl_sync_stamp_row();"]
    for owner in OWNERS:
        forward.append(
            f"CREATE TRIGGER ihl_sync_stamp_row BEFORE INSERT OR UPDATE ON {owner} "
            "FOR EACH ROW EXECUTE FUNCTION ihl_sync_stamp_row();"
        )
        backward.insert(0, f"DROP TRIGGER ihl_sync_stamp_row ON {owner};")
    for table, edges in EDGES.items():
        # A record's own change propagates; a stamp written by a trigger does not.
        guard = f"NOT ({ENABLED})" + (" OR pg_trigger_depth() > 1" if table in OWNERS else "")
        for event in ("INSERT", "UPDATE", "DELETE"):
            relations = {"INSERT": ["new_rows"], "DELETE": ["old_rows"]}.get(
                event, [_changed("new_rows", "old_rows"), _changed("old_rows", "new_rows")]
            )
            statements = [
                _stamp(owner, " UNION ".join(select.format(r=rel) for rel in relations))
                for owner, select in edges
            ]
            body = (
                f"IF {guard} OR NOT EXISTS (SELECT 1 FROM {relations[0]} z) THEN RETURN NULL; END IF;\n"
                + "\n".join(statements)
            )
            function = f"ihl_sync_{table.removeprefix('cases_')}_{event.lower()}"[:63]
            forward += [_function(function, body), _trigger(table, event, function)]
            backward.insert(0, f"DROP FUNCTION {function}();")
            backward.insert(0, f"DROP TRIGGER {function} ON {table};")
    return forward, backward


def _tombstone_insert(resource: str, select: str) -> str:
    return f"INSERT INTO cases_tombstone (resource, object_id, reason, removed_at) {select};"


def _tombstone_clear(resource: str, select: str) -> str:
    return f"DELETE FROM cases_tombstone WHERE resource = '{resource}' AND object_id IN ({select});"


def _tombstone_sql() -> tuple[list[str], list[str]]:
    forward, backward = [], []

    def add(table: str, event: str, body: str) -> None:
        function = f"ihl_tombstone_{table.removeprefix('cases_')}_{event.lower()}"
        guard = f"IF NOT ({ENABLED}) THEN RETURN NULL; END IF;\n"
        forward.extend([_function(function, guard + body), _trigger(table, event, function)])
        backward.insert(0, f"DROP FUNCTION {function}();")
        backward.insert(0, f"DROP TRIGGER {function} ON {table};")

    for table in PUBLISHABLE:
        resource = OWNERS[table]
        was, now = PUBLIC.format(r="o"), PUBLIC.format(r="n")
        joined = "FROM old_rows o JOIN new_rows n ON n.id = o.id"
        reason = (
            "CASE WHEN n.publication_status = 'withdrawn' THEN 'withdrawn' ELSE 'unpublished' END"
        )
        hidden = f"{joined} WHERE {was} AND NOT {now}"
        shown = f"{joined} WHERE {now} AND NOT {was}"
        update = [
            _tombstone_insert(
                resource,
                f"SELECT '{resource}', o.id::text, {reason}, statement_timestamp() {hidden}",
            ),
            _tombstone_clear(resource, f"SELECT n.id::text {shown}"),
        ]
        if table == INSTRUMENT:  # its provisions are public with it
            update += [
                _tombstone_insert(
                    "provisions",
                    f"SELECT 'provisions', p.id::text, 'unpublished', statement_timestamp() {hidden.replace('WHERE', 'JOIN cases_provision p ON p.instrument_id = n.id WHERE')}",
                ),
                _tombstone_clear(
                    "provisions",
                    f"SELECT p.id::text {shown.replace('WHERE', 'JOIN cases_provision p ON p.instrument_id = n.id WHERE')}",
                ),
            ]
        add(table, "UPDATE", "\n".join(update))
        add(
            table,
            "DELETE",
            _tombstone_insert(
                resource,
                f"SELECT '{resource}', o.id::text, 'deleted', statement_timestamp() FROM old_rows o "
                f"WHERE {PUBLIC.format(r='o')}",
            ),
        )
    add(
        PROVISION,
        "DELETE",
        _tombstone_insert(
            "provisions",
            "SELECT 'provisions', o.id::text, 'deleted', statement_timestamp() FROM old_rows o "
            f"JOIN cases_instrument i ON i.id = o.instrument_id WHERE {PUBLIC.format(r='i')}",
        ),
    )
    # Categories and states are public as a whole; a new one may take a removed slug/code.
    for table, key in ((CATEGORY, "slug"), (STATE, "code")):
        resource = OWNERS[table]
        add(
            table,
            "DELETE",
            _tombstone_insert(
                resource,
                f"SELECT '{resource}', o.{key}, 'deleted', statement_timestamp() FROM old_rows o",
            ),
        )
        add(table, "INSERT", _tombstone_clear(resource, f"SELECT n.{key} FROM new_rows n"))
    return forward, backward


def triggers_sql() -> tuple[list[str], list[str]]:
    stamps, unstamps = _stamping_sql()
    tombstones, untombstones = _tombstone_sql()
    return stamps + tombstones, untombstones + unstamps


def _latest(model, path: str):
    """The latest updated_at of the `model` rows at the end of `path` from the outer record."""
    return Coalesce(
        Subquery(
            model.objects.filter(**{path: OuterRef("pk")})
            .order_by()
            .values(path)
            .annotate(latest=Max("updated_at"))
            .values("latest")[:1]
        ),
        F("updated_at"),
    )


def fill_changed_at(apps, schema_editor):
    """The latest updated_at of the record and of what it shows: what `updated_since`
    compared before this migration, so no partner misses or re-reads a change."""
    get = lambda name: apps.get_model("cases", name)  # noqa: E731
    Incident, Action, Actor = get("Incident"), get("AccountabilityAction"), get("Actor")
    Involvement, Qualification = get("Involvement"), get("LegalQualification")
    Citation, Charge, Event = get("Citation"), get("Charge"), get("ActionEvent")
    Instrument, Provision = get("Instrument"), get("Provision")
    Category, State = get("ViolationCategory"), get("State")
    Membership, TreatyEvent = get("Membership"), get("TreatyEvent")
    Incident.objects.update(
        changed_at=Greatest(
            F("updated_at"),
            _latest(Involvement, "incident"),
            _latest(Actor, "involvements__incident"),
            _latest(Qualification, "incident"),
            _latest(Provision, "legal_qualifications__incident"),
            _latest(Citation, "incident"),
            _latest(Citation, "involvement__incident"),
            _latest(Citation, "legal_qualification__incident"),
            _latest(Action, "incidents"),
        )
    )
    Action.objects.update(
        changed_at=Greatest(
            F("updated_at"),
            _latest(Actor, "issued_actions"),
            _latest(Actor, "subject_links__action"),
            _latest(Charge, "action"),
            _latest(Event, "action"),
            _latest(Citation, "action"),
            _latest(Citation, "action_event__action"),
            _latest(Incident, "actions"),
        )
    )
    Actor.objects.update(changed_at=Greatest(F("updated_at"), _latest(Membership, "member")))
    Instrument.objects.update(
        changed_at=Greatest(F("updated_at"), _latest(Provision, "instrument"))
    )
    Provision.objects.update(
        changed_at=Greatest(F("updated_at"), _latest(Instrument, "provisions"))
    )
    Category.objects.update(
        changed_at=Greatest(
            F("updated_at"),
            _latest(Provision, "violation_categories"),
            _latest(Category, "children"),
        )
    )
    State.objects.update(changed_at=Greatest(F("updated_at"), _latest(TreatyEvent, "state")))
    get("Source").objects.update(changed_at=F("updated_at"))
    # The feed found records that are not public by their updated_at: those known to have
    # been public (withdrawn, or published but confidential or restricted) keep a
    # tombstone; drafts and records in review are left out (most were never public).
    Tombstone = get("Tombstone")
    for resource, model in (
        ("incidents", Incident),
        ("actions", Action),
        ("actors", Actor),
        ("sources", get("Source")),
        ("instruments", Instrument),
    ):
        hidden = model.objects.exclude(publication_status="published", confidentiality="public")
        hidden = hidden.filter(~Q(publication_status="draft") & ~Q(publication_status="in_review"))
        Tombstone.objects.bulk_create(
            Tombstone(
                resource=resource,
                object_id=str(pk),
                reason="withdrawn" if status == "withdrawn" else "unpublished",
                removed_at=updated_at,
            )
            for pk, status, updated_at in hidden.values_list(
                "pk", "publication_status", "updated_at"
            ).iterator()
        )


CHANGED_AT = models.DateTimeField(
    db_default=django.db.models.functions.datetime.Now(),
    db_index=True,
    editable=False,
    help_text="When the record or anything shown with it last changed (kept by the database).",
)
FORWARD_SQL, BACKWARD_SQL = triggers_sql()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_roles_edit_action_events_and_referrals"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="tombstone", name="tombstone_resource_idx"),
        migrations.RenameField(
            model_name="tombstone", old_name="deleted_at", new_name="removed_at"
        ),
        migrations.AddField(
            model_name="tombstone",
            name="reason",
            field=models.CharField(
                choices=[
                    ("deleted", "Deleted"),
                    ("withdrawn", "Withdrawn"),
                    ("unpublished", "Unpublished"),
                ],
                default="deleted",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="tombstone",
            name="object_id",
            field=models.CharField(help_text="The record's id or code.", max_length=40),
        ),
        migrations.AddIndex(
            model_name="tombstone",
            index=models.Index(fields=["resource", "removed_at"], name="tombstone_resource_idx"),
        ),
        *(
            migrations.AddField(model_name=name, name="changed_at", field=CHANGED_AT.clone())
            for name in (
                "incident",
                "accountabilityaction",
                "actor",
                "source",
                "instrument",
                "provision",
                "violationcategory",
                "state",
            )
        ),
        migrations.RunPython(fill_changed_at, migrations.RunPython.noop),
        migrations.RunSQL(FORWARD_SQL, BACKWARD_SQL),
    ]
