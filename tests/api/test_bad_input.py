"""Bad input answers 4xx in the API's one error body, naming the parameter; never a 500.

Cases found by a schema fuzzer and by hand.
"""

import base64
import json
import re
from urllib.parse import quote

import pytest

from cases import models as m
from cases.api.urls import router

from .builders import public_incident, record_keys
from .conftest import body
from .test_schema import openapi

pytestmark = pytest.mark.django_db


def cursor(text: str) -> str:
    """A cursor as DRF writes one (base64 of a query string), URL-encoded."""
    return quote(base64.b64encode(text.encode()).decode(), safe="")


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert error["message"]
    return error


@pytest.fixture
def world(db):
    return public_incident()


@pytest.mark.parametrize(
    "url",
    [
        # Found by the fuzzer: a cursor that decodes, with a position that is no id.
        "/api/v1/incidents/?cursor=cD1ub3RhZGF0ZQ%3D%3D",
        "/api/v1/actors/?cursor=cD1ub3RhZGF0ZQ%3D%3D",
        "/api/v1/actions/?cursor=cD1ub3RhZGF0ZQ%3D%3D",
        "/api/v1/sources/?cursor=cD1ub3RhZGF0ZQ%3D%3D",
        "/api/v1/provisions/?cursor=cD1ub3RhZGF0ZQ%3D%3D",
        # A position of the wrong type for the order it is read in.
        f"/api/v1/incidents/?ordering=updated_at&cursor={cursor('p=notadate')}",
        f"/api/v1/incidents/?ordering=-updated_at&cursor={cursor('p=42')}",
        f"/api/v1/incidents/?ordering=updated_at&cursor={cursor('p=2022-01-01 00:00:00')}",
        f"/api/v1/incidents/?q=children&cursor={cursor('p=high')}",
        # NUL in a code, which PostgreSQL text cannot hold.
        f"/api/v1/states/?cursor={cursor('p=%00')}",
        # Not base64 at all: DRF would have read page one.
        "/api/v1/incidents/?cursor=%00",
        "/api/v1/incidents/?cursor=!!!!",
        f"/api/v1/incidents/?cursor={cursor('o=-1')}",
        f"/api/v1/incidents/?cursor={cursor('r=yes')}",
    ],
)
def test_a_cursor_this_api_did_not_write_is_a_400(api, world, url):
    error = assert_error(api.get(url), 400)

    assert error["fields"] == {"cursor": ["Invalid cursor."]}
    assert "cursor" in error["message"]


def test_the_cursors_the_api_writes_still_work(api, world):
    public_incident(title="Second")
    for params in [{}, {"ordering": "-updated_at"}, {"q": "official"}]:
        first = api.get("/api/v1/incidents/", {**params, "page_size": 1}).json()
        assert first["next"], params
        second = api.get(first["next"])
        assert second.status_code == 200, second.content
        back = api.get(second.json()["previous"])
        assert back.json()["results"] == first["results"], params

    page = api.get("/api/v1/states/", {"page_size": 1}).json()
    assert api.get(page["next"]).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/states/%00/",
        "/api/v1/states/%00/law/",
        "/api/v1/states/U%00A/",
        "/api/v1/instruments/%00/",
        "/api/v1/categories/%00/",
        "/api/v1/incidents/%00/",
    ],
)
def test_a_nul_byte_in_a_key_is_a_404(api, world, url):
    error = assert_error(api.get(url), 404)

    assert error["code"] == "not_found"


def test_a_nul_byte_in_a_state_code_is_the_not_found_page(client, world):
    response = client.get("/states/%00/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert client.get("/states/ua/").status_code == 200


LISTS = ["incidents", "actions", "actors", "sources", "instruments", "provisions", "categories"]


@pytest.mark.parametrize("resource", [*LISTS, "states"])
def test_an_empty_updated_since_is_a_400(api, world, resource):
    error = assert_error(api.get(f"/api/v1/{resource}/", {"updated_since": ""}), 400)

    assert list(error["fields"]) == ["updated_since"]
    assert "empty" in error["fields"]["updated_since"][0]
    assert "updated_since" in error["message"]


@pytest.mark.parametrize("value", ["0", "-1", "-0", "1.5", "1e3", " 7", "abc"])
@pytest.mark.parametrize(
    ("resource", "field"),
    [("incidents", "actor"), ("incidents", "provision"), ("actions", "subject")],
)
def test_an_id_filter_takes_whole_numbers_from_1(api, resource, field, value):
    error = assert_error(api.get(f"/api/v1/{resource}/", {field: value}), 400)

    assert error["fields"] == {field: ["Enter an id: a whole number from 1."]}


def test_an_unknown_record_is_named_in_the_error(api):
    actor = api.get("/api/v1/incidents/", {"actor": "999999"}).json()["error"]
    category = api.get("/api/v1/incidents/", {"category": "nope"}).json()["error"]
    country = api.get("/api/v1/incidents/", {"country": "XX"}).json()["error"]

    assert actor["fields"] == {"actor": ["No actor has this id."]}
    assert category["fields"] == {"category": ["No violation category has this slug."]}
    assert country["fields"] == {"country": ["No state has this code."]}


def test_an_id_filter_is_documented_as_a_whole_number_from_1():
    parameters = {
        (path, parameter["name"]): parameter["schema"]
        for path, operations in openapi()["paths"].items()
        for parameter in operations["get"].get("parameters", [])
    }

    for key in [
        ("/api/v1/incidents/", "actor"),
        ("/api/v1/incidents/", "provision"),
        ("/api/v1/actions/", "subject"),
        ("/api/v1/actions/", "incident"),
    ]:
        assert parameters[key]["type"] == "integer", key
        assert parameters[key]["minimum"] == 1, key


@pytest.mark.parametrize(
    ("resource", "field", "choices"),
    [
        ("incidents", "verification_status", m.VerificationStatus),
        ("incidents", "action_kind", m.ActionKind),
        ("actions", "status", m.ActionStatus),
        ("provisions", "rule_kind", m.RuleKind),
    ],
)
def test_an_invalid_choice_lists_the_valid_values(api, resource, field, choices):
    error = assert_error(api.get(f"/api/v1/{resource}/", {field: "rumoured"}), 400)

    valid = ", ".join(choices.values)
    assert error["fields"] == {field: [f"“rumoured” is not one of the valid values: {valid}."]}


def test_an_invalid_ordering_lists_the_valid_orders(api):
    error = assert_error(api.get("/api/v1/incidents/", {"ordering": "title"}), 400)

    assert error["fields"] == {
        "ordering": ["“title” is not one of the valid values: id, -id, updated_at, -updated_at."]
    }


# Unknown query parameters: refused, naming them and the parameters the endpoint reads.


def accepted_in(error: dict) -> set[str]:
    """The parameters an unknown-parameter error says the endpoint accepts."""
    match = re.search(r"This endpoint accepts: ([^.]*)\.$", error["message"])
    assert match, error["message"]
    return set(match.group(1).split(", "))


@pytest.mark.parametrize("prefix", [prefix for prefix, _, _ in router.registry])
def test_every_list_refuses_an_unknown_parameter(api, prefix):
    for params, unknown in [({"foo": "bar"}, "foo"), ({"page": "2"}, "page")]:
        error = assert_error(api.get(f"/api/v1/{prefix}/", params), 400)

        assert error["code"] == "unknown_parameter"
        assert list(error["fields"]) == [unknown]
        assert error["message"].startswith(f"Unknown parameter: {unknown}. ")
        assert {"cursor", "page_size", "updated_since", "format"} <= accepted_in(error)


def test_a_misspelt_filter_is_refused_not_ignored(api, world):
    error = assert_error(api.get("/api/v1/incidents/", {"contry": "UA", "datefrom": "x"}), 400)

    assert set(error["fields"]) == {"contry", "datefrom"}
    assert error["message"].startswith("Unknown parameters: contry, datefrom. ")
    assert "country" in accepted_in(error)
    assert error["fields"]["contry"][0].startswith("Unknown parameter. This endpoint accepts: ")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/incidents/{incident}/?foo=bar",
        "/api/v1/incidents/{incident}/?country=UA",  # a list's filter, not a record's
        "/api/v1/incidents/export/csv/?page_size=10",  # an export is not paginated
        "/api/v1/states/UA/law/?foo=bar",
        "/api/v1/tombstones/?since=2020-01-01T00:00:00Z&foo=bar",
        "/api/v1/instruments/?ordering=id",  # instruments have no ordering
    ],
)
def test_details_exports_and_feeds_refuse_unknown_parameters_too(api, world, url):
    error = assert_error(api.get(url.format(incident=world.pk)), 400)

    assert error["code"] == "unknown_parameter"


def example_value(schema: dict) -> str:
    """A value of a parameter's type (valid or not, it must not be refused as unknown)."""
    if "enum" in schema:
        return str(schema["enum"][0])
    if schema.get("format") == "date":
        return "2022-01-01"
    if schema.get("format") == "date-time":
        return "2022-01-01T00:00:00Z"
    if schema.get("type") == "integer":
        return str(schema.get("minimum", 1))
    return "x"


def test_each_endpoint_reads_exactly_the_parameters_its_schema_documents(api, world):
    keys = record_keys(world)
    operations = openapi()["paths"]
    # List, detail, 2 exports; the root, law, feed, ICC jurisdiction.
    assert len(operations) == 4 * len(router.registry) + 4
    for path, methods in operations.items():
        parameters = methods["get"].get("parameters", [])
        documented = {p["name"]: p["schema"] for p in parameters if p["in"] == "query"}
        resource = path.split("/")[3]
        url = re.sub(r"\{\w+\}", str(keys.get(resource)), path)
        needs_a_parameter = "tombstones" in url or "icc-jurisdiction" in url
        assert api.get(url).status_code == (400 if needs_a_parameter else 200), url

        refused = assert_error(api.get(url, {"foo": "bar"}), 400)
        assert accepted_in(refused) == set(documented), path

        response = api.get(url, {name: example_value(s) for name, s in documented.items()})
        if response.status_code >= 400:
            error = response.json()["error"]
            assert error["code"] != "unknown_parameter", (path, error)
            assert set(error["fields"]) <= set(documented), (path, error)


def test_an_export_is_sorted_like_the_list(api, world):
    second = public_incident(title="Second")

    rows = api.get("/api/v1/incidents/export/ndjson/", {"ordering": "-id"})

    assert [json.loads(line)["id"] for line in body(rows).decode().splitlines()] == [
        second.pk,
        world.pk,
    ]
