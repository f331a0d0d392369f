"""CSV export of the current result set."""

import csv
import html
import io

import pytest


def rows(response) -> list[dict]:
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_streams_the_same_results_as_the_page(client, world):
    exported = rows(client.get("/search/export.csv", {"q": "Львова-Бєлова"}))
    assert [r["title"] for r in exported] == [world.incident.title]
    row = exported[0]
    assert row["date"] == "2022-02-24/2023-03-17"
    assert row["country"] == "UA"
    assert row["country_name"] == "Ukraine"
    assert row["categories"] == "deportation"
    assert row["html_url"] == "http://testserver" + world.incident.get_absolute_url()


def test_export_follows_filters_and_sort(client, world):
    exported = rows(client.get("/search/export.csv", {"country": "UA", "sort": "oldest"}))
    assert [r["title"] for r in exported] == [world.incident.title, world.other.title]
    exported = rows(client.get("/search/export.csv", {"verification_status": "verified"}))
    assert [r["title"] for r in exported] == [world.other.title]


def test_results_page_links_to_the_export_of_its_query(client, world):
    html = client.get("/search/", {"q": "children", "country": "UA"}).content.decode()
    assert 'href="/search/export.csv?q=children&amp;country=UA"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2022-13-45"}, "From: Enter the date as YYYY-MM-DD, e.g. 2022-02-24."),
        ({"date_from": "nonsense"}, "From: Enter the date as YYYY-MM-DD, e.g. 2022-02-24."),
        ({"country": "XX"}, "Country: “XX” is not a country in this database."),
        (
            {"date_from": "2023-01-01", "date_to": "2022-01-01"},
            "To: The end date is before the start date.",
        ),
    ],
)
def test_export_with_a_bad_parameter_is_a_400_with_the_page_message(client, world, params, message):
    """Unlike the page, a file cannot say which filter it left out: no unfiltered file."""
    response = client.get("/search/export.csv", params)

    assert response.status_code == 400
    assert not response.streaming
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == message + "\n"
    page = client.get("/search/", params).content.decode()
    assert html.escape(message, quote=False) in page


def test_the_page_exports_what_it_shows_leaving_invalid_filters_out(client, world):
    page = client.get("/search/", {"q": "children", "country": "XX", "date_from": "nonsense"})

    html_text = page.content.decode()
    assert 'href="/search/export.csv?q=children"' in html_text
    assert client.get("/search/export.csv", {"q": "children"}).status_code == 200
