"""export_cases and import_cases on the demo dataset: it round-trips exactly, re-imports
match and update, the commands work. The dataset is loaded once for the module (a load
takes seconds); each test runs in its own transaction, rolled back, so it may empty or
change the database freely."""

import datetime
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import models as m
from cases.exchange.export import export
from cases.exchange.importer import import_path
from tests import factories as f
from tests.demo_data import clear_cases_tables
from tests.exchange.test_import_export import empty_database, read_csv, write_zip


@pytest.fixture(scope="module")
def dataset_loaded(django_db_setup, django_db_blocker):
    """The demo dataset plus the row types it lacks (victim counts, identifiers, captures)."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
        incident = m.Incident.objects.order_by("pk").first()
        m.VictimCount.objects.create(
            incident=incident, kind="deported", minimum=6000, group="children"
        )
        actor = m.Actor.objects.order_by("pk").first()
        m.ActorIdentifier.objects.create(actor=actor, scheme="wikidata", value="Q7747")
        source = m.Source.objects.order_by("pk").first()
        m.SourceCapture.objects.create(
            source=source,
            captured_at=datetime.datetime(2023, 3, 17, 12, 0, tzinfo=datetime.UTC),
            archive_url="https://web.archive.org/web/2023/https://www.icc-cpi.int/",
            sha256="a" * 64,
        )
        person = f.ProtectedPersonFactory(pseudonym="W-0042")
        person.incidents.add(incident)
        m.ProtectedIdentity.objects.create(person=person, full_name="Secret Witness Name")
        yield
        clear_cases_tables()


@pytest.fixture
def dataset(dataset_loaded, db):
    pass


@pytest.mark.parametrize("suffix", [".zip", ".ndjson"])
def test_export_import_into_empty_database_export_again_is_identical(dataset, tmp_path, suffix):
    first, second = tmp_path / f"first{suffix}", tmp_path / f"second{suffix}"
    export(first)
    empty_database()
    assert not m.Incident.objects.exists()

    report = import_path(first, create_vocabulary=True)

    assert report.ok, report.problems
    assert report.created["incidents"] == 3
    export(second)
    assert first.read_bytes() == second.read_bytes()
    assert m.VictimCount.objects.get().minimum == 6000


def test_export_covers_every_record_type_and_never_protected_persons(dataset, tmp_path):
    path = tmp_path / "all.zip"
    export(path)
    names = zipfile.ZipFile(path).namelist()
    assert "incidents.csv" in names
    assert "source_captures.csv" in names
    assert "referrals.csv" in names
    assert "action_events.csv" in names
    assert len(names) == 21
    everything = b"".join(zipfile.ZipFile(path).read(n) for n in names)
    assert b"W-0042" not in everything
    assert b"Secret Witness Name" not in everything
    ids = {row["id"] for row in read_csv(path, "incidents.csv")}
    assert ids == set(m.Incident.objects.values_list("external_id", flat=True))
    assert read_csv(path, "involvements.csv")[0]["incident"].startswith("incident:")


def test_reimport_matches_records_instead_of_duplicating(dataset, tmp_path):
    path = tmp_path / "all.zip"
    export(path)
    counted = (m.Incident, m.Actor, m.Citation, m.ActorName, m.VictimCount, m.SourceCapture)
    before = {model: model.objects.count() for model in counted}
    versions = m.Incident.history.count()
    stamps = list(m.Incident.objects.order_by("pk").values_list("updated_at", flat=True))

    report = import_path(path)

    assert report.ok, report.problems
    assert (report.created["incidents"], report.unchanged["incidents"]) == (0, 3)
    assert report.updated["incidents"] == 0
    assert {model: model.objects.count() for model in before} == before
    assert m.ViolationCategory.objects.filter(slug="transfer-of-children").count() == 1
    # Nothing changed: no new version, and a mirror does not fetch them again.
    assert m.Incident.history.count() == versions
    assert list(m.Incident.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_reimport_updates_only_the_records_the_file_changes(dataset, tmp_path):
    export(tmp_path / "all.zip")
    rows = read_csv(tmp_path / "all.zip", "incidents.csv")
    rows[0]["title"] = "A corrected title"
    rows[1]["categories"] = ""  # a change to its many-to-many links alone
    header = list(rows[0])
    write_zip(
        tmp_path / "changed.zip", {"incidents.csv": [header] + [list(r.values()) for r in rows]}
    )
    versions = m.Incident.history.count()

    report = import_path(tmp_path / "changed.zip")

    assert report.ok, report.problems
    assert (report.updated["incidents"], report.unchanged["incidents"]) == (2, 1)
    assert m.Incident.history.count() == versions + 2
    assert m.Incident.objects.get(external_id=rows[0]["id"]).title == "A corrected title"
    assert not m.Incident.objects.get(external_id=rows[1]["id"]).categories.exists()


def test_commands(dataset, tmp_path, capsys):
    path = tmp_path / "all.zip"
    call_command("export_cases", str(path))
    call_command("import_cases", str(path), "--dry-run", verbosity=0)
    assert "Dry run" in capsys.readouterr().out
    broken = tmp_path / "broken.zip"
    write_zip(broken, {"incidents.csv": [["id", "title"], ["ngo:1", ""]]})
    with pytest.raises(CommandError, match="Nothing was imported: 1 problems"):
        call_command("import_cases", str(broken), verbosity=0)
    assert "incidents.csv, row 2, column title" in capsys.readouterr().err


def test_an_import_records_every_version_with_its_links(dataset, tmp_path):
    path = tmp_path / "export.ndjson"
    export(path)
    empty_database()

    assert import_path(path, create_vocabulary=True).ok

    for model in (m.Incident, m.AccountabilityAction, m.Charge, m.Citation, m.Involvement):
        versions = model.history.filter(history_type="+")
        assert versions.count() == model.objects.count() > 0, model
    incident = m.Incident.objects.filter(categories__isnull=False).first()
    version = incident.history.get()
    assert {c.violationcategory_id for c in version.categories.all()} == set(
        incident.categories.values_list("pk", flat=True)
    )
