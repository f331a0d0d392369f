"""User-supplied text is escaped everywhere: an XSS payload in every text field of every
published record appears on no public page as markup, and the API never serves it as HTML."""

import pytest
from django.db import models
from rest_framework.test import APIClient

from cases import models as m
from cases import services
from cases.edtf import EDTFField
from tests import factories as f

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
# What would run if any of it reached a page unescaped.
MARKUP = ["<script>alert", "<img src=x", "\"'><img", "onerror=alert(1)>"]
# Fields whose values a form or constraint restricts to codes, links and dates.
NOT_FREE_TEXT = (models.SlugField, models.URLField, models.EmailField, EDTFField)


def poison(instance, n: int):
    """Put the payload into every free-text field of the row (numbered: some are unique)."""
    for field in instance._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, NOT_FREE_TEXT)
            and field.editable
            and not field.choices
            and not field.primary_key
            and field.name != "external_id"
            and (field.max_length is None or field.max_length >= len(PAYLOAD) + 4)
        ):
            setattr(instance, field.name, f"{PAYLOAD} {n}")
    instance.save()
    return instance


@pytest.fixture
def poisoned():
    """A published chain of fact, law, response and evidence, every text the payload."""
    state = f.StateFactory(code="UA", name="Ukraine")
    instrument = f.InstrumentFactory(published=True)
    provision = f.ProvisionFactory(instrument=instrument)
    category = f.ViolationCategoryFactory()
    category.provisions.add(provision)
    actor = f.ActorFactory(published=True)
    court = f.ActorFactory(published=True, kind=m.ActorKind.COURT)
    source = f.SourceFactory(published=True)
    incident = f.IncidentFactory(published=True, country=state, place_name="Mariupol")
    incident.categories.add(category)
    involvement = f.InvolvementFactory(incident=incident, actor=actor)
    qualification = f.LegalQualificationFactory(
        incident=incident, provision=provision, asserted_by=court
    )
    action = f.AccountabilityActionFactory(published=True, issuing_body=court)
    action.incidents.add(incident)
    subject = action.subject_links.create(actor=actor)
    charge = f.ChargeFactory(action=action, provision=provision, subject=actor)
    rows = [
        state,
        instrument,
        provision,
        category,
        actor,
        court,
        source,
        incident,
        involvement,
        qualification,
        action,
        subject,
        charge,
        actor.other_names.create(name="alias", language="ru"),
        incident.victim_counts.create(kind=m.VictimCount.Kind.KILLED, minimum=1, group="x"),
        f.CitationFactory(incident=incident, source=source, quote="q"),
        f.CitationFactory(incident=None, action=action, source=source, quote="q"),
        f.CitationFactory(incident=None, legal_qualification=qualification, source=source),
    ]
    for n, row in enumerate(rows):
        poison(row, n)
    services.refresh_search_names(incidents=m.Incident.objects.all())
    return {
        "records": [incident, action, actor, court, source, instrument, provision, category, state]
    }


def page_urls(records) -> list[str]:
    return [
        "/",
        "/search/",
        f"/search/?q={PAYLOAD}",
        "/search/?q=alert",  # matches: the snippet highlights inside the payload
        "/search/?q=alert&country=UA",
        "/law/",
        "/categories/",
        *(record.get_absolute_url() for record in records),
    ]


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_no_public_page_carries_the_payload_as_markup(client, poisoned):
    shown = 0
    for url in page_urls(poisoned["records"]):
        response = client.get(url)
        assert response.status_code == 200, url
        html = text(response)
        for markup in MARKUP:
            assert markup not in html, (url, markup)
        shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The payload is on the pages, escaped: the check above is not vacuous.
    assert shown >= len(poisoned["records"])


def test_search_snippets_highlight_but_escape(client, poisoned):
    response = client.get("/search/", {"q": "alert"})
    html = text(response)
    assert response.context["results"].total == 1
    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html


API_RESOURCES = [
    "incidents",
    "actions",
    "actors",
    "sources",
    "instruments",
    "provisions",
    "categories",
    "states",
]


def test_the_api_serves_the_payload_only_as_json_never_as_html(poisoned):
    """JSON carries the text as it was entered (partners need it intact); a browser never
    renders it: JSON or CSV content types, nosniff, and no HTML rendering on request."""
    api = APIClient()
    urls = ["/api/v1/tombstones/?since=1970-01-01T00:00Z"]
    for resource in API_RESOURCES:
        listing = api.get(f"/api/v1/{resource}/")
        assert listing.status_code == 200, resource
        urls.append(f"/api/v1/{resource}/")
        urls.append(f"/api/v1/{resource}/export/ndjson/")
        urls.append(f"/api/v1/{resource}/export/csv/")
    urls += ["/api/v1/incidents/?q=alert", f"/api/v1/incidents/?q={PAYLOAD}"]
    for url in urls:
        response = api.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 406), url
        content_type = response["Content-Type"]
        assert not content_type.startswith("text/html"), (url, content_type)
        assert response["X-Content-Type-Options"] == "nosniff", url
    detail = api.get(f"/api/v1/incidents/{poisoned['records'][0].pk}/").json()
    assert detail["title"].startswith(PAYLOAD)  # intact, as entered
