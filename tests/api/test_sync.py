"""Incremental sync: a partner's mirror, kept current with updated_since and tombstones."""

import pytest

from cases import models as m
from tests import factories as f

from .builders import public_incident

pytestmark = pytest.mark.django_db

RESOURCES = [
    "incidents",
    "actions",
    "actors",
    "sources",
    "instruments",
    "provisions",
    "categories",
    "states",
]
KEYS = {"categories": "slug", "states": "code"}


def key_of(resource: str, row: dict) -> str:
    """The key tombstones use: the id, or a category's slug, a state's code."""
    return str(row[KEYS.get(resource, "id")])


class Mirror:
    """What a partner does: a full copy first, then only the changes."""

    def __init__(self, api):
        self.api = api
        self.records: dict[str, dict[str, dict]] = {r: {} for r in RESOURCES}
        self.since: str | None = None

    def rows(self, resource: str, params: dict):
        url = f"/api/v1/{resource}/"
        params = {**params, "page_size": 200}
        while url:
            page = self.api.get(url, params).json()
            yield from page["results"]
            url, params = page["next"], {}

    def detail(self, resource: str, row: dict) -> dict:
        key = row["slug"] if resource == "instruments" else key_of(resource, row)
        return self.api.get(f"/api/v1/{resource}/{key}/").json()

    def sync(self) -> None:
        # Ask the feed first: its `until` is the next `since`, so nothing falls in between.
        feed = self.api.get("/api/v1/tombstones/", {"since": self.since or "1970-01-01T00:00Z"})
        assert feed.status_code == 200
        feed = feed.json()
        for resource in RESOURCES:
            params = {"updated_since": self.since} if self.since else {}
            for row in self.rows(resource, params):
                self.records[resource][key_of(resource, row)] = self.detail(resource, row)
        for tombstone in feed["results"]:
            self.records.get(tombstone["resource"], {}).pop(tombstone["id"], None)
        self.since = feed["until"]

    def fresh_copy(self) -> dict:
        return {
            resource: {
                key_of(resource, row): self.detail(resource, row) for row in self.rows(resource, {})
            }
            for resource in RESOURCES
        }


def test_a_mirror_stays_exactly_right(api):
    changed = public_incident(title="Will change")
    withdrawn = public_incident(title="Will be withdrawn")
    deleted = f.IncidentFactory(published=True, title="Will be deleted")
    draft = f.IncidentFactory(title="Will be published")
    loses_actor = public_incident(title="Its actor will be unpublished")
    dropped_source = f.SourceFactory(published=True, title="Will become confidential")
    unused_category = f.ViolationCategoryFactory(slug="will-be-deleted")
    treaty = f.TreatyEventFactory(
        state=f.StateFactory(code="UA"), instrument=f.InstrumentFactory(published=True)
    )
    mirror = Mirror(api)
    mirror.sync()
    assert set(mirror.records["incidents"]) == {
        str(i.pk) for i in [changed, withdrawn, deleted, loses_actor]
    }
    assert len(mirror.records["states"]["UA"]["treaty_events"]) == 1

    changed.title = "Changed"
    changed.save()
    withdrawn.publication_status = m.PublicationStatus.WITHDRAWN
    withdrawn.save()
    deleted.delete()
    draft.publication_status = m.PublicationStatus.PUBLISHED
    draft.save()
    actor = loses_actor.involvements.get().actor
    actor.publication_status = m.PublicationStatus.DRAFT
    actor.save()
    dropped_source.confidentiality = m.Confidentiality.CONFIDENTIAL
    dropped_source.save()
    unused_category.delete()
    treaty.instrument.publication_status = m.PublicationStatus.WITHDRAWN
    treaty.instrument.save()
    mirror.sync()

    assert mirror.records == mirror.fresh_copy()
    incidents = mirror.records["incidents"]
    assert incidents[str(changed.pk)]["title"] == "Changed"
    assert str(withdrawn.pk) not in incidents
    assert str(deleted.pk) not in incidents
    assert str(draft.pk) in incidents
    assert incidents[str(loses_actor.pk)]["involvements"] == []
    assert str(actor.pk) not in mirror.records["actors"]
    assert str(dropped_source.pk) not in mirror.records["sources"]
    assert "will-be-deleted" not in mirror.records["categories"]
    assert mirror.records["states"]["UA"]["treaty_events"] == []


def test_tombstones_say_why_a_record_left(api):
    withdrawn = f.IncidentFactory(published=True)
    deleted = f.IncidentFactory(published=True)
    since = api.get("/api/v1/tombstones/", {"since": "2000-01-01T00:00Z"}).json()["until"]
    withdrawn.publication_status = m.PublicationStatus.WITHDRAWN
    withdrawn.save()
    deleted_pk = deleted.pk
    deleted.delete()

    feed = api.get("/api/v1/tombstones/", {"since": since, "resource": "incidents"}).json()

    reasons = {t["id"]: t["reason"] for t in feed["results"]}
    assert reasons == {str(withdrawn.pk): "withdrawn", str(deleted_pk): "deleted"}


def test_the_tombstone_feed_needs_a_valid_since(api):
    for params in [{}, {"since": "last week"}, {"since": "2026-01-01T00:00Z", "resource": "x"}]:
        response = api.get("/api/v1/tombstones/", params)
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) & {"since", "resource"}
