"""The action detail's `events`: the warrant's dated, cited life; only what is public; a
fixed number of queries; and incremental sync sees every change to them."""

import datetime

import pytest
from django.utils import timezone

from cases import models as m
from tests import factories as f
from tests.api.builders import backdate_stamps
from tests.api.conftest import TIMEOUT_QUERIES

from .conftest import body
from .test_sync import Mirror

pytestmark = pytest.mark.django_db

Kind = m.ActionEventKind
MARKER = "ZQXLEAK"
ISSUED_ON = datetime.date(2023, 3, 17)


@pytest.fixture
def warrant():
    """The warrant for Lvova-Belova of 17 March 2023, applied for, issued under seal and made
    public the same day (reference facts), the last two cited to the ICC's press release."""
    action = f.AccountabilityActionFactory(
        published=True, title="Arrest warrant for Maria Lvova-Belova", reference="ICC-01/22"
    )
    lvova = f.ActorFactory(published=True, name="Maria Lvova-Belova")
    action.subject_links.create(actor=lvova)
    press = f.SourceFactory(
        published=True,
        title="Situation in Ukraine: ICC judges issue arrest warrants",
        publisher="International Criminal Court",
        url="https://www.icc-cpi.int/news/situation-ukraine-icc-judges-issue-arrest-warrants",
    )
    made_public = f.ActionEventFactory(action=action, kind=Kind.MADE_PUBLIC, occurred_on=ISSUED_ON)
    sealed = f.ActionEventFactory(
        action=action,
        kind=Kind.ISSUED_UNDER_SEAL,
        occurred_on=ISSUED_ON,
        description="Issued by Pre-Trial Chamber II, under seal.",
    )
    f.ActionEventFactory(action=action, kind=Kind.APPLIED, occurred_on=datetime.date(2023, 2, 22))
    for event, pinpoint in ((sealed, "para. 1"), (made_public, "")):
        f.CitationFactory(incident=None, action_event=event, source=press, pinpoint=pinpoint)
    return {"action": action, "lvova": lvova, "press": press, "sealed": sealed}


def detail(api, action) -> dict:
    response = api.get(f"/api/v1/actions/{action.pk}/")
    assert response.status_code == 200
    return response.json()


def test_the_detail_gives_the_events_in_the_order_of_the_action_s_life(api, warrant):
    events = detail(api, warrant["action"])["events"]
    assert [(e["kind"], e["occurred_on"]) for e in events] == [
        ("applied", "2023-02-22"),
        ("issued_under_seal", "2023-03-17"),
        ("made_public", "2023-03-17"),
    ]
    sealed = events[1]
    assert sealed == {
        "kind": "issued_under_seal",
        "kind_label": "Issued under seal",
        "occurred_on": "2023-03-17",
        "subject": None,
        "states": [],
        "description": "Issued by Pre-Trial Chamber II, under seal.",
        "citations": [
            {
                "source": {
                    "id": warrant["press"].pk,
                    "api_url": f"http://testserver/api/v1/sources/{warrant['press'].pk}/",
                    "html_url": f"http://testserver/sources/{warrant['press'].pk}/",
                    "title": "Situation in Ukraine: ICC judges issue arrest warrants",
                    "url": warrant["press"].url,
                    "publisher": "International Criminal Court",
                    "published_on": None,
                    "kind": "press_release",
                    "kind_label": "Press release",
                },
                "pinpoint": "para. 1",
                "quote": "",
            }
        ],
    }
    # The same shape as the action's own citations.
    f.CitationFactory(incident=None, action=warrant["action"], source=warrant["press"])
    action_citation = detail(api, warrant["action"])["citations"][0]
    assert action_citation.keys() == sealed["citations"][0].keys()


def test_an_event_s_subject_is_its_id_and_url_and_its_states_their_codes(api, warrant):
    arrest = f.ActionEventFactory(
        action=warrant["action"],
        kind=Kind.ARREST,
        occurred_on=datetime.date(2024, 9, 2),
        subject=warrant["lvova"],
    )
    arrest.states.add(
        f.StateFactory(code="UA", name="Ukraine"), f.StateFactory(code="MN", name="Mongolia")
    )
    event = detail(api, warrant["action"])["events"][-1]
    lvova = warrant["lvova"]
    assert event["subject"] == {
        "id": lvova.pk,
        "url": f"http://testserver/api/v1/actors/{lvova.pk}/",
        "html_url": f"http://testserver/actors/{lvova.pk}/",
        "name": "Maria Lvova-Belova",
        "kind": "person",
        "kind_label": "Person",
    }
    assert api.get(event["subject"]["url"]).json()["name"] == "Maria Lvova-Belova"
    assert event["states"] == ["MN", "UA"]  # by the states' names


def test_no_hidden_event_subject_or_source_reaches_the_api(api, warrant):
    action = warrant["action"]
    hidden_action = f.AccountabilityActionFactory(title="Hidden", issuing_body=action.issuing_body)
    f.ActionEventFactory(action=hidden_action, description=f"{MARKER} hidden action's event")
    for traits in ({}, {"confidential": True, "published": True}, {"withdrawn": True}):
        actor = f.ActorFactory(name=f"{MARKER} actor", **traits)
        action.subject_links.create(actor=actor)
        f.ActionEventFactory(
            action=action, kind=Kind.ARREST, subject=actor, description=f"{MARKER} arrest"
        )
        source = f.SourceFactory(title=f"{MARKER} source", url=f"https://example.org/{MARKER}")
        source.publication_status = m.PublicationStatus.DRAFT
        source.save()
        f.CitationFactory(
            incident=None, action_event=warrant["sealed"], source=source, pinpoint=MARKER
        )

    assert len(detail(api, action)["events"]) == 3
    assert detail(api, action)["events"][1]["citations"][0]["pinpoint"] == "para. 1"
    urls = [
        f"/api/v1/actions/{action.pk}/",
        "/api/v1/actions/?page_size=200",
        "/api/v1/actions/?updated_since=2000-01-01T00:00:00Z&page_size=200",
        "/api/v1/actions/export/ndjson/",
        "/api/v1/actions/export/csv/",
        f"/api/v1/sources/{warrant['press'].pk}/",
        "/api/v1/tombstones/?since=2000-01-01T00:00:00Z",
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        assert MARKER.encode() not in body(response), url
    assert api.get(f"/api/v1/actions/{hidden_action.pk}/").status_code == 404


def test_the_detail_s_queries_do_not_grow_with_events(api, warrant, django_assert_num_queries):
    action = warrant["action"]
    url = f"/api/v1/actions/{action.pk}/"
    # The action and its issuing body, subjects, charges, incidents, citations, and the
    # events with their states and citations.
    with django_assert_num_queries(9 + TIMEOUT_QUERIES):
        api.get(url)
    for i in range(6):
        event = f.ActionEventFactory(
            action=action,
            kind=Kind.NON_COMPLIANCE,
            occurred_on=datetime.date(2024, 10, 1 + i),
            subject=warrant["lvova"],
        )
        event.states.add(f.StateFactory(code=["MN", "TJ", "HU", "ZA", "BR", "IN"][i]))
        f.CitationFactory(incident=None, action_event=event, source=f.SourceFactory(published=True))
    with django_assert_num_queries(9 + TIMEOUT_QUERIES):
        events = api.get(url).json()["events"]
    assert len(events) == 9
    assert all(len(e["citations"]) == 1 for e in events[3:])


# --- incremental sync ------------------------------------------------------------------------


def changed_since(api, since) -> set[int]:
    response = api.get("/api/v1/actions/", {"updated_since": since.isoformat(), "page_size": 200})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def past(action, *rows) -> datetime.datetime:
    """Make the action and the rows look last changed an hour ago; return a time since."""
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    backdate_stamps(hour_ago)
    return hour_ago + datetime.timedelta(minutes=30)


@pytest.fixture
def synced(api, warrant):
    other = f.AccountabilityActionFactory(published=True, title="Unrelated")
    past(other)
    event = warrant["sealed"]
    since = past(
        warrant["action"],
        *warrant["action"].events.all(),
        *m.Citation.objects.all(),
        warrant["lvova"],
        warrant["press"],
    )
    assert changed_since(api, since) == set()
    return {**warrant, "since": since, "event": event, "other": other}


@pytest.mark.parametrize(
    "change",
    [
        "a new event",
        "an edited event",
        "a deleted event",
        "a renamed event subject",
        "a new citation of an event",
        "an edited source of an event",
    ],
)
def test_a_change_to_an_action_s_events_brings_it_into_updated_since(api, synced, change):
    action, event = synced["action"], synced["event"]
    if change == "a new event":
        f.ActionEventFactory(action=action, kind=Kind.ARREST, occurred_on=datetime.date(2024, 9, 2))
    elif change == "an edited event":
        event.description = "Corrected."
        event.save()
    elif change == "a deleted event":
        event.delete()
    elif change == "a renamed event subject":  # (also a subject of the action)
        m.ActionEvent.objects.filter(pk=event.pk).update(subject=synced["lvova"])
        synced["lvova"].name = "Maria Alekseyevna Lvova-Belova"
        synced["lvova"].save()
    elif change == "a new citation of an event":
        f.CitationFactory(incident=None, action_event=event, source=f.SourceFactory(published=True))
    elif change == "an edited source of an event":
        synced["press"].title = "ICC press release, corrected"
        synced["press"].save()
    assert changed_since(api, synced["since"]) == {action.pk}


def test_a_mirror_of_actions_follows_their_events(api, warrant):
    mirror = Mirror(api)
    mirror.sync()
    action = warrant["action"]
    assert len(mirror.records["actions"][str(action.pk)]["events"]) == 3

    f.ActionEventFactory(
        action=action, kind=Kind.ARREST, occurred_on=datetime.date(2024, 9, 2)
    ).states.add(f.StateFactory(code="UA"))
    warrant["sealed"].delete()
    mirror.sync()

    assert mirror.records == mirror.fresh_copy()
    events = mirror.records["actions"][str(action.pk)]["events"]
    assert [e["kind"] for e in events] == ["applied", "made_public", "arrest"]
