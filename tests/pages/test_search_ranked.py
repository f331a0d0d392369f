"""Relevance over every match, page and API, where the server has the ranked (RUM) index;
the disclosed sample where it has not (docs/search.md, "Relevance over every match")."""

import json

import pytest
from django.db import connection

import cases.api.pagination  # noqa: F401  (imported now: it binds COUNT_LIMIT on import)
from cases import search as search_module
from tests import factories as f


@pytest.fixture
def small_limits(monkeypatch):
    """A count's limit of 4 and a sample of 3, so that a few incidents are "many"."""
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 4)
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", 3)


@pytest.fixture
def looting(world):
    """Seven public incidents on looting, the oldest the most relevant (the word in its
    title and summary again and again), and a hidden one more relevant still."""
    incidents = [
        f.IncidentFactory(
            published=True,
            title="Looting of the museum, looting of the archive",
            summary="Looting " * 6,
            date="2001-06-01",
        )
    ]
    for n in range(6):
        incidents.append(
            f.IncidentFactory(
                published=True, title=f"Report {n}", summary="looting", date=f"{2010 + n}-06-01"
            )
        )
    for status, confidentiality in [("draft", "public"), ("published", "confidential")]:
        f.IncidentFactory(
            title="Looting looting looting",
            summary="Looting " * 9,
            publication_status=status,
            confidentiality=confidentiality,
        )
    return incidents


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.usefixtures("ranked_index", "small_limits")
def test_past_the_limit_relevance_ranks_every_match(client, looting):
    response = client.get("/search/", {"q": "looting"})
    results = response.context["results"]
    assert (results.total, results.total_is_lower_bound) == (4, True)
    # the oldest incident is the most relevant: first, though not among the newest three
    assert results.incidents[0].pk == looting[0].pk
    assert not results.ranked_sample
    # the facets are still of the sample, and say so; the order is not of the sample
    text = page_text(response)
    assert "Filter counts and the timeline cover only the 3 matching incidents" in text
    assert "the relevance order cover only" not in text
    assert {v.value: v.count for v in results.facets["year"]} == {
        "2015": 1,
        "2014": 1,
        "2013": 1,
    }


@pytest.mark.usefixtures("without_ranked_index", "small_limits")
def test_without_the_ranked_index_relevance_ranks_the_sample_and_says_so(client, looting):
    response = client.get("/search/", {"q": "looting"})
    results = response.context["results"]
    assert looting[0].pk not in [i.pk for i in results.incidents]
    assert results.ranked_sample
    assert "Filter counts, the timeline and the relevance order cover only" in page_text(response)


@pytest.mark.usefixtures("ranked_index", "small_limits")
def test_pages_of_every_match_follow_the_distance_then_the_date(client, looting):
    # past the count's limit of 4, the page's 20 rows are the best of all 7 matches
    ids = [i.pk for i in client.get("/search/", {"q": "looting"}).context["results"].incidents]
    words = search_module.words_sql("looting")
    expected = (
        search_module.matching_incidents(search_module.Filters(text="looting"))
        .annotate(distance=search_module.rank_distance(words))
        .order_by("distance", "-date_earliest", "-pk")
    )
    assert ids == [i.pk for i in expected]
    assert set(ids) == {i.pk for i in looting}  # nothing hidden


@pytest.mark.usefixtures("ranked_index", "small_limits")
def test_words_found_only_as_a_prefix_come_after_the_words_themselves(client, world):
    older = f.IncidentFactory(published=True, title="Attac", date="2001-01-01")
    for n in range(5):
        f.IncidentFactory(published=True, title=f"Attacks, report {n}", date=f"201{n}-01-01")
    # "attac" is a word of the oldest title (its own stem), and begins "attack" in the others
    results = client.get("/search/", {"q": "attac"}).context["results"]
    assert not results.ranked_sample
    assert results.incidents[0].pk == older.pk
    # the others came by the prefix only: after it, newest first
    assert [i.date_earliest.year for i in results.incidents[1:]] == [2014, 2013, 2012, 2011, 2010]


@pytest.mark.usefixtures("ranked_index", "small_limits")
def test_a_word_estimated_in_more_incidents_than_the_budget_ranks_the_sample(
    client, looting, monkeypatch
):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_incident")
    monkeypatch.setattr(search_module, "RANK_LIMIT", 1)
    response = client.get("/search/", {"q": "looting"})
    results = response.context["results"]
    assert results.ranked_sample
    assert looting[0].pk not in [i.pk for i in results.incidents]
    assert "the relevance order cover only" in page_text(response)


@pytest.mark.parametrize("ranked", [True, False])
def test_the_api_ranks_every_match_on_both_servers(client, looting, request, ranked):
    request.getfixturevalue("ranked_index" if ranked else "without_ranked_index")
    response = client.get("/api/v1/incidents/", {"q": "looting", "page_size": 3})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["count_exact"]) == (7, True)
    ids = [row["id"] for row in body["results"]]
    assert ids[0] == looting[0].pk
    seen = list(ids)
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [row["id"] for row in body["results"]]
    assert sorted(seen) == sorted(i.pk for i in looting)  # every match once, none hidden
    if ranked:  # (DRF's cursor by rank goes back badly past ties: the pages without RUM)
        second = client.get(response.json()["next"]).json()
        previous = client.get(second["previous"]).json()
        assert [row["id"] for row in previous["results"]] == ids


@pytest.mark.usefixtures("ranked_index")
def test_the_api_ranked_export_streams_every_match_in_the_list_order(client, looting):
    listed = client.get("/api/v1/incidents/", {"q": "looting", "page_size": 50}).json()
    response = client.get("/api/v1/incidents/export/ndjson/", {"q": "looting"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    exported = [json.loads(line)["id"] for line in lines]
    assert exported == [row["id"] for row in listed["results"]]
    assert set(exported) == {i.pk for i in looting}


def test_the_ranked_index_is_checked_once_per_process(db, django_assert_num_queries):
    search_module.has_ranked_index()
    with django_assert_num_queries(0):
        search_module.has_ranked_index()


@pytest.mark.usefixtures("small_limits")
@pytest.mark.parametrize("ranked", [True, False])
def test_a_search_past_the_limit_runs_a_fixed_number_of_queries(
    client, looting, request, django_assert_num_queries, ranked
):
    # the statement (with the page of every match, or of the sample), the matching
    # actions, actors and places
    request.getfixturevalue("ranked_index" if ranked else "without_ranked_index")
    with django_assert_num_queries(4):
        assert client.get("/search/", {"q": "looting"}).status_code == 200
