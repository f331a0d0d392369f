"""export_cases and import_cases: the format round-trips exactly, re-imports update, a bad
file changes nothing and the report says where every problem is."""

import csv
import datetime
import io
import json
import threading
import uuid
import zipfile

import pytest
from django.apps import apps
from django.db import connection

from cases import models as m
from cases import services
from cases.exchange.export import export
from cases.exchange.importer import import_path
from cases.search import search_incidents
from tests import factories as f


def snapshot() -> dict[str, list[dict]]:
    """Every row of every cases table (through and history tables too), in a stable order."""
    config = apps.get_app_config("cases")
    return {
        model._meta.db_table: list(model._default_manager.order_by("pk").values())
        for model in config.get_models(include_auto_created=True)
    }


def empty_database() -> None:
    """What a fresh installation holds: no cases rows at all (rolled back with the test)."""
    tables = [
        model._meta.db_table
        for model in apps.get_app_config("cases").get_models(include_auto_created=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending checks
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def read_csv(path, name: str) -> list[dict]:
    with zipfile.ZipFile(path) as archive:
        return list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))


def test_export_gives_records_without_an_id_one_that_no_other_database_gives(db, tmp_path):
    """Not "incident:<pk>": incident 12 here and incident 12 of a partner's database would
    share it, and a hub importing both exports would merge them."""
    incident = f.IncidentFactory(external_id=None)

    export(tmp_path / "first.zip")
    given = m.Incident.objects.get(pk=incident.pk).external_id
    export(tmp_path / "second.zip")

    kind, _, random = given.partition(":")
    assert kind == "incident"
    assert str(uuid.UUID(random)) == random
    assert read_csv(tmp_path / "second.zip", "incidents.csv")[0]["id"] == given  # kept


def write_zip(path, files: dict[str, list[list[str]]]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in files.items():
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            archive.writestr(name, text.getvalue())


INCIDENT_HEADER = ["id", "title", "date", "country", "categories", "latitude", "longitude"]


def test_bad_rows_are_reported_by_file_row_column_and_value_and_nothing_changes(db, tmp_path):
    f.StateFactory(code="UA", name="Ukraine")
    f.ViolationCategoryFactory(slug="deportation")
    f.IncidentFactory(external_id="ngo:1", title="Old title")
    path = tmp_path / "bad.zip"
    write_zip(
        path,
        {
            "incidents.csv": [
                INCIDENT_HEADER,
                ["ngo:1", "New title", "2022-03-01", "UA", "deportation", "", ""],
                ["ngo:2", "Bad date", "2022-13-45", "UA", "", "", ""],
                ["ngo:3", "Unknown country", "2022", "XX", "", "", ""],
                ["ngo:4", "Unknown term", "2022", "UA", "deportation|shelling", "", ""],
                ["ngo:5", "Bad latitude", "2022", "UA", "", "north", "30.5"],
                ["ngo:6", "", "2022", "UA", "", "", ""],
            ],
            "involvements.csv": [
                ["id", "incident", "actor", "role"],
                ["inv:1", "ngo:2", "actor:404", "direct_perpetrator"],
            ],
        },
    )
    before = snapshot()

    report = import_path(path)

    assert not report.ok
    found = {(p.file, p.row, p.column, p.value) for p in report.problems}
    assert ("incidents.csv", 3, "date", "2022-13-45") in found
    assert ("incidents.csv", 4, "country", "XX") in found
    assert ("incidents.csv", 5, "categories", "shelling") in found
    assert ("incidents.csv", 6, "latitude", "north") in found
    assert ("incidents.csv", 7, "title", "") in found
    assert ("involvements.csv", 2, "incident", "ngo:2") in found
    assert ("involvements.csv", 2, "actor", "actor:404") in found
    messages = {(p.row, p.column): p.problem for p in report.problems if p.file == "incidents.csv"}
    assert "unknown state" in messages[(4, "country")]
    assert "number" in messages[(6, "latitude")]
    assert "rejected" in next(p.problem for p in report.problems if p.column == "incident")
    assert snapshot() == before  # the good row (ngo:1) was not kept either


def test_a_constraint_the_database_checks_is_reported_on_its_row(db, tmp_path):
    f.StateFactory(code="UA", name="Ukraine")
    path = tmp_path / "constraint.zip"
    write_zip(
        path,
        {
            "incidents.csv": [
                [*INCIDENT_HEADER, "subdivision"],
                ["ngo:1", "Fine", "2022", "UA", "", "", "", "UA-23"],
                ["ngo:2", "Wrong region", "2022", "UA", "", "", "", "RU-MOS"],
            ]
        },
    )
    before = snapshot()

    report = import_path(path)

    assert [(p.file, p.row) for p in report.problems] == [("incidents.csv", 3)]
    assert snapshot() == before


def test_unknown_vocabulary_is_an_error_unless_told_to_create_it(db, tmp_path):
    path = tmp_path / "vocabulary.zip"
    write_zip(
        path,
        {
            "categories.csv": [["id", "name"], ["shelling", "Shelling of towns"]],
            "incidents.csv": [["id", "title", "categories"], ["ngo:1", "A", "shelling"]],
        },
    )

    refused = import_path(path)
    assert next((p.file, p.row, p.column, p.value) for p in refused.problems) == (
        "categories.csv",
        2,
        "id",
        "shelling",
    )
    assert "--create-vocabulary" in refused.problems[0].problem
    assert not m.ViolationCategory.objects.exists()

    accepted = import_path(path, create_vocabulary=True)
    assert accepted.ok, accepted.problems
    again = import_path(path)  # now known: matched, not duplicated
    assert again.ok, again.problems
    assert m.ViolationCategory.objects.get().name == "Shelling of towns"
    assert list(m.Incident.objects.get().categories.values_list("slug", flat=True)) == ["shelling"]


def test_dry_run_writes_nothing_and_reports_what_would_change(db, tmp_path):
    path = tmp_path / "dry.ndjson"
    path.write_text(
        json.dumps({"type": "incident", "id": "ngo:1", "title": "A", "date": "2022-05~"}) + "\n"
    )
    before = snapshot()

    report = import_path(path, dry_run=True)

    assert report.ok
    assert report.created["incidents"] == 1
    assert snapshot() == before


def test_import_fills_search_names_and_date_bounds(db, tmp_path):
    f.StateFactory(code="UA", name="Ukraine")
    f.ActorFactory(external_id="actor:putin", name="Vladimir Putin", published=True)
    path = tmp_path / "search.ndjson"
    lines = [
        {"type": "incident", "id": "ngo:1", "title": "A", "date": "2022-05~", "country": "UA"},
        {
            "type": "involvement",
            "id": "inv:1",
            "incident": "ngo:1",
            "actor": "actor:putin",
            "role": "ordering",
        },
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))

    assert import_path(path).ok
    incident = m.Incident.objects.get(external_id="ngo:1")
    assert "Vladimir Putin" in incident.search_names
    assert "Ukraine" in incident.search_names
    assert (incident.date_earliest, incident.date_latest) == (
        datetime.date(2022, 5, 1),
        datetime.date(2022, 5, 31),
    )


def test_search_names_written_with_new_incidents_are_what_a_refresh_writes(db, tmp_path):
    f.StateFactory(code="UA", name="Ukraine")
    f.ActorFactory(external_id="actor:putin", name="Vladimir Putin", published=True)
    belova = f.ActorFactory(external_id="actor:belova", name="Maria Lvova-Belova", published=True)
    m.ActorName.objects.create(actor=belova, name="Львова-Бєлова")
    m.ActorName.objects.create(actor=belova, name="Lvova-Bielova")
    f.ActorFactory(external_id="actor:draft", name="Unpublished Person")
    rome = f.InstrumentFactory(slug="rome", short_title="Rome Statute", published=True)
    f.ProvisionFactory(instrument=rome, label="art. 8(2)(b)(viii)")
    f.ProvisionFactory(instrument=f.InstrumentFactory(slug="draft"), label="art. 1")
    f.IncidentFactory(external_id="ngo:old", place_name="Kherson", published=True)
    path = tmp_path / "search.zip"
    write_zip(
        path,
        {
            "incidents.csv": [
                ["id", "title", "country", "place_name", "subdivision"],
                ["ngo:1", "Deportation of children", "UA", "Mariupol", "UA-14"],
                ["ngo:2", "No one involved", "", "", ""],
            ],
            "involvements.csv": [
                ["id", "incident", "actor", "role"],
                ["inv:1", "ngo:1", "actor:belova", "direct_perpetrator"],
                ["inv:2", "ngo:1", "actor:draft", "facilitator"],
                ["inv:3", "ngo:1", "actor:putin", "ordering"],
                ["inv:4", "ngo:1", "actor:belova", "superior"],
                ["inv:5", "ngo:old", "actor:putin", "ordering"],
            ],
            "legal_qualifications.csv": [
                ["id", "incident", "provision"],
                ["lq:1", "ngo:1", "draft art. 1"],
                ["lq:2", "ngo:1", "rome art. 8(2)(b)(viii)"],
            ],
        },
    )

    assert import_path(path).ok
    written = dict(m.Incident.objects.values_list("external_id", "search_names"))
    services.refresh_search_names(incidents=m.Incident.objects.all())
    assert dict(m.Incident.objects.values_list("external_id", "search_names")) == written
    # Each public actor once (in the order first involved), then their other names, the law.
    assert written["ngo:1"].startswith(
        "Maria Lvova-Belova Vladimir Putin Львова-Бєлова Lvova-Bielova Rome Statute art. 8(2)"
    )
    assert "Unpublished" not in written["ngo:1"]
    assert "Vladimir Putin" in written["ngo:old"]  # an existing incident: refreshed


def test_ndjson_lines_out_of_type_order_are_reported(db, tmp_path):
    path = tmp_path / "disordered.ndjson"
    lines = [
        {"type": "incident", "id": "ngo:1", "title": "A"},
        {"type": "source", "id": "src:1", "kind": "media", "title": "S"},
        {"type": "incident", "id": "ngo:2", "title": "B"},
        {"type": "unicorn", "id": "x"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines) + "not json\n")

    report = import_path(path)

    assert [(p.row, p.column) for p in report.problems] == [(3, "type"), (4, "type"), (5, "")]
    assert "out of order" in report.problems[0].problem
    assert not m.Incident.objects.exists()


def test_a_parent_further_down_the_file_is_found(db, tmp_path):
    path = tmp_path / "parents.zip"
    write_zip(
        path,
        {
            "incidents.csv": [
                ["id", "title", "parent"],
                ["ngo:child", "Child", "ngo:parent"],
                ["ngo:parent", "Parent", ""],
                ["ngo:orphan", "Orphan", "ngo:missing"],
            ]
        },
    )

    report = import_path(path)
    assert [(p.row, p.column, p.value) for p in report.problems] == [(4, "parent", "ngo:missing")]

    rows = [
        ["id", "title", "parent"],
        ["ngo:child", "Child", "ngo:parent"],
        ["ngo:parent", "P", ""],
    ]
    write_zip(path, {"incidents.csv": rows})
    assert import_path(path).ok
    assert m.Incident.objects.get(external_id="ngo:child").parent.title == "P"


def test_child_rows_of_a_parent_are_replaced_as_a_set(db, tmp_path):
    actor = f.ActorFactory(external_id="actor:lvova-belova", name="Maria Lvova-Belova")
    m.ActorName.objects.create(actor=actor, name="Львова-Бєлова")
    m.ActorName.objects.create(actor=actor, name="Lvova-Bielova")
    path = tmp_path / "names.zip"
    write_zip(
        path,
        {
            "actor_names.csv": [
                ["actor", "name", "language", "kind"],
                ["actor:lvova-belova", "Львова-Бєлова", "uk", "native"],
                ["actor:lvova-belova", "Мария Львова-Белова", "ru", "native"],
            ]
        },
    )

    assert import_path(path).ok
    assert import_path(path).ok  # twice: still the same set

    assert sorted(actor.other_names.values_list("name", "language")) == [
        ("Львова-Бєлова", "uk"),
        ("Мария Львова-Белова", "ru"),
    ]


@pytest.mark.django_db(transaction=True)
def test_an_export_is_one_snapshot_of_the_database(tmp_path, monkeypatch):
    from cases.exchange import export as export_module

    f.SourceFactory(title="There before the export")
    read = export_module.iter_rows

    def read_then_someone_writes(record_type):
        if record_type.name == "state":  # the first file: the others come after the write

            def write_elsewhere():  # another connection, committed at once
                f.SourceFactory(title="Written during the export")
                connection.close()

            thread = threading.Thread(target=write_elsewhere)
            thread.start()
            thread.join()
        return read(record_type)

    monkeypatch.setattr(export_module, "iter_rows", read_then_someone_writes)
    path = tmp_path / "export.ndjson"
    export(path)

    text = path.read_text()
    assert "There before the export" in text
    assert "Written during the export" not in text
    assert m.Source.objects.filter(title="Written during the export").exists()


def test_an_incident_an_import_takes_off_an_action_is_marked_changed(db, tmp_path):
    kept, dropped = (f.IncidentFactory(external_id=f"ngo:{n}") for n in (1, 2))
    court = f.ActorFactory(external_id="court:1", kind=m.ActorKind.COURT)
    action = f.AccountabilityActionFactory(external_id="act:1", issuing_body=court)
    action.incidents.set([kept, dropped])
    before = m.Incident.objects.get(pk=dropped.pk).updated_at
    path = tmp_path / "actions.zip"
    header = ["id", "kind", "title", "issuing_body", "incidents"]
    row = ["act:1", action.kind, action.title, "court:1", "ngo:1"]
    write_zip(path, {"actions.csv": [header, row]})

    report = import_path(path)

    assert report.ok, report.problems
    assert list(action.incidents.all()) == [kept]
    assert m.Incident.objects.get(pk=dropped.pk).updated_at > before


def test_an_import_refreshes_the_search_names_of_existing_incidents_it_changes(db, tmp_path):
    """Every name an incident is found by can change in an import without the incident's
    own row: an involvement moving to another incident, an actor renamed, its other names
    replaced, a provision's instrument retitled, a state renamed. The search names left
    behind are what a full refresh writes."""
    f.StateFactory(code="UA", name="Ukraine")
    putin = f.ActorFactory(external_id="actor:putin", name="Vladimir Putin", published=True)
    belova = f.ActorFactory(external_id="actor:belova", name="Maria Lvova-Belova", published=True)
    m.ActorName.objects.create(actor=belova, name="Львова-Бєлова")
    rome = f.InstrumentFactory(slug="rome", short_title="Rome Statute", published=True)
    article = f.ProvisionFactory(instrument=rome, label="art. 8")
    first = f.IncidentFactory(external_id="ngo:1", published=True)
    second = f.IncidentFactory(external_id="ngo:2", country_id="UA", published=True)
    f.InvolvementFactory(external_id="inv:1", incident=first, actor=putin)
    f.InvolvementFactory(external_id="inv:2", incident=second, actor=belova)
    f.LegalQualificationFactory(external_id="lq:1", incident=second, provision=article)
    services.refresh_search_names(incidents=m.Incident.objects.all())
    before = m.Incident.objects.get(pk=first.pk).updated_at
    path = tmp_path / "changes.zip"
    write_zip(
        path,
        {
            "states.csv": [["id", "name"], ["UA", "Україна"]],
            "instruments.csv": [["id", "short_title"], ["rome", "ICC Statute"]],
            "actors.csv": [["id", "name"], ["actor:belova", "Maria Lvova-Bielova"]],
            "actor_names.csv": [["actor", "name"], ["actor:belova", "Мария Львова-Белова"]],
            "involvements.csv": [["id", "incident"], ["inv:1", "ngo:2"]],
        },
    )

    report = import_path(path)

    assert report.ok, report.problems
    written = dict(m.Incident.objects.values_list("external_id", "search_names"))
    services.refresh_search_names(incidents=m.Incident.objects.all())
    assert dict(m.Incident.objects.values_list("external_id", "search_names")) == written
    assert "Vladimir Putin" not in written["ngo:1"]  # its involvement moved to ngo:2
    assert m.Incident.objects.get(pk=first.pk).updated_at > before  # mirrors see the change
    for name in ("Vladimir Putin", "Maria Lvova-Bielova", "Мария Львова-Белова", "Україна"):
        assert name in written["ngo:2"]
    assert "ICC Statute art. 8" in written["ngo:2"]
    assert "Львова-Бєлова" not in written["ngo:2"]  # the actor's names were replaced
    assert search_incidents(m.Incident.objects.public(), "Україна").filter(pk=second.pk).exists()


def test_re_importing_an_unchanged_name_refreshes_no_incident(db, tmp_path):
    """A states or actors file lists every record; refreshing every incident they name
    when nothing changed could take hours on a large database."""
    f.StateFactory(code="UA", name="Ukraine")
    f.ActorFactory(external_id="actor:putin", name="Vladimir Putin", published=True)
    incident = f.IncidentFactory(external_id="ngo:1", country_id="UA", published=True)
    f.InvolvementFactory(incident=incident, actor=m.Actor.objects.get())
    m.Incident.objects.filter(pk=incident.pk).update(search_names="not refreshed")
    unchanged, renamed = tmp_path / "unchanged.zip", tmp_path / "renamed.zip"
    write_zip(
        unchanged,
        {
            "states.csv": [["id", "name"], ["UA", "Ukraine"]],
            "actors.csv": [["id", "name"], ["actor:putin", "Vladimir Putin"]],
        },
    )
    write_zip(renamed, {"states.csv": [["id", "name"], ["UA", "Україна"]]})

    assert import_path(unchanged).ok
    assert m.Incident.objects.get(pk=incident.pk).search_names == "not refreshed"
    assert import_path(renamed).ok
    assert "Україна" in m.Incident.objects.get(pk=incident.pk).search_names


def test_treaty_acts_are_checked_against_each_other_once_the_file_is_in(db, tmp_path):
    f.StateFactory(code="RU", name="Russian Federation")
    f.InstrumentFactory(
        slug="rome-statute",
        adopted_on=datetime.date(1998, 7, 17),
        entry_into_force_on=datetime.date(2002, 7, 1),
    )
    header = ["id", "state", "instrument", "kind", "deposited_on"]
    in_any_order = tmp_path / "acts.zip"
    write_zip(
        in_any_order,
        {
            "treaty_events.csv": [
                header,
                ["te:2", "RU", "rome-statute", "signature_withdrawal", "2016-11-30"],
                ["te:1", "RU", "rome-statute", "signature", "2000-09-13"],
            ]
        },
    )
    assert import_path(in_any_order).ok  # the signature withdrawn is further down the file
    assert m.TreatyEvent.objects.count() == 2

    impossible = tmp_path / "impossible.zip"
    write_zip(
        impossible,
        {
            "treaty_events.csv": [
                header,
                ["te:3", "RU", "rome-statute", "denunciation", "2020-01-01"],
                ["te:4", "RU", "rome-statute", "ratification", "1990-01-01"],
            ]
        },
    )
    before = snapshot()

    report = import_path(impossible)

    problems = {(p.file, p.row, p.column, p.value): p.problem for p in report.problems}
    # The ratification predates the Statute, so the denunciation has no consent to end.
    assert set(problems) == {
        ("treaty_events.csv", 2, "kind", "denunciation"),
        ("treaty_events.csv", 3, "deposited_on", "1990-01-01"),
    }
    assert problems["treaty_events.csv", 2, "kind", "denunciation"].startswith(
        "A denunciation needs an earlier ratification"
    )
    assert snapshot() == before
