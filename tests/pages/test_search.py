"""The search page as an advocate uses it: words, names in other scripts, filters, facets."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection

from cases import models as m
from cases.search import search_incidents
from tests import factories as f


def titles(response) -> list[str]:
    return [i.title for i in response.context["results"].incidents]


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "text",
    [
        "deportation children",  # English stems: "deported" in the summary
        "Lvova-Belova",  # an involved actor's name
        "Львова-Бєлова",  # her name in Ukrainian
        "Мария Львова-Белова",  # ... and in Russian
        "Mariupol",  # the place
        "8(2)(b)(viii)",  # a provision label
        "Lvov",  # prefix of the last word, as the user types
    ],
)
def test_words_names_places_and_provisions_find_the_incident(client, world, text):
    assert titles(search(client, q=text)) == [world.incident.title]


def test_websearch_syntax_phrase_or_and_exclusion(client, world):
    assert titles(search(client, q='"occupied areas"')) == [world.incident.title]
    assert set(titles(search(client, q="hospital OR orphanages"))) == {
        world.incident.title,
        world.other.title,
    }
    assert titles(search(client, q="Ukraine -hospital")) == [world.incident.title]


def test_snippet_highlights_matches_and_escapes_markup(client, world):
    world.other.summary = (
        "Doctors & nurses said <script>alert(1)</script> the hospital was shelled."
    )
    world.other.save()
    html = search(client, q="hospital").content.decode()
    assert "<mark>hospital</mark>" in html
    assert "Doctors &amp; nurses" in html
    assert "<script>alert(1)" not in html


def test_ties_are_broken_by_date_then_id(client, world):
    same = [
        f.IncidentFactory(published=True, title="Looting of a museum", date=day)
        for day in ["2022-03-01", "2022-05-01", "2022-05-01"]
    ]
    expected = [same[2].title, same[1].title, same[0].title]
    assert titles(search(client, q="looting museum")) == expected
    ranked = search_incidents(m.Incident.objects.public(), "looting museum")
    assert [i.pk for i in ranked] == [same[2].pk, same[1].pk, same[0].pk]


def test_sort_newest_and_oldest(client, world):
    assert titles(search(client, sort="newest")) == [world.other.title, world.incident.title]
    assert titles(search(client, sort="oldest")) == [world.incident.title, world.other.title]


def test_matching_actors_and_actions_are_listed(client, world):
    response = search(client, q="Львова-Бєлова")
    assert [a.name for a in response.context["actors"]] == ["Maria Lvova-Belova"]
    response = search(client, q="ICC-01/22")
    assert [a.title for a in response.context["actions"]] == [world.warrant.title]


def facet(response, name) -> dict[str, int]:
    return {v.value: v.count for v in response.context["results"].facets[name]}


def test_facet_counts_come_from_the_matching_public_incidents(client, world):
    response = search(client)
    assert facet(response, "country") == {"UA": 2}
    assert facet(response, "verification_status") == {"adjudicated": 1, "verified": 1}
    assert facet(response, "year") == {"2022": 2}
    # the broader category counts the incidents of the narrower one
    assert facet(response, "category") == {"crimes-against-civilians": 1, "deportation": 1}
    assert facet(response, "instrument") == {"gc-iv": 1, "rome-statute": 1}
    assert facet(response, "provision") == {str(world.art49.pk): 1, str(world.art8.pk): 1}
    assert facet(response, "actor") == {str(world.lvova.pk): 1, str(world.russia.pk): 1}
    assert facet(response, "action_kind") == {"arrest_warrant": 1}
    assert facet(search(client, q="hospital"), "country") == {"UA": 1}


def test_facets_count_only_what_legal_qualification_public_lets_through(client, world):
    """The statement reads qualifications through LegalQualification's own public rule:
    one asserted only by a hidden actor, or under a hidden instrument's provision, counts
    nowhere; one asserted by no one counts."""
    hidden_provision = m.Provision.objects.exclude(instrument__in=m.Instrument.objects.public())
    f.LegalQualificationFactory(
        incident=world.other, provision=world.art8, asserted_by=world.hidden_draft_actor
    )
    f.LegalQualificationFactory(
        incident=world.other, provision=world.art49, asserted_by=world.hidden_confidential_actor
    )
    f.LegalQualificationFactory(incident=world.other, provision=hidden_provision.first())
    response = search(client)
    assert facet(response, "provision") == {str(world.art49.pk): 1, str(world.art8.pk): 1}
    assert facet(response, "instrument") == {"gc-iv": 1, "rome-statute": 1}

    f.LegalQualificationFactory(incident=world.other, provision=world.art8, asserted_by=None)
    response = search(client)
    assert facet(response, "provision") == {str(world.art49.pk): 1, str(world.art8.pk): 2}
    assert facet(response, "instrument") == {"gc-iv": 1, "rome-statute": 2}


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("country", "UA"),
        ("category", "crimes-against-civilians"),  # includes the narrower "deportation"
        ("instrument", "rome-statute"),
        ("action_kind", "arrest_warrant"),
        ("verification_status", "adjudicated"),
        ("year", "2022"),
        ("date_from", "2023-01-01"),
    ],
)
def test_each_filter_narrows_the_results(client, world, param, value):
    response = search(client, **{param: value})
    assert world.incident.title in titles(response)
    if param not in {"country", "year"}:
        assert world.other.title not in titles(response)


def test_provision_and_actor_filters(client, world):
    assert titles(search(client, provision=world.art49.pk)) == [world.incident.title]
    assert titles(search(client, actor=world.lvova.pk)) == [world.incident.title]


def test_active_filters_are_listed_and_removable_one_by_one(client, world):
    response = search(client, q="children", country="UA", verification_status="adjudicated")
    active = {label: remove for label, _, remove in response.context["active_filters"]}
    assert set(active) == {"Search text", "Country", "Verification status"}
    assert active["Country"] == "?q=children&verification_status=adjudicated"
    html = response.content.decode()
    assert 'aria-label="Remove filter Country: Ukraine"' in html
    # the search form keeps the filters it does not show as inputs
    assert '<input type="hidden" name="country" value="UA">' in html


def test_date_range_uses_the_uncertain_bounds(client, world):
    # the incident runs 2022-02-24 to 2023-03-17; the shelling was on 2022-03-09
    response = search(client, date_from="2022-06-01", date_to="2022-12-31")
    assert titles(response) == [world.incident.title]


def test_pagination_keeps_the_state_in_the_url(client, world):
    for n in range(25):
        f.IncidentFactory(published=True, title=f"Looting {n}", date=f"2021-01-{n + 1:02d}")
    response = search(client, q="looting", page=2, sort="oldest")
    assert titles(response) == [f"Looting {n}" for n in range(20, 25)]
    html = response.content.decode()
    previous = re.search(r'href="([^"]*)" rel="prev"', html).group(1)
    assert sorted(previous.lstrip("?").split("&amp;")) == ["page=1", "q=looting", "sort=oldest"]
    assert "Page 2 of 2" in html


def test_timeline_has_linked_bars_and_a_table(client, world):
    """More in tests/pages/test_map_timeline.py."""
    html = search(client).content.decode()
    assert '<figure class="timeline-tool"' in html
    assert '<span class="visually-hidden">March 2022: 1 incident</span>' in html
    assert '<th scope="row">In all</th><td>2</td>' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"country": "XX"}, "Country: “XX” is not a country in this database."),
        ({"category": "no-such-thing"}, "Violation category: There is no violation category"),
        ({"verification_status": "rumoured"}, "Verification status: Select a valid choice."),
        ({"action_kind": "<script>"}, "Action kind: Select a valid choice."),
        ({"provision": "abc"}, "Provision: Enter a whole number."),
        ({"date_from": "24/02/2022"}, "From: Enter the date as YYYY-MM-DD"),
        # Neither the ambiguous form nor the month in words: the date inputs send ISO.
        ({"date_to": "07/03/2025"}, "To: Enter the date as YYYY-MM-DD, e.g. 2022-02-24."),
        ({"date_to": "7 March 2025"}, "To: Enter the date as YYYY-MM-DD, e.g. 2022-02-24."),
        (
            {"date_from": "2023-01-01", "date_to": "2022-01-01"},
            "To: The end date is before the start date.",
        ),
        ({"q": "x" * 2000}, "Search text: The search text is too long: at most 500 characters"),
        ({"page": "999"}, "Page: there is no page 999; the results have 1 page."),
        ({"page": "-1"}, "Page: Ensure this value is greater than or equal to 1."),
        ({"sort": "random"}, "Sort: Select a valid choice."),
    ],
)
def test_bad_input_gets_a_clear_message_and_still_a_page(client, world, params, message):
    response = client.get("/search/", params)
    assert response.status_code == 200
    assert message in response.content.decode()
    if "date_from" not in params:
        assert response.context["results"].total == 2  # the bad parameter is left out


@pytest.mark.parametrize(
    "text",
    ['"', "&|!():*", "-", "OR", "children OR", "'", "a:* & !b", "\\", "(((", "Lvov'", "x\x00y"],
)
def test_stray_operators_never_break_the_search(client, world, text):
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_quotes_and_percent_signs_in_a_query_are_words_not_sql(client, world, sort):
    # The page binds the query into its one statement: quotes, backslashes and the
    # driver's own placeholders in it must stay data.
    f.IncidentFactory(published=True, title="O'Brien counted 100% %(ids)s \\ destroyed")
    for text in ("O'Brien 100%", "%(ids)s destroyed", "'); DROP TABLE cases_state; --"):
        response = search(client, q=text, sort=sort)
        expected = [] if "DROP" in text else ["O'Brien counted 100% %(ids)s \\ destroyed"]
        assert titles(response) == expected, text
    assert m.State.objects.filter(code="UA").exists()


def test_without_pg_trgm_a_misspelling_finds_nothing_quietly(client, world):
    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION IF EXISTS pg_trgm")
    response = search(client, q="Lvova-Bleova")
    assert titles(response) == []
    assert response.context["suggestions"] == []


def test_with_pg_trgm_a_misspelled_name_gets_a_suggestion(client, world):
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    response = search(client, q="Lvova-Bleova")
    assert response.context["suggestions"][0] == "Maria Lvova-Belova"
    assert "Did you mean" in response.content.decode()
    # a hidden actor's name is never suggested
    response = search(client, q="ZZSECRETMARKER draft")
    assert all("ZZSECRET" not in s for s in response.context["suggestions"])


def test_search_incidents_keeps_its_signature_for_the_api(world):
    found = search_incidents(m.Incident.objects.public(), "Львова-Бєлова")
    assert [i.pk for i in found] == [world.incident.pk]
    assert found[0].rank > 0


def test_home_page_counts_and_latest(client, world):
    response = client.get("/")
    assert response.context["counts"]["incidents"] == 2
    assert response.context["counts"]["actions"] == 1
    assert [i.title for i in response.context["latest_incidents"]] == [
        world.other.title,
        world.incident.title,
    ]
    assert 'role="search"' in response.content.decode()


def test_dates_are_shown_as_reported_in_words(client, world):
    world.other.date = "2022-05~"
    world.other.save()
    assert world.other.date_earliest == datetime.date(2022, 5, 1)
    assert "about May 2022" in search(client, q="hospital").content.decode()


@pytest.mark.usefixtures("without_ranked_index")
def test_large_result_sets_are_capped_and_say_so(client, world, monkeypatch):
    from cases import search as search_module

    monkeypatch.setattr(search_module, "COUNT_LIMIT", 4)
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", 3)
    for n in range(6):
        f.IncidentFactory(published=True, title=f"Looting {n}", date=f"2021-01-{n + 1:02d}")
    response = search(client, q="looting")
    results = response.context["results"]
    assert results.total_is_lower_bound
    assert results.total == 4
    assert results.ranked_sample
    assert results.facets_are_sample
    # past the count's limit, the facets describe the three most recently added
    assert {v.value: v.count for v in results.facets["year"]} == {"2021": 3}
    assert [i.title for i in results.incidents] == ["Looting 5", "Looting 4", "Looting 3"]
    html = " ".join(response.content.decode().split())
    assert "More than 4 incidents" in html
    assert (
        "Filter counts, the timeline and the relevance order cover only the 3 matching "
        "incidents most recently added to the database; add words or filters" in html
    )
    assert "Counts among the 3 matching incidents most recently added to the database." in html
    # sorting by date still orders every match, not only the sample
    response = search(client, q="looting", sort="newest")
    assert titles(response)[0] == "Looting 5"
    assert "Filter counts and the timeline cover only the 3 matching incidents" in " ".join(
        response.content.decode().split()
    )
    response = search(client, q="looting", sort="oldest")
    assert titles(response)[0] == "Looting 0"  # not among the three most recently added


@pytest.mark.usefixtures("without_ranked_index")
def test_relevance_pages_through_the_sample_and_date_order_through_the_count(
    client, world, monkeypatch
):
    from cases import search as search_module

    monkeypatch.setattr(search_module, "COUNT_LIMIT", 45)
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", 21)
    for n in range(46):
        f.IncidentFactory(published=True, title=f"Looting {n}")
    ranked = search(client, q="looting").context["results"]
    assert (ranked.total, ranked.pages) == (45, 2)  # 21 ranked results: two pages
    last = search(client, q="looting", page=2).context["results"]
    assert [i.title for i in last.incidents] == ["Looting 25"]  # the 21st newest
    by_date = search(client, q="looting", sort="newest").context["results"]
    assert by_date.pages == 3  # 45 counted, every match ordered


def test_a_result_set_at_the_limit_is_counted_exactly(client, world, monkeypatch):
    from cases import search as search_module

    monkeypatch.setattr(search_module, "COUNT_LIMIT", 4)
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", 2)
    for n in range(4):
        f.IncidentFactory(published=True, title=f"Looting {n}", date=f"2021-01-{n + 1:02d}")
    response = search(client, q="looting")
    results = response.context["results"]
    assert (results.total, results.total_is_lower_bound) == (4, False)
    assert not results.facets_are_sample
    # up to the limit the facets count every match, not the sample's size
    assert {v.value: v.count for v in results.facets["year"]} == {"2021": 4}
    assert len(results.incidents) == 4
    html = response.content.decode()
    assert "4 incidents" in html
    assert "most recently added" not in html


def test_a_result_shows_its_country_status_and_categories(client, world):
    html = search(client, q="Mariupol").content.decode()
    assert f'<a href="{world.incident.get_absolute_url()}">{world.incident.title}</a>' in html
    assert f'<a href="{world.ua.get_absolute_url()}">{world.ua.name}</a>' in html
    assert world.incident.get_verification_status_display() in html
    assert f'<a href="{world.deportation.get_absolute_url()}">{world.deportation.name}</a>' in html


def test_a_page_past_the_last_shows_the_last_page(client, world):
    response = search(client, q="hospital", page=999)
    assert [i.pk for i in response.context["results"].incidents] == [world.other.pk]
    assert "<mark>" in response.content.decode()  # its snippet too


def test_live_filtering_scripts_come_from_this_site(client, world):
    """htmx and the page's own script, from static/: no CDN, nothing inline (the content
    security policy allows scripts from this site only)."""
    html = search(client, q="hospital").content.decode()
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources == [
        "/static/vendor/htmx-2.0.11.min.js",
        "/static/js/search.js",
        # the map (docs/map.md)
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "/static/vendor/topojson-client/topojson-client.min.js",
        "/jsi18n/",  # the map's words in the page's language (docs/i18n.md)
        "/static/js/map.js",
    ]
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/"))
    assert html.count("<script") == len(sources)
