"""One set of filter names for the search page, its CSV export and the API, applied by one
function (cases.search.filter_incidents); the page's old names keep their meaning."""

import csv
import io
import re

import pytest

from cases import models as m
from cases.api.filters import IncidentFilter
from cases.forms import SearchForm
from tests.api.conftest import body, generous_rate_limits  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("generous_rate_limits")

# Each filter with a value that keeps the deportation and drops the shelling (world).
FILTERS = [
    ("country", lambda w: "UA"),
    ("subdivision", lambda w: "UA-14"),
    ("category", lambda w: "crimes-against-civilians"),
    ("instrument", lambda w: "rome-statute"),
    ("provision", lambda w: w.art49.pk),
    ("actor", lambda w: w.lvova.pk),
    ("action_kind", lambda w: "arrest_warrant"),
    ("action_status", lambda w: "active"),
    ("verification_status", lambda w: "adjudicated"),
    ("conflict_type", lambda w: "international"),
    ("year", lambda w: 2022),
    ("date_from", lambda w: "2023-01-01"),
]


def page_ids(client, params) -> list[int]:
    response = client.get("/search/", {"sort": "oldest", **params})
    assert response.status_code == 200
    assert not response.context["messages_"]
    return [i.pk for i in response.context["results"].incidents]


def csv_ids(response) -> list[int]:
    assert response.status_code == 200, response
    text = body(response).decode("utf-8-sig")
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(text))]


def api_ids(client, params) -> list[int]:
    response = client.get("/api/v1/incidents/", params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def distinct_world(world):
    """The shelling moved to another country and year, and the deportation given a region
    and a conflict type the shelling does not have."""
    m.Incident.objects.filter(pk=world.incident.pk).update(
        subdivision="UA-14", conflict_type=m.ConflictType.INTERNATIONAL
    )
    world.other.country = world.ru
    world.other.date = "2021-03-09"
    world.other.conflict_type = m.ConflictType.UNKNOWN
    world.other.save()
    return world


@pytest.mark.parametrize(("name", "value"), FILTERS)
def test_a_filter_has_one_name_and_one_meaning_on_page_csv_and_api(
    client, distinct_world, name, value
):
    params = {name: value(distinct_world)}
    expected = [distinct_world.incident.pk]

    assert page_ids(client, params) == expected
    assert csv_ids(client.get("/search/export.csv", params)) == expected
    assert api_ids(client, params) == expected
    assert csv_ids(client.get("/api/v1/incidents/export/csv/", params)) == expected


def test_the_page_and_the_api_take_the_same_filters():
    page_only = {"sort", "page"}  # the API orders by `ordering` and pages by cursor
    api_only = {"updated_since", "ordering"}  # incremental sync and the cursor's order
    assert set(SearchForm.base_fields) - page_only == set(IncidentFilter.base_filters) - api_only


@pytest.mark.parametrize(
    ("old", "new", "value"),
    [
        ("kind", "action_kind", "arrest_warrant"),
        ("status", "verification_status", "adjudicated"),
        ("from", "date_from", "2023-01-01"),
        ("to", "date_to", "2022-02-28"),
    ],
)
def test_the_pages_old_names_keep_their_meaning(client, world, old, new, value):
    """Links shared before the rename: the page moves them to the current name, the CSV
    reads them; the API never took them and says which name to use."""
    response = client.get("/search/", {"q": "children", old: value})
    assert response.status_code == 301
    assert response["Location"] == f"/search/?q=children&{new}={value}"
    assert page_ids(client, {new: value}) == [world.incident.pk]

    exported = csv_ids(client.get("/search/export.csv", {old: value}))
    assert exported == csv_ids(client.get("/search/export.csv", {new: value}))
    assert exported == [world.incident.pk]

    refused = client.get("/api/v1/incidents/", {old: value})
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "unknown_parameter"
    assert f"{old} (use {new})" in error["message"]
    assert f"(use {new})" in error["fields"][old][0]


def test_given_both_names_the_current_one_counts(client, world):
    response = client.get("/search/", {"status": "verified", "verification_status": "adjudicated"})
    assert response["Location"] == "/search/?verification_status=adjudicated"
    exported = client.get(
        "/search/export.csv", {"status": "verified", "verification_status": "adjudicated"}
    )
    assert csv_ids(exported) == [world.incident.pk]


def test_an_old_name_on_a_record_is_refused_without_a_replacement(client, world):
    """A detail takes no filter: no name to suggest."""
    response = client.get(f"/api/v1/incidents/{world.incident.pk}/", {"status": "verified"})
    assert response.status_code == 400
    assert "(use" not in response.json()["error"]["message"]


def test_facet_links_and_the_form_use_the_current_names(client, world):
    html = client.get("/search/").content.decode()
    assert "verification_status=adjudicated" in html
    assert "action_kind=arrest_warrant" in html
    assert 'name="date_from"' in html
    assert 'name="date_to"' in html
    assert not re.search(r'(\?|&amp;)(kind|status|from|to)=|name="(from|to)"', html)


def test_the_form_keeps_every_filter_it_does_not_show(client, distinct_world):
    """A filter with no input or facet (region, conflict type, action status) is carried
    as a hidden field, so typing a new search keeps it."""
    html = client.get(
        "/search/",
        {"subdivision": "UA-14", "conflict_type": "international", "action_status": "active"},
    ).content.decode()
    for name, value in [
        ("subdivision", "UA-14"),
        ("conflict_type", "international"),
        ("action_status", "active"),
    ]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
