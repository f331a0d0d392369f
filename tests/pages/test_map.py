"""The map's places (cases/maps.py): the search page's list of places and its JSON follow the
search's filters, say how exact each place is, place incidents without coordinates at their
region or country, and never show a hidden incident, in a fixed number of queries."""

import decimal

import pytest

from cases import maps
from cases import models as m
from tests import factories as f
from tests.pages.conftest import SECRET


@pytest.fixture
def placed(world):
    """Beside the world's two incidents known by their country only (Ukraine): one at
    exact coordinates in Mariupol, one known by its region only (UA-23), one in a state
    the boundaries do not know (the USSR), and every hidden incident given coordinates."""
    exact = f.IncidentFactory(
        published=True,
        title="Strike on the Mariupol drama theatre",
        date="2022-03-16",
        country=world.ua,
        subdivision="UA-14",
        place_name="Mariupol",
        latitude=decimal.Decimal("47.09570"),
        longitude=decimal.Decimal("37.54940"),
        coordinate_precision=m.CoordinatePrecision.EXACT,
    )
    region = f.IncidentFactory(
        published=True,
        title="Detention of three partisans",
        date="2023-03-17",
        country=world.ua,
        subdivision="UA-23",
    )
    soviet = f.IncidentFactory(
        published=True, title="A Soviet-era deportation", date="1950", country=world.su
    )
    for label in ["draft", "confidential", "review", "withdrawn"]:
        hidden = getattr(world, f"hidden_{label}_incident")
        hidden.latitude, hidden.longitude = decimal.Decimal("50.45"), decimal.Decimal("30.52")
        hidden.coordinate_precision = m.CoordinatePrecision.EXACT
        hidden.save()
    return exact, region, soviet


def by_label(places: list[dict]) -> dict[str, dict]:
    return {place["label"]: place for place in places}


def test_the_json_places_each_incident_and_says_how(client, world, placed):
    exact, _region, _ = placed
    data = client.get("/search/map.json").json()
    assert data["incident_count"] == 5
    assert data["place_count"] == 4
    assert data["not_drawn"] == 1  # the USSR: no boundaries, so no point
    places = by_label(data["places"])
    assert set(places) == {
        "Mariupol, Donetsk (UA-14), Ukraine",
        "Zaporizhzhia (UA-23), Ukraine",
        "Kharkiv / Mariupol, Ukraine",
    }
    mariupol = places["Mariupol, Donetsk (UA-14), Ukraine"]
    assert (mariupol["lat"], mariupol["lon"]) == (47.0957, 37.5494)
    assert mariupol["precision"] == "exact"
    assert mariupol["precision_text"] == "Coordinates recorded, precision: exact location"
    assert mariupol["incidents"] == [
        {"title": exact.title, "url": exact.get_absolute_url()},
    ]
    zaporizhzhia = places["Zaporizhzhia (UA-23), Ukraine"]
    assert zaporizhzhia["placed_at"] == "subdivision"
    assert (zaporizhzhia["lat"], zaporizhzhia["lon"]) == maps.subdivision_point("UA-23")[:2]
    assert zaporizhzhia["precision_text"] == (
        "No coordinates recorded: placed at the centre of Zaporizhzhia"
    )
    ukraine = places["Kharkiv / Mariupol, Ukraine"]
    assert ukraine["placed_at"] == "country"
    assert ukraine["count"] == 2
    assert (ukraine["lat"], ukraine["lon"]) == maps.country_point("UA")
    assert [i["url"] for i in ukraine["incidents"]] == [
        world.other.get_absolute_url(),  # newest first
        world.incident.get_absolute_url(),
    ]


def test_the_points_are_where_the_places_are():
    """Natural Earth's points, checked against the atlas: each inside its own bounds."""
    lat, lon = maps.country_point("UA")
    assert 44 < lat < 53
    assert 22 < lon < 41
    lat, lon = maps.country_point("RU")  # its mainland runs past 180°: still in Siberia
    assert 50 < lat < 70
    assert 60 < lon < 120
    lat, lon, name = maps.subdivision_point("UA-23")
    assert name == "Zaporizhzhia"
    assert 46.5 < lat < 48.5
    assert 34.5 < lon < 37.5
    assert maps.country_point("SU") is None
    assert maps.subdivision_point("UA-99") is None


def test_the_json_follows_the_search_filters(client, world, placed):
    _exact, region, _ = placed
    data = client.get("/search/map.json", {"q": "theatre"}).json()
    assert [p["label"] for p in data["places"]] == ["Mariupol, Donetsk (UA-14), Ukraine"]
    data = client.get("/search/map.json", {"subdivision": "UA-23", "country": "UA"}).json()
    assert data["incident_count"] == 1
    assert data["places"][0]["incidents"][0]["title"] == region.title
    data = client.get("/search/map.json", {"date_from": "2022-03-01", "date_to": "2022-03-31"})
    assert data.json()["incident_count"] == 3  # the shelling, the theatre, the deportation


def test_no_hidden_incident_reaches_the_map_or_its_counts(client, world, placed):
    """The hidden incidents are in Ukraine too, at coordinates of their own (Kyiv)."""
    for params in [{}, {"q": "children deported Mariupol"}, {"country": "UA"}]:
        response = client.get("/search/map.json", params)
        text = response.content.decode()
        assert SECRET not in text
        assert "50.45" not in text
        for label in ["draft", "confidential", "review", "withdrawn"]:
            hidden = getattr(world, f"hidden_{label}_incident")
            assert f'"{hidden.get_absolute_url()}"' not in text
    data = client.get("/search/map.json").json()
    assert sum(p["count"] for p in data["places"]) + data["not_drawn"] == 5
    html = client.get("/search/").content.decode()
    assert SECRET not in html
    assert "5 incidents at 4 places" in html


def test_a_filter_that_does_not_validate_is_a_400_naming_it(client, world):
    response = client.get("/search/map.json", {"country": "XX", "date_from": "yesterday"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Country: “XX” is not a country in this database." in text
    assert "From: Enter the date as YYYY-MM-DD" in text


def test_the_search_page_lists_the_places_without_scripts(client, world, placed):
    response = client.get("/search/", {"verification_status": "alleged"})
    html = response.content.decode()
    assert 'data-places-url="/search/map.json?verification_status=alleged"' in html
    # Each place links to the same search narrowed to it; the counts are text.
    assert (
        '<a href="/search/?verification_status=alleged&amp;country=UA&amp;subdivision=UA-23">'
        "Zaporizhzhia (UA-23), Ukraine</a> "
        '<span class="count">1 incident</span> '
        '<span class="meta">No coordinates recorded: placed at the centre of Zaporizhzhia</span>'
    ) in html
    assert "Not on the map: no boundaries are known for USSR" in html
    # the deportation is adjudicated, the shelling verified: the others are alleged
    assert "3 incidents at 3 places" in html


def test_a_place_with_many_incidents_links_to_the_rest(client, world):
    for n in range(maps.TITLES_PER_PLACE + 2):
        f.IncidentFactory(
            published=True, title=f"Looting {n}", country=world.ua, subdivision="UA-23"
        )
    place = by_label(client.get("/search/map.json", {"q": "looting"}).json()["places"])[
        "Zaporizhzhia (UA-23), Ukraine"
    ]
    assert place["count"] == maps.TITLES_PER_PLACE + 2
    assert len(place["incidents"]) == maps.TITLES_PER_PLACE
    assert place["search_url"] == "/search/?q=looting&country=UA&subdivision=UA-23"


def test_the_incident_page_carries_its_own_place(client, world, placed):
    exact, _region, soviet = placed
    html = client.get(exact.get_absolute_url()).content.decode()
    assert '<script id="map-data" type="application/json">' in html
    assert '"precision": "exact"' in html
    assert "Coordinates recorded, precision: exact location." in html
    html = client.get(soviet.get_absolute_url()).content.decode()
    assert '"places": []' in html
    assert "Not on the map: no boundaries are known for USSR." in html


def test_the_browse_page_lists_the_places(client, world, placed):
    html = client.get("/incidents/").content.decode()
    assert 'data-places-url="/search/map.json"' in html
    assert '<a href="/search/?country=UA&amp;subdivision=UA-23">' in html


def test_the_json_takes_a_fixed_number_of_queries(client, world, placed, django_assert_num_queries):
    # the country filter's look-up, then the places
    with django_assert_num_queries(2):
        client.get("/search/map.json", {"country": "UA"})
    for n in range(30):
        f.IncidentFactory(
            published=True,
            title=f"Shelling {n}",
            country=world.ua,
            latitude=decimal.Decimal(f"48.{n:02d}"),
            longitude=decimal.Decimal("37.5"),
            coordinate_precision=m.CoordinatePrecision.SETTLEMENT,
        )
    with django_assert_num_queries(2):
        data = client.get("/search/map.json", {"country": "UA"}).json()
    assert data["incident_count"] == 34  # the four in Ukraine and the thirty


def test_past_the_limit_the_places_with_fewest_incidents_are_left_out(world, placed):
    places = maps.incident_places(m.Incident.objects.public(), limit=2)
    assert [p.count for p in places.places] == [2, 1]
    assert places.place_count == 4
    assert places.more == 2
    assert places.incident_count == 5
