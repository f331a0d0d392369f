"""Bulk export: the public dataset, or a filtered part of it, as NDJSON and CSV."""

import csv
import io
import json

import pytest

from cases.api import views
from tests import factories as f

from .builders import public_incident
from .conftest import body

pytestmark = pytest.mark.django_db


def test_ndjson_export_streams_every_public_incident_in_list_shape(api, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 2)  # several chunks, prefetch per chunk
    incidents = [public_incident(title=f"Exported {n}") for n in range(5)]
    f.IncidentFactory(title="Draft, not exported")

    response = api.get("/api/v1/incidents/export/ndjson/")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson"
    rows = [json.loads(line) for line in body(response).decode().splitlines()]
    assert [r["id"] for r in rows] == [i.pk for i in incidents]
    assert all(len(r["categories"]) == 1 for r in rows)
    listed = api.get("/api/v1/incidents/", {"page_size": 10}).json()["results"]
    assert rows == listed


def test_csv_export_has_a_header_and_flattened_relations(api):
    incident = public_incident(title="Shelling, with a comma")

    response = api.get("/api/v1/incidents/export/csv/")

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="incident.csv"' in response["Content-Disposition"]
    [row] = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert row["title"] == "Shelling, with a comma"
    assert row["country"] == "UA"
    assert row["categories"] == incident.categories.get().slug
    assert row["id"] == str(incident.pk)


def test_export_applies_the_list_filters(api):
    wanted = public_incident(title="Deportation of children")
    public_incident(title="Shelling of a hospital")

    response = api.get("/api/v1/incidents/export/ndjson/", {"q": "children"})
    rows = [json.loads(line) for line in body(response).decode().splitlines()]
    assert [r["id"] for r in rows] == [wanted.pk]

    bad = api.get("/api/v1/incidents/export/csv/", {"date_from": "someday"})
    assert bad.status_code == 400
    assert "date_from" in bad.json()["error"]["fields"]


def test_every_resource_can_be_exported(api):
    public_incident()
    for resource in ["actions", "actors", "sources", "instruments", "provisions", "categories"]:
        response = api.get(f"/api/v1/{resource}/export/ndjson/")
        assert response.status_code == 200, resource
        assert body(response).strip(), resource
