"""What a partner relies on in every answer: links to each record, labels beside codes,
a list's count, name look-ups in any script, errors that list the valid values, and a
root that links everything."""

import pytest
from django.urls import resolve

from cases import models as m
from cases.api import errors
from cases.api.urls import router
from cases.api.views import ROOT_LINKS
from tests import factories as f

from .builders import public_incident, record_keys
from .test_bad_input import assert_error
from .test_schema import openapi

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return public_incident(title="Deportation of children")


# url and html_url


def api_link(resource: str) -> str:
    # A source's `url` is the source's own address (it was before records had links).
    return "api_url" if resource == "sources" else "url"


RESOURCES = [prefix for prefix, _, _ in router.registry]


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_record_links_to_itself_in_the_api_and_on_the_site(api, client, world, resource):
    key = record_keys(world)[resource]
    detail = api.get(f"/api/v1/{resource}/{key}/").json()
    [listed] = [
        row
        for row in api.get(f"/api/v1/{resource}/", {"page_size": 200}).json()["results"]
        if row[api_link(resource)] == detail[api_link(resource)]
    ]

    for record in (detail, listed):
        url, html_url = record[api_link(resource)], record["html_url"]
        assert url == f"http://testserver/api/v1/{resource}/{key}/"
        assert html_url.startswith("http://testserver/")
        assert api.get(url).json() == detail
        page = client.get(html_url)
        assert page.status_code == 200, html_url
        assert page["Content-Type"].startswith("text/html")


def linked_records(data) -> list[dict]:
    """Every record in an answer, at any depth: the objects that carry an html_url."""
    if isinstance(data, list):
        return [record for item in data for record in linked_records(item)]
    if not isinstance(data, dict):
        return []
    found = [data] if "html_url" in data else []
    return found + [record for value in data.values() for record in linked_records(value)]


def test_records_embedded_in_a_detail_link_to_themselves_too(api, client, world):
    action = world.actions.get()
    f.ChargeFactory(action=action, provision=world.legal_qualifications.get().provision)
    incident = api.get(f"/api/v1/incidents/{world.pk}/").json()
    records = linked_records(incident) + linked_records(
        api.get(f"/api/v1/actions/{action.pk}/").json()
    )

    kinds = {record.get("api_url", record.get("url")).split("/")[5] for record in records}
    assert kinds == set(RESOURCES) - {"categories"}  # no category is embedded there
    assert incident["involvements"][0]["actor"]["html_url"].startswith("http://testserver/")
    for record in records:
        api_url = record.get("api_url", record["url"])
        assert api.get(api_url).status_code == 200, api_url
        assert client.get(record["html_url"]).status_code == 200, record["html_url"]


def test_links_follow_the_host_the_partner_called(api, world, settings):
    settings.ALLOWED_HOSTS = ["ihl.example.org"]
    data = api.get(f"/api/v1/incidents/{world.pk}/", HTTP_HOST="ihl.example.org").json()

    assert data["url"] == f"http://ihl.example.org/api/v1/incidents/{world.pk}/"
    assert data["html_url"] == f"http://ihl.example.org/incidents/{world.pk}/"


def test_the_schema_documents_the_links_of_every_record():
    schemas = openapi()["components"]["schemas"]

    for name in ["IncidentList", "IncidentDetail", "ActionList", "ActorDetail", "StateList"]:
        assert schemas[name]["properties"]["url"]["format"] == "uri", name
        assert schemas[name]["properties"]["html_url"]["format"] == "uri", name
    assert schemas["SourceList"]["properties"]["api_url"]["format"] == "uri"


# Labels beside codes


def test_coded_values_carry_their_label(api, world):
    incident = api.get(f"/api/v1/incidents/{world.pk}/").json()
    listed = api.get("/api/v1/incidents/").json()["results"][0]

    [involvement] = incident["involvements"]
    assert involvement["role"] == "direct_perpetrator"
    assert involvement["role_label"] == m.InvolvementRole.DIRECT_PERPETRATOR.label
    assert involvement["actor"]["kind_label"] == "Person"
    for record in (incident, listed):
        assert record["verification_status"] == "alleged"
        assert record["verification_status_label"] == "Alleged"
        assert record["conflict_type_label"] == m.ConflictType(record["conflict_type"]).label
    action = api.get(f"/api/v1/actions/{world.actions.get().pk}/").json()
    assert action["kind_label"] == m.ActionKind.ARREST_WARRANT.label
    assert action["status_label"] == m.ActionStatus(action["status"]).label


def test_the_schema_gives_every_coded_value_a_label():
    """Every enumerated field of a record, wherever it appears, has `<field>_label` beside it."""
    schemas = openapi()["components"]["schemas"]
    enums = {name for name, schema in schemas.items() if "enum" in schema}
    unlabelled = []
    for name, schema in schemas.items():
        properties = schema.get("properties", {})
        for field, spec in properties.items():
            alternatives = spec.get("allOf", []) + spec.get("oneOf", [])
            refs = [spec.get("$ref", "")] + [s.get("$ref", "") for s in alternatives]
            coded = "enum" in spec or any(ref.rsplit("/", 1)[-1] in enums for ref in refs)
            if coded and spec.get("type") != "array" and f"{field}_label" not in properties:
                unlabelled.append(f"{name}.{field}")
    # The feed's reason is its own label; a tombstone is no record.
    assert unlabelled == ["Tombstone.reason"]
    role_label = schemas["Involvement"]["properties"]["role_label"]
    assert role_label["type"] == "string"
    assert "role" in role_label["description"]


# Counts


def test_a_list_counts_its_public_records_only(api, world):
    f.IncidentFactory(title="A draft")
    f.IncidentFactory(published=True, confidential=True, title="Confidential")
    f.IncidentFactory(withdrawn=True, title="Withdrawn")
    f.ActorFactory(name="A draft actor")

    incidents = api.get("/api/v1/incidents/").json()
    actors = api.get("/api/v1/actors/").json()

    assert (incidents["count"], incidents["count_exact"]) == (1, True)
    assert incidents["count"] == len(incidents["results"])
    assert actors["count"] == m.Actor.objects.public().count() == len(actors["results"])


def test_the_count_is_of_the_whole_filtered_list_on_every_page(api, world):
    for i in range(4):
        public_incident(title=f"Deportation {i}")
    f.IncidentFactory(published=True, title="Shelling", country=None)

    first = api.get("/api/v1/incidents/", {"country": "UA", "page_size": 2}).json()
    second = api.get(first["next"]).json()
    searched = api.get("/api/v1/incidents/", {"q": "deportation"}).json()

    assert first["count"] == second["count"] == 5
    assert len(first["results"]) == len(second["results"]) == 2
    assert (searched["count"], searched["count_exact"]) == (5, True)


def test_past_the_limit_the_count_is_a_lower_bound(api, world, monkeypatch):
    monkeypatch.setattr("cases.api.pagination.COUNT_LIMIT", 3)
    for _ in range(2):
        f.IncidentFactory(published=True)
    f.IncidentFactory(title="A draft")  # the fourth row it reads must be public to count

    exactly = api.get("/api/v1/incidents/").json()
    f.IncidentFactory(published=True)
    capped = api.get("/api/v1/incidents/").json()

    assert (exactly["count"], exactly["count_exact"]) == (3, True)
    assert (capped["count"], capped["count_exact"]) == (3, False)
    assert len(capped["results"]) == 4


def test_the_schema_documents_the_count(api):
    schemas = openapi()["components"]["schemas"]
    page = schemas["PaginatedIncidentListList"]

    assert {"count", "count_exact"} <= set(page["required"])
    assert "1,000" in page["properties"]["count"]["description"]
    assert page["properties"]["count_exact"]["type"] == "boolean"


# Names in any script


@pytest.fixture
def lvova_belova(db):
    actor = f.ActorFactory(published=True, name="Maria Lvova-Belova")
    for name, language, kind in [
        ("Мария Алексеевна Львова-Белова", "ru", m.ActorName.Kind.NATIVE),
        ("Марія Львова-Бєлова", "uk", m.ActorName.Kind.TRANSLITERATION),
    ]:
        m.ActorName.objects.create(actor=actor, name=name, language=language, kind=kind)
    hidden = f.ActorFactory(name="Draft namesake")
    m.ActorName.objects.create(actor=hidden, name="Львова", language="ru")
    f.ActorFactory(published=True, name="Vladimir Putin")
    return actor


@pytest.mark.parametrize("name", ["Львова", "львова", "Бєлова", "АЛЕКСЕЕВНА", "lvova", "Maria"])
def test_the_name_filter_matches_other_names_in_any_script(api, lvova_belova, name):
    found = api.get("/api/v1/actors/", {"name": name}).json()

    assert [row["id"] for row in found["results"]] == [lvova_belova.pk]
    assert found["count"] == 1


def test_the_name_filter_is_documented_as_matching_other_names():
    parameters = openapi()["paths"]["/api/v1/actors/"]["get"]["parameters"]
    [name] = [p for p in parameters if p["name"] == "name"]

    assert "other names" in name["description"]


# Invalid choices


def enumerated_parameters() -> list[tuple[str, str, list[str]]]:
    found = []
    for path, methods in openapi()["paths"].items():
        if "{" in path:
            continue
        for parameter in methods["get"].get("parameters", []):
            values = parameter["schema"].get("enum")
            if values and parameter["in"] == "query":
                found.append((path, parameter["name"], values))
    return found


def test_every_invalid_choice_lists_the_valid_values(api, world):
    parameters = enumerated_parameters()
    assert {name for _, name, _ in parameters} >= {"format", "ordering", "kind", "resource"}
    for path, name, values in parameters:
        params = {name: "rumoured"}
        if path == "/api/v1/tombstones/":
            params["since"] = "2026-01-01T00:00:00Z"
        if path == "/api/v1/icc-jurisdiction/":
            params["on"] = "2024-01-01"

        response = api.get(path, params)
        assert response.status_code == 400, (path, name, response.content)
        error = assert_error(response, 400)

        assert error["code"] == "invalid_choice", (path, name)
        [message] = error["fields"][name]
        prefix = "“rumoured” is not one of the valid values: "
        assert message.startswith(prefix), message
        assert sorted(message.removeprefix(prefix).rstrip(".").split(", ")) == sorted(values)


# The root


def test_the_root_links_the_schema_docs_guide_law_feed_and_every_list(api, client):
    root = api.get("/api/v1/")
    links = root.json()

    assert root.status_code == 200
    assert set(links) == set(ROOT_LINKS)
    assert {"schema", "docs", "guide", "changelog", "tombstones", "icc_jurisdiction"} <= set(links)
    assert {"incidents", "actions", "actors", "sources", "instruments", "provisions"} <= set(links)
    assert {"categories", "states"} <= set(links)
    for name, url in links.items():
        assert url.startswith("http://testserver/api/v1/"), name
        path = url.removeprefix("http://testserver")
        assert resolve(path).func is not errors.not_found, name  # the API's catch-all 404
        response = client.get(path)
        if name == "tombstones":
            assert assert_error(response, 400)["fields"].keys() == {"since"}
        elif name == "icc_jurisdiction":
            assert assert_error(response, 400)["fields"].keys() == {"on"}
        else:
            assert response.status_code == 200, name


def test_the_docs_page_links_the_guide_and_the_guide_opens_with_a_quick_start(api, client):
    description = openapi()["info"]["description"]

    assert "](/api/v1/guide/)" in description
    assert "docs/api.md" not in description
    guide = client.get("/api/v1/guide/")
    assert guide.status_code == 200
    assert guide["Content-Type"] == "text/plain; charset=utf-8"
    text = guide.content.decode()
    assert text.index("## Quick start") < text.index("## Resources")
    assert "curl" in text.split("## Resources")[0]
    changelog = client.get("/api/v1/changelog/")
    assert changelog.status_code == 200
    assert "# Partner API changelog" in changelog.content.decode()


# Empty values: no filter for a filter, an error for anything else, as the schema says


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/?format=",
        "/api/v1/incidents/?format=",
        "/api/v1/incidents/?page_size=",
        "/api/v1/states/UA/law/?on=",
        "/api/v1/tombstones/?since=2026-01-01T00:00:00Z&resource=",
        "/api/v1/tombstones/?since=2026-01-01T00:00:00Z&cursor=",
        "/api/v1/tombstones/?since=2026-01-01T00:00:00Z&page_size=",
        "/api/v1/icc-jurisdiction/?on=2024-01-01&nationality=",
    ],
)
def test_an_empty_value_that_is_not_a_filter_is_a_400(api, world, url):
    name = url.rsplit("&", 1)[-1].rsplit("?", 1)[-1].removesuffix("=")

    assert name in assert_error(api.get(url), 400)["fields"]


def test_the_schema_marks_the_parameters_that_take_an_empty_value(api, world):
    parameters = openapi()["paths"]["/api/v1/incidents/"]["get"]["parameters"]
    takes_empty = {p["name"] for p in parameters if p.get("allowEmptyValue")}

    assert takes_empty == {
        *("q", "country", "subdivision", "date_from", "date_to", "category", "provision"),
        *("instrument", "actor", "action_kind", "action_status", "verification_status"),
        *("conflict_type", "year", "ordering", "cursor"),
    }
    for name in takes_empty:
        assert api.get("/api/v1/incidents/", {name: ""}).status_code == 200, name


def test_text_parameters_refuse_a_nul_as_the_schema_says(api, world):
    parameters = openapi()["paths"]["/api/v1/incidents/"]["get"]["parameters"]
    patterned = {p["name"] for p in parameters if p["schema"].get("pattern") == r"^[^\x00]*$"}

    assert {"q", "subdivision", "country", "cursor"} <= patterned
    for name in patterned:
        assert name in assert_error(api.get("/api/v1/incidents/", {name: "a\x00"}), 400)["fields"]


def test_an_unknown_path_with_a_newline_is_the_apis_json_404(api):
    # Found by schemathesis: "." in a state code escapes the router, "\n" the catch-all.
    response = api.get("/api/v1/states/A.b%0A/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
