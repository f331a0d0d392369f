"""Nothing hidden reaches the API: drafts, withdrawn and confidential records, protected persons.

Every text field of every hidden record carries MARKER. The test calls every endpoint (lists,
details, every filter, search, exports, the sync feed, the schema and its docs) and
asserts that the marker appears nowhere and that hidden ids give 404.
"""

import datetime

import pytest

from cases import models as m
from cases import services
from tests import factories as f

from .builders import public_incident
from .conftest import body

pytestmark = pytest.mark.django_db

MARKER = "ZQXLEAK"

HIDDEN_STATES = [
    {"publication_status": m.PublicationStatus.DRAFT},
    {"publication_status": m.PublicationStatus.IN_REVIEW},
    {"publication_status": m.PublicationStatus.WITHDRAWN},
    {
        "publication_status": m.PublicationStatus.PUBLISHED,
        "confidentiality": m.Confidentiality.CONFIDENTIAL,
    },
    {
        "publication_status": m.PublicationStatus.PUBLISHED,
        "confidentiality": m.Confidentiality.RESTRICTED,
    },
]


def marked(n: int, what: str) -> str:
    return f"{MARKER} {what} {n}"


def hidden_world() -> dict:
    """Hidden records of every kind, tied to public ones wherever a relation allows."""
    public = public_incident(title="Public incident")
    public_action = public.actions.get()
    public_actor = public.involvements.get().actor
    hidden: dict[str, list] = {k: [] for k in ["incidents", "actions", "actors", "sources"]}
    hidden["instruments"] = []
    hidden["provisions"] = []
    for n, state in enumerate(HIDDEN_STATES):
        text = {"withdrawal_reason": marked(n, "reason")}
        instrument = f.InstrumentFactory(
            **state,
            **text,
            slug=f"zqxleak-instrument-{n}",
            title=marked(n, "instrument"),
            title_fr=marked(n, "instrument fr"),
            short_title=marked(n, "short"),
            depositary=marked(n, "depositary"),
            rules_note=marked(n, "rules"),
            summary=marked(n, "summary"),
        )
        provision = f.ProvisionFactory(
            instrument=instrument,
            label=marked(n, "label"),
            heading=marked(n, "heading"),
            heading_fr=marked(n, "heading fr"),
            text=marked(n, "text"),
        )
        actor = f.ActorFactory(
            **state, **text, name=marked(n, "actor"), description=marked(n, "bio")
        )
        m.ActorName.objects.create(actor=actor, name=marked(n, "other name"))
        m.ActorIdentifier.objects.create(
            actor=actor, scheme=m.ActorIdentifier.Scheme.OTHER, value=marked(n, "id")
        )
        m.Membership.objects.create(member=public_actor, organisation=actor, post=marked(n, "post"))
        incident = f.IncidentFactory(
            **state,
            **text,
            title=marked(n, "incident"),
            title_fr=marked(n, "incident fr"),
            translated_by_fr=marked(n, "translator"),
            summary=marked(n, "summary"),
            description=marked(n, "description"),
            place_name=marked(n, "place"),
            subdivision="UA-23",
        )
        incident.categories.add(public.categories.get())
        source = f.SourceFactory(
            **state,
            **text,
            title=marked(n, "source"),
            publisher=marked(n, "publisher"),
            url=f"https://example.org/{MARKER}/{n}",
            note=marked(n, "note"),
        )
        action = f.AccountabilityActionFactory(
            **state,
            **text,
            title=marked(n, "action"),
            title_uk=marked(n, "action uk"),
            reference=marked(n, "ref"),
            summary=marked(n, "summary"),
            description=marked(n, "description"),
            issuing_body=actor,
        )
        # Hidden things tied to public records.
        f.InvolvementFactory(incident=public, actor=actor, role=m.InvolvementRole.ORDERING)
        f.InvolvementFactory(incident=incident, actor=public_actor)
        f.LegalQualificationFactory(incident=public, provision=provision)
        f.CitationFactory(incident=public, source=source, pinpoint="para. 1")
        f.CitationFactory(incident=incident, source=public.citations.first().source)
        action.incidents.add(public)
        public_action.incidents.add(incident)
        m.ActionSubject.objects.create(action=public_action, actor=actor, note=marked(n, "note"))
        f.ChargeFactory(action=public_action, provision=provision, description=marked(n, "c"))
        f.ChargeFactory(action=action, description=marked(n, "charge"))
        f.TreatyEventFactory(
            state=f.StateFactory(code="UA"),
            instrument=instrument,
            kind=m.TreatyEventKind.RESERVATION,
            deposited_on=datetime.date(2000, 1, 1),
            text=marked(n, "reservation"),
        )
        hidden["instruments"].append(instrument.slug)
        hidden["provisions"].append(provision.pk)
        hidden["actors"].append(actor.pk)
        hidden["incidents"].append(incident.pk)
        hidden["sources"].append(source.pk)
        hidden["actions"].append(action.pk)
    child = f.IncidentFactory(title=marked(99, "child"), parent=public)
    hidden["incidents"].append(child.pk)
    parent = f.IncidentFactory(title=marked(98, "parent"))
    m.Incident.objects.filter(pk=public.pk).update(parent=parent)
    hidden["incidents"].append(parent.pk)
    person = f.ProtectedPersonFactory(pseudonym=f"{MARKER}-W1")
    person.incidents.add(public)
    m.ProtectedIdentity.objects.create(person=person, full_name=marked(0, "full name"))
    m.ProtectedContact.objects.create(
        person=person, kind=m.ProtectedContact.Kind.PHONE, value=marked(0, "phone")
    )
    services.refresh_search_names(incidents=[public.pk])
    return {"public": public, "public_action": public_action, "hidden": hidden}


def test_no_hidden_record_reaches_any_endpoint(api):
    world = hidden_world()
    public, hidden = world["public"], world["hidden"]
    public_provision = (
        public.legal_qualifications.filter(
            provision__instrument__publication_status="published",
            provision__instrument__confidentiality="public",
        )
        .get()
        .provision
    )
    urls = [
        "/api/v1/schema/",
        "/api/v1/schema/?format=json",
        "/api/v1/docs/",
        "/api/v1/tombstones/?since=2000-01-01T00:00:00Z",
        f"/api/v1/incidents/{public.pk}/",
        f"/api/v1/actions/{world['public_action'].pk}/",
        f"/api/v1/actors/{public.involvements.filter(actor__name__startswith='Official').get().actor_id}/",
        f"/api/v1/instruments/{public_provision.instrument.slug}/",
        f"/api/v1/provisions/{public_provision.pk}/",
        f"/api/v1/categories/{public.categories.get().slug}/",
        "/api/v1/states/UA/",
        "/api/v1/states/UA/law/?on=2023-01-01",
    ]
    resources = ["incidents", "actions", "actors", "sources", "instruments", "provisions"]
    for resource in [*resources, "categories", "states"]:
        urls += [
            f"/api/v1/{resource}/?page_size=200",
            f"/api/v1/{resource}/?updated_since=2000-01-01T00:00:00Z&page_size=200",
            f"/api/v1/{resource}/export/ndjson/",
            f"/api/v1/{resource}/export/csv/",
        ]
    incident_filters = [
        f"q={MARKER}",
        "q=incident",
        "subdivision=UA-23",
        "country=UA",
        "date_from=2000-01-01",
        "date_to=2030-01-01",
        f"category={public.categories.get().slug}",
        "action_kind=arrest_warrant",
        "action_status=active",
        "verification_status=alleged",
        "conflict_type=unknown",
        *[f"actor={pk}" for pk in hidden["actors"]],
        *[f"provision={pk}" for pk in hidden["provisions"]],
        *[f"instrument={slug}" for slug in hidden["instruments"]],
    ]
    urls += [f"/api/v1/incidents/?{p}" for p in incident_filters]
    urls += [f"/api/v1/incidents/export/ndjson/?{p}" for p in incident_filters]
    urls += [f"/api/v1/actions/?subject={pk}" for pk in hidden["actors"]]
    urls += [f"/api/v1/actions/?incident={pk}" for pk in hidden["incidents"]]
    urls += [f"/api/v1/provisions/?instrument={slug}" for slug in hidden["instruments"]]
    urls += ["/api/v1/actors/?name=ZQX", "/api/v1/actions/?kind=arrest_warrant"]

    # The same answers with the texts' translations (docs/api.md, "Languages"): the same
    # status, and no hidden text in any language.
    translated = tuple(
        f"/api/v1/{r}/" for r in ("incidents", "actions", "instruments", "provisions", "categories")
    )
    statuses = {}
    for url in urls:
        response = api.get(url)
        assert response.status_code in (200, 400), url
        statuses[url] = response.status_code
        content = body(response).decode()
        assert MARKER.lower() not in content.lower(), url
        assert "W1" not in content, url
    for url in [u for u in urls if u.startswith(translated) and "/csv/" not in u]:
        for params in ("lang=fr&translations=all", "lang=uk"):
            response = api.get(f"{url}{'&' if '?' in url else '?'}{params}")
            assert response.status_code == statuses[url], (url, params)
            assert MARKER.lower() not in body(response).decode().lower(), (url, params)

    for resource in resources:
        for key in hidden[resource]:
            response = api.get(f"/api/v1/{resource}/{key}/")
            assert response.status_code == 404, (resource, key)
            assert MARKER.lower() not in response.content.decode().lower()


def test_the_public_incident_still_shows_its_public_parts(api):
    """The leak test is only meaningful if the public records around the hidden ones show."""
    world = hidden_world()

    data = api.get(f"/api/v1/incidents/{world['public'].pk}/").json()

    assert [i["actor"]["name"] for i in data["involvements"]] == ["Official of Public incident"]
    assert len(data["legal_qualifications"]) == 1
    assert len(data["citations"]) == 1
    assert data["parent"] is None
    assert data["children"] == []


def test_hidden_names_never_make_the_public_incident_findable(api):
    """The public incident is named by hidden actors (and their other names), hidden
    instruments' provisions (label, heading) and hidden actions (reference, title)."""
    world = hidden_world()
    public = world["public"]
    assert MARKER not in m.Incident.objects.get(pk=public.pk).search_names
    for q in [MARKER, f"{MARKER} heading", f"{MARKER} ref", f"{MARKER} other name"]:
        response = api.get("/api/v1/incidents/", {"q": q})
        assert response.json()["results"] == [], q
    assert public.pk in [
        r["id"] for r in api.get("/api/v1/incidents/", {"q": "Official"}).json()["results"]
    ]
