"""An import stamps the records it touched for the sync feed once each, at its end
(migration 0017), and a partner syncing with updated_since finds every one of them."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from cases import models as m
from cases.exchange.importer import import_path
from tests import factories as f
from tests.api.builders import backdate_stamps

from .test_import_export import write_zip

pytestmark = pytest.mark.django_db


def test_an_import_stamps_what_it_touched_at_one_instant_after_its_last_row(tmp_path):
    f.StateFactory(code="UA", name="Ukraine")
    putin = f.ActorFactory(external_id="actor:putin", name="Vladimir Putin", published=True)
    existing = f.IncidentFactory(external_id="ngo:1", published=True)
    untouched = f.IncidentFactory(external_id="ngo:9", published=True)
    since = timezone.now() - datetime.timedelta(minutes=30)
    backdate_stamps(since - datetime.timedelta(minutes=30))
    path = tmp_path / "package.zip"
    write_zip(
        path,
        {
            "incidents.csv": [
                ["id", "title", "date", "country", "publication_status"],
                ["ngo:2", "Shelling of a school", "2022-03-01", "UA", "published"],
            ],
            "victim_counts.csv": [["incident", "kind", "minimum"], ["ngo:2", "killed", "3"]],
            "involvements.csv": [
                ["id", "incident", "actor", "role"],
                ["inv:1", "ngo:1", "actor:putin", "ordering"],
                ["inv:2", "ngo:2", "actor:putin", "ordering"],
            ],
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        started = cursor.fetchone()[0]

    report = import_path(path)

    assert report.ok, report.problems
    stamps = dict(m.Incident.objects.values_list("external_id", "changed_at"))
    # Each statement of the import used to stamp at its own time (the involvements' COPY
    # after the incidents'): now one instant, written after the last row.
    assert stamps["ngo:1"] == stamps["ngo:2"] > started
    assert stamps["ngo:9"] < since
    assert set(m.Incident.objects.filter(changed_at__gte=since)) == {
        existing,
        m.Incident.objects.get(external_id="ngo:2"),
    }
    assert m.Actor.objects.get(pk=putin.pk).changed_at < since  # an involvement is the incident's
    # Stamping is immediate again for whatever the transaction writes next.
    m.Incident.objects.filter(pk=untouched.pk).update(summary="Edited")
    assert m.Incident.objects.get(pk=untouched.pk).changed_at > stamps["ngo:1"]
