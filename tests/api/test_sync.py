"""Incremental sync: a partner's mirror, kept current with updated_since and tombstones."""

import datetime

import pytest

from cases import models as m
from tests import factories as f
from tests.api.conftest import TIMEOUT_QUERIES

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

    def tombstones(self) -> tuple[list[dict], str]:
        """Every page of the feed, and the first page's `until` (the next `since`)."""
        url = "/api/v1/tombstones/"
        params = {"since": self.since or "1970-01-01T00:00Z", "page_size": 2}
        found, until = [], None
        while url:
            page = self.api.get(url, params)
            assert page.status_code == 200
            page = page.json()
            until = until or page["until"]
            found += page["results"]
            url, params = page["next"], {}
        return found, until

    def sync(self) -> None:
        # Ask the feed first: its `until` is the next `since`, so nothing falls in between.
        tombstones, until = self.tombstones()
        for resource in RESOURCES:
            params = {"updated_since": self.since} if self.since else {}
            for row in self.rows(resource, params):
                self.records[resource][key_of(resource, row)] = self.detail(resource, row)
        for tombstone in tombstones:
            self.records.get(tombstone["resource"], {}).pop(tombstone["id"], None)
        self.since = until

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


def feed_pages(api, params: dict, url: str = "/api/v1/tombstones/") -> list[dict]:
    pages = []
    while url:
        response = api.get(url, params)
        assert response.status_code == 200
        pages.append(response.json())
        url, params = pages[-1]["next"], {}
    return pages


def test_following_the_feed_page_by_page_gives_every_tombstone_once(api, django_assert_num_queries):
    # Many records removed at the same instant, in every source: the cursor must still
    # place each one exactly, across sources and within one.
    same_time = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    incidents = [f.IncidentFactory(published=True) for _ in range(4)]
    actors = [f.ActorFactory(published=True) for _ in range(3)]
    m.Incident.objects.filter(pk__in=[i.pk for i in incidents]).update(publication_status="draft")
    m.Actor.objects.filter(pk__in=[a.pk for a in actors]).update(publication_status="withdrawn")
    m.Tombstone.objects.update(removed_at=same_time)
    for n in range(3):
        m.Tombstone.objects.create(resource="sources", object_id=str(900 + n), removed_at=same_time)
    f.SourceFactory(published=True).delete()  # later, at its own time
    since = {"since": "2026-01-01T00:00Z"}
    everything = api.get("/api/v1/tombstones/", {**since, "page_size": 1000}).json()
    assert everything["next"] is None
    assert len(everything["results"]) >= 11

    with django_assert_num_queries(1 + TIMEOUT_QUERIES):  # one, whatever the page size
        api.get("/api/v1/tombstones/", {**since, "page_size": 3})
    pages = feed_pages(api, {**since, "page_size": 3})

    assert all(len(page["results"]) == 3 for page in pages[:-1])
    followed = [t for page in pages for t in page["results"]]
    assert followed == everything["results"]  # every one once, in the same order
    keys = [(t["resource"], t["id"]) for t in followed]
    assert len(set(keys)) == len(keys)
    assert {("incidents", str(i.pk)) for i in incidents} <= set(keys)
    assert {("sources", str(900 + n)) for n in range(3)} <= set(keys)
    assert [t["removed_at"] for t in followed] == sorted(t["removed_at"] for t in followed)

    # previous goes back exactly one page.
    back = api.get(pages[2]["previous"]).json()
    assert back["results"] == pages[1]["results"]
    assert api.get(back["previous"]).json()["results"] == pages[0]["results"]
    assert api.get(back["next"]).json()["results"] == pages[2]["results"]
    assert pages[0]["previous"] is None


def test_a_record_removed_while_a_mirror_reads_the_feed_is_on_a_later_page(api):
    m.Incident.objects.filter(
        pk__in=[f.IncidentFactory(published=True).pk for _ in range(3)]
    ).update(publication_status="withdrawn")
    since = {"since": "2000-01-01T00:00Z", "resource": "incidents", "page_size": 2}
    first = api.get("/api/v1/tombstones/", since).json()
    late = f.IncidentFactory(published=True)
    late.publication_status = m.PublicationStatus.WITHDRAWN
    late.save()

    rest = feed_pages(api, {}, url=first["next"])

    followed = first["results"] + [t for page in rest for t in page["results"]]
    assert [t["id"] for t in followed].count(str(late.pk)) == 1


def test_tombstone_pages_have_a_documented_maximum_and_a_checked_cursor(api):
    since = "2000-01-01T00:00Z"
    for params, field in [
        ({"page_size": 1001}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
    ]:
        response = api.get("/api/v1/tombstones/", {"since": since, **params})
        assert response.status_code == 400, params
        assert field in response.json()["error"]["fields"]
    assert api.get("/api/v1/tombstones/", {"since": since, "page_size": 1000}).status_code == 200


def test_deleting_an_action_updates_its_incidents_in_a_mirror(api):
    incident = public_incident(title="Loses its action")
    other = public_incident(title="Keeps its action")
    action = incident.actions.get()
    mirror = Mirror(api)
    mirror.sync()
    assert len(mirror.records["incidents"][str(incident.pk)]["actions"]) == 1

    # As the admin's delete does: the action and its links to incidents go.
    m.AccountabilityAction.objects.filter(pk=action.pk).delete()
    mirror.sync()

    assert mirror.records["incidents"][str(incident.pk)]["actions"] == []
    assert len(mirror.records["incidents"][str(other.pk)]["actions"]) == 1
    assert str(action.pk) not in mirror.records["actions"]
    assert mirror.records == mirror.fresh_copy()


@pytest.mark.parametrize(
    "how", ["remove", "clear", "remove from the incident", "clear from the incident"]
)
def test_unlinking_an_incident_from_an_action_updates_it_in_a_mirror(api, how):
    incident = public_incident(title="Loses its action")
    action = incident.actions.get()
    mirror = Mirror(api)
    mirror.sync()
    assert len(mirror.records["incidents"][str(incident.pk)]["actions"]) == 1

    unlink = {
        "remove": lambda: action.incidents.remove(incident),
        "clear": action.incidents.clear,
        "remove from the incident": lambda: incident.actions.remove(action),
        "clear from the incident": incident.actions.clear,
    }
    unlink[how]()
    mirror.sync()

    assert mirror.records["incidents"][str(incident.pk)]["actions"] == []
    assert mirror.records == mirror.fresh_copy()


def test_only_records_that_were_public_have_tombstones(api):
    draft = f.IncidentFactory(title="Never shown")
    draft.title = "Never shown, edited"
    draft.save()
    deleted_draft = f.ActorFactory()
    deleted_draft.delete()
    shown = f.IncidentFactory(published=True)
    shown.publication_status = m.PublicationStatus.WITHDRAWN
    shown.save()

    feed = api.get("/api/v1/tombstones/", {"since": "1970-01-01T00:00Z"}).json()["results"]

    assert [(t["resource"], t["id"], t["reason"]) for t in feed] == [
        ("incidents", str(shown.pk), "withdrawn")
    ]


def test_a_record_public_again_loses_its_tombstone(api):
    incident = f.IncidentFactory(published=True)
    m.Incident.objects.filter(pk=incident.pk).update(confidentiality="restricted")
    assert m.Tombstone.objects.filter(object_id=str(incident.pk), reason="unpublished").exists()
    m.Incident.objects.filter(pk=incident.pk).update(confidentiality="public")
    assert not m.Tombstone.objects.exists()
