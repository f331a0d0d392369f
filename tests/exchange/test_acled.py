"""ACLED-style CSV: events become draft incidents with place, actors, sources and deaths."""

import csv
import datetime

import pytest
from django.core.management import call_command

from cases import models as m
from cases.exchange.acled import edtf_date, import_acled
from tests import factories as f
from tests.exchange.test_import_export import snapshot

pytestmark = pytest.mark.django_db

COLUMNS = [
    "event_id_cnty", "event_date", "time_precision", "iso", "country", "admin1", "admin2",
    "location", "latitude", "longitude", "geo_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "notes", "source", "fatalities",
]  # fmt: skip


def acled_file(tmp_path, rows: list[dict]):
    path = tmp_path / "acled.csv"
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


EVENT = {
    "event_id_cnty": "UKR12345",
    "event_date": "24 February 2022",
    "time_precision": "1",
    "iso": "804",
    "country": "Ukraine",
    "admin1": "Kharkivska",
    "admin2": "Kharkivskyi",
    "location": "Kharkiv",
    "latitude": "49.9935",
    "longitude": "36.2304",
    "geo_precision": "1",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "actor1": "Military Forces of Russia (2000-)",
    "actor2": "Civilians (Ukraine)",
    "notes": "Shelling of a residential area; 2 civilians killed.",
    "source": "Ukrainska Pravda",
    "fatalities": "2",
}


def test_events_become_draft_incidents_and_reimport_updates(tmp_path):
    f.StateFactory(code="UA", name="Ukraine")
    russia_forces = f.ActorFactory(name="Military forces of Russia (2000-)")  # case differs
    second = {**EVENT, "event_id_cnty": "UKR12346", "iso": "", "time_precision": "3"}
    path = acled_file(tmp_path, [EVENT, second])

    report = import_acled(path)

    assert report.ok, report.problems
    incident = m.Incident.objects.get(external_id="acled:UKR12345")
    assert incident.publication_status == m.PublicationStatus.DRAFT
    assert incident.country_id == "UA"
    assert incident.place_name == "Kharkiv, Kharkivskyi, Kharkivska"
    assert incident.coordinate_precision == m.CoordinatePrecision.SETTLEMENT
    assert incident.date == "2022-02-24"
    assert m.Incident.objects.get(external_id="acled:UKR12346").date == "2022-02"
    assert incident.victim_counts.get().minimum == 2
    roles = dict(incident.involvements.values_list("actor__name", "role"))
    assert roles == {
        "Military forces of Russia (2000-)": "direct_perpetrator",
        "Civilians (Ukraine)": "victim_group",
    }
    assert m.Actor.objects.filter(name__iexact="Military Forces of Russia (2000-)").get() == (
        russia_forces
    )
    assert incident.citations.get().source.title == "Ukrainska Pravda"
    assert "Kharkiv" in incident.search_names

    again = import_acled(path)
    assert again.ok, again.problems
    assert m.Incident.objects.count() == 2
    assert m.Actor.objects.count() == 2
    assert m.Source.objects.count() == 1


def test_bad_rows_are_reported_against_the_acled_file(tmp_path):
    f.StateFactory(code="UA", name="Ukraine")
    bad = {**EVENT, "event_id_cnty": "UKR2", "event_date": "sometime", "iso": "999"}
    path = acled_file(tmp_path, [EVENT, bad, {**EVENT, "event_id_cnty": ""}])
    before = snapshot()

    report = import_acled(path)

    found = {(p.file, p.row, p.column, p.value) for p in report.problems}
    assert ("acled.csv", 3, "event_date", "sometime") in found
    assert ("acled.csv", 3, "iso", "999") in found
    assert ("acled.csv", 4, "event_id_cnty", "") in found
    assert snapshot() == before


def test_precision_forms():
    assert edtf_date("2022-02-24", "2") == "2022-02-24~"
    assert edtf_date("2022-02-24", "") == "2022-02-24"


def test_command(tmp_path, capsys):
    f.StateFactory(code="UA", name="Ukraine")
    call_command("import_acled", str(acled_file(tmp_path, [EVENT])), verbosity=0)
    assert "Imported." in capsys.readouterr().out
    assert m.Incident.objects.get().date_earliest == datetime.date(2022, 2, 24)
