"""CSV export of the current result set."""

import csv
import io


def rows(response) -> list[dict]:
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_export_streams_the_same_results_as_the_page(client, world):
    exported = rows(client.get("/search/export.csv", {"q": "Львова-Бєлова"}))
    assert [r["title"] for r in exported] == [world.incident.title]
    row = exported[0]
    assert row["date_reported"] == "2022-02-24/2023-03-17"
    assert row["country"] == "Ukraine"
    assert row["categories"] == "Deportation or forcible transfer"
    assert row["url"].endswith(world.incident.get_absolute_url())


def test_export_follows_filters_and_sort(client, world):
    exported = rows(client.get("/search/export.csv", {"country": "UA", "sort": "oldest"}))
    assert [r["title"] for r in exported] == [world.incident.title, world.other.title]
    exported = rows(client.get("/search/export.csv", {"status": "verified"}))
    assert [r["title"] for r in exported] == [world.other.title]


def test_results_page_links_to_the_export_of_its_query(client, world):
    html = client.get("/search/", {"q": "children", "country": "UA"}).content.decode()
    assert 'href="/search/export.csv?q=children&amp;country=UA"' in html


def test_export_with_bad_parameters_still_answers(client, world):
    exported = rows(client.get("/search/export.csv", {"country": "XX", "from": "nonsense"}))
    assert len(exported) == 2
