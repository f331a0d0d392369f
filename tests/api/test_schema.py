"""The OpenAPI schema: valid, every field described, and the API keeps to it (schemathesis)."""

import base64
import datetime
import json
import re
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from schemathesis.generation import GenerationMode

from cases import models as m
from cases.api.views import FeedPlace
from tests import factories as f

from .builders import public_incident


def openapi() -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def test_the_schema_is_valid_openapi_3():
    schema = openapi()

    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_every_field_and_parameter_is_described():
    schema = openapi()
    undescribed = []
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if not spec.get("description"):
                undescribed.append(f"{name}.{field}")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if not parameter.get("description"):
                    undescribed.append(f"{method} {path} ?{parameter['name']}")
    assert undescribed == []


def test_no_schema_borrows_the_docstring_of_our_serializer_base():
    """Described's docstring explains our code; a serializer without a docstring of its own
    has no description rather than that one, which partners saw on the docs page."""
    components = openapi()["components"]["schemas"]
    borrowed = [
        name
        for name, component in components.items()
        if "ModelSerializer" in component.get("description", "")
    ]
    assert "IncidentList" in components
    assert borrowed == []


def test_the_schema_and_docs_are_served_from_local_files(client):
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower()
    assert "unpkg" not in docs.lower()


def test_the_docs_page_runs_under_the_content_security_policy(client):
    """No inline script: the CSP (script-src 'self') would leave the page blank."""
    response = client.get("/api/v1/docs/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts
    assert all("src=" in attributes for attributes in scripts), scripts
    # The start-up script is served by the view itself (static files are WhiteNoise's).
    for src in re.findall(r'<script[^>]*src="([^"]+)"', response.content.decode()):
        if not src.startswith("/static/"):
            assert client.get(src.replace("&amp;", "&")).status_code == 200, src


schema = schemathesis.openapi.from_dict(openapi())
schema.app = get_wsgi_application()


@pytest.fixture
def seeded(db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    incident = public_incident(title="Deportation of children")
    # Nulls and nesting where the schema allows them.
    f.ViolationCategoryFactory(parent=incident.categories.get())
    f.ChargeFactory(action=incident.actions.get(), subject=None)
    subject = f.ActorFactory(published=True)
    incident.actions.get().subject_links.create(actor=subject)
    arrest = f.ActionEventFactory(
        action=incident.actions.get(), kind=m.ActionEventKind.ARREST, subject=subject
    )
    arrest.states.add(m.State.objects.get(code="RU"))
    f.CitationFactory(incident=None, action_event=arrest, source=f.SourceFactory(published=True))
    f.ActionEventFactory(action=incident.actions.get(), subject=None)
    f.IncidentFactory(published=True, date="", country=None, parent=incident)
    f.TreatyEventFactory(
        state=m.State.objects.get(code="UA"),
        instrument=m.Instrument.objects.first(),
        kind=m.TreatyEventKind.RESERVATION,
    )
    yield incident
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# What the schema cannot say: which records exist, and which cursors the API wrote. A
# schema-valid request names a public record by its key and carries a cursor from a
# `next` link; so, in a request generated as valid, these parameters take such a value
# (picked by the generated one). A request generated as invalid is left as it is.
RECORD_KEYS = {
    "country": lambda: m.State.objects.values_list("code", flat=True),
    "state": lambda: m.State.objects.values_list("code", flat=True),
    "territory": lambda: m.State.objects.values_list("code", flat=True),
    "nationality": lambda: m.State.objects.values_list("code", flat=True),
    "category": lambda: m.ViolationCategory.objects.values_list("slug", flat=True),
    "instrument": lambda: m.Instrument.objects.public().values_list("slug", flat=True),
    "provision": lambda: m.Provision.objects.public().values_list("pk", flat=True),
    "actor": lambda: m.Actor.objects.public().values_list("pk", flat=True),
    "subject": lambda: m.Actor.objects.public().values_list("pk", flat=True),
    "incident": lambda: m.Incident.objects.public().values_list("pk", flat=True),
}


def written_cursor(path: str, seed: int) -> str:
    """A cursor as the API writes one: of the tombstone feed, or of a list (an offset)."""
    if path.endswith("/tombstones/"):
        return FeedPlace(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), seed).encode()
    return base64.b64encode(f"o={seed % 100}".encode()).decode()


def pick(keys, value) -> object:
    keys = sorted(keys)
    return keys[zlib.crc32(str(value).encode()) % len(keys)]


def with_real_keys(case) -> None:
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    query = dict(case.query or {})
    for name, value in query.items():
        if name == "cursor" and value:
            query[name] = written_cursor(case.path, zlib.crc32(str(value).encode()))
        elif name in RECORD_KEYS and value not in ("", None, []):
            keys = list(RECORD_KEYS[name]())
            query[name] = (
                [pick(keys, v) for v in value] if isinstance(value, list) else pick(keys, value)
            )
    case.query = query


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, seeded):
    """Every check (schemathesis --checks all): no server error, every response as the
    schema says, every invalid request refused, every valid one accepted."""
    with_real_keys(case)
    case.call_and_validate()
