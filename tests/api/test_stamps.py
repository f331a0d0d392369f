"""changed_at: a change to any part of a record brings the record, and only it, into
updated_since; the API's statement timeout answers in the API's error body."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from cases import models as m
from cases.api import filters
from tests import factories as f

from .builders import backdate_stamps, public_incident

pytestmark = pytest.mark.django_db


def changed(api, resource: str, since) -> set[str]:
    response = api.get(
        f"/api/v1/{resource}/", {"updated_since": since.isoformat(), "page_size": 200}
    )
    assert response.status_code == 200
    key = {"states": "code", "categories": "slug", "instruments": "slug"}.get(resource, "id")
    return {str(row[key]) for row in response.json()["results"]}


@pytest.fixture
def world():
    incident = public_incident(title="Stamped")
    other = public_incident(title="Untouched")
    since = timezone.now() - datetime.timedelta(minutes=30)
    backdate_stamps(since - datetime.timedelta(minutes=30))
    return incident, other, since


PART_CHANGES = {
    "involvement": lambda i: i.involvements.update(confidence="high"),  # low by default
    "qualification": lambda i: i.legal_qualifications.update(asserted_on=datetime.date(2024, 1, 1)),
    "citation": lambda i: m.Citation.objects.filter(incident=i).update(pinpoint="p. 9"),
    "citation deleted": lambda i: m.Citation.objects.filter(incident=i).delete(),
    "victim count": lambda i: m.VictimCount.objects.create(incident=i, kind="killed", minimum=1),
    "category link": lambda i: i.categories.clear(),
    "involved actor renamed": lambda i: m.Actor.objects.filter(involvements__incident=i).update(
        name="Renamed"
    ),
    "cited source edited": lambda i: m.Source.objects.filter(citations__incident=i).update(
        title="Corrected"
    ),
    "action unlinked": lambda i: i.actions.clear(),
    "own row": lambda i: m.Incident.objects.filter(pk=i.pk).update(summary="Edited"),
}


@pytest.mark.parametrize("change", PART_CHANGES)
def test_a_change_to_a_part_brings_only_its_incident(api, world, change):
    incident, _, since = world
    assert changed(api, "incidents", since) == set()
    PART_CHANGES[change](incident)
    assert changed(api, "incidents", since) == {str(incident.pk)}


NO_CHANGES = {
    "part": lambda i: i.involvements.update(confidence="low"),  # what it already is
    "own row": lambda i: m.Incident.objects.filter(pk=i.pk).update(title="Stamped"),
    "save": lambda i: m.Incident.objects.get(pk=i.pk).save(),  # moves updated_at only
}


@pytest.mark.parametrize("change", NO_CHANGES)
def test_a_write_that_changes_nothing_brings_nothing(api, world, change):
    incident, _, since = world
    NO_CHANGES[change](incident)
    assert changed(api, "incidents", since) == set()


ACTION_CHANGES = {
    "subject": lambda a: m.ActionSubject.objects.create(
        action=a, actor=f.ActorFactory(published=True)
    ),
    "charge": lambda a: f.ChargeFactory(action=a),
    "event": lambda a: f.ActionEventFactory(action=a),
    "issuing body renamed": lambda a: m.Actor.objects.filter(pk=a.issuing_body_id).update(
        name="Renamed court"
    ),
}


@pytest.mark.parametrize("change", ACTION_CHANGES)
def test_a_change_to_an_action_s_part_brings_the_action(api, world, change):
    incident, _, since = world
    action = incident.actions.get()
    ACTION_CHANGES[change](action)
    assert str(action.pk) in changed(api, "actions", since)


def test_owners_of_other_resources_follow_their_parts(api, world):
    incident, _, since = world
    actor = incident.involvements.first().actor
    source = m.Source.objects.filter(citations__incident=incident).first()
    m.ActorName.objects.create(actor=actor, name="Alias")
    m.SourceCapture.objects.create(
        source=source, archive_url="https://archive.example/1", captured_at=timezone.now()
    )
    assert str(actor.pk) in changed(api, "actors", since)
    assert changed(api, "sources", since) == {str(source.pk)}


def test_a_filter_on_the_stamp_reads_only_its_index():
    sql = str(m.Incident.objects.filter(changed_at__gte=timezone.now()).query)
    assert "EXISTS" not in sql
    assert not hasattr(filters, "incidents_changed_since")


def test_a_query_over_the_statement_timeout_is_a_503_in_the_api_s_error(api, settings, monkeypatch):
    settings.API_STATEMENT_TIMEOUT_MS = 50
    public_incident()

    def slow(self, queryset, name, value):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")
        return queryset

    monkeypatch.setattr(filters.ApiFilterSet, "filter_updated_since", slow)
    response = api.get("/api/v1/incidents/", {"updated_since": "2020-01-01T00:00Z"})

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "timeout"
    # The connection is usable afterwards, and the timeout did not outlive the request.
    settings.API_STATEMENT_TIMEOUT_MS = 0
    assert api.get("/api/v1/incidents/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


# Deferred stamps (migration 0017): a bulk writer stamps each record once, at the end.


def defer_stamps() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ihl_sync_defer()")


def flush_stamps() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ihl_sync_flush()")


@pytest.mark.parametrize("change", PART_CHANGES)
def test_deferred_stamps_bring_the_same_incident_at_the_flush(api, world, change):
    incident, _, since = world
    defer_stamps()
    PART_CHANGES[change](incident)
    assert changed(api, "incidents", since) == set()  # not yet
    flush_stamps()
    assert changed(api, "incidents", since) == {str(incident.pk)}


@pytest.mark.parametrize("change", NO_CHANGES)
def test_deferred_writes_that_change_nothing_bring_nothing(api, world, change):
    incident, _, since = world
    defer_stamps()
    NO_CHANGES[change](incident)
    flush_stamps()
    assert changed(api, "incidents", since) == set()


@pytest.mark.parametrize("change", ACTION_CHANGES)
def test_deferred_stamps_bring_the_same_action_at_the_flush(api, world, change):
    incident, _, since = world
    action = incident.actions.get()
    defer_stamps()
    ACTION_CHANGES[change](action)
    flush_stamps()
    assert str(action.pk) in changed(api, "actions", since)


def test_deferred_stamps_are_one_instant_for_every_record_after_the_last_write(world):
    incident, other, _ = world
    defer_stamps()
    incident.involvements.update(confidence="high")
    m.Incident.objects.filter(pk=other.pk).update(summary="Edited")
    new = f.IncidentFactory(published=True)
    m.VictimCount.objects.create(incident=new, kind="killed", minimum=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        last_write_done = cursor.fetchone()[0]
    flush_stamps()
    stamps = set(
        m.Incident.objects.filter(pk__in=[incident.pk, other.pk, new.pk]).values_list(
            "changed_at", flat=True
        )
    )
    assert len(stamps) == 1
    assert stamps.pop() > last_write_done


def test_deferred_stamps_are_written_at_commit_when_nobody_flushes(api, world):
    """A deferred constraint trigger flushes at commit; SET CONSTRAINTS ALL IMMEDIATE
    fires it in this test's transaction, as a commit would."""
    incident, _, since = world
    defer_stamps()
    incident.involvements.update(confidence="high")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert changed(api, "incidents", since) == {str(incident.pk)}
    # Stamping is immediate again.
    m.Incident.objects.filter(pk=world[1].pk).update(summary="Edited")
    assert changed(api, "incidents", since) == {str(incident.pk), str(world[1].pk)}


def test_stamps_turned_off_stay_off_when_a_writer_defers(api, world):
    incident, _, since = world
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ihl.sync_stamps = 'off'")
        defer_stamps()
        incident.involvements.update(confidence="high")
        flush_stamps()
        cursor.execute("SET LOCAL ihl.sync_stamps = 'on'")
    assert changed(api, "incidents", since) == set()


def test_a_deferred_proposed_provision_stamps_nothing(api, world):
    """As immediate stamping (migration 0013): a provision proposed in a change set is
    not shown, so its insert brings no instrument into the feed."""
    incident, _, since = world
    instrument = incident.legal_qualifications.get().provision.instrument
    change_set = m.ChangeSet.objects.create(title="New article", created_by=f.UserFactory())
    defer_stamps()
    f.ProvisionFactory(instrument=instrument, proposed_in=change_set)
    flush_stamps()
    assert changed(api, "instruments", since) == set()
    f.ProvisionFactory(instrument=instrument)
    assert changed(api, "instruments", since) == {instrument.slug}
