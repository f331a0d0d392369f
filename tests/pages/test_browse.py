"""The browse pages (every public incident, action, actor, source and state, a page at a
time), the About page, and "last updated" on every record page."""

import re

import pytest

from cases import models as m
from cases.browse import PER_PAGE, VERIFICATION_MEANINGS
from cases.templatetags.cases_tags import page_window
from tests import factories as f
from tests.pages.conftest import SECRET

HIDDEN = ["draft", "confidential", "review", "withdrawn"]
LISTS = {
    "/incidents/": ("incident", "incident"),
    "/actions/": ("action", "warrant"),
    "/actors/": ("actor", "lvova"),
    "/sources/": ("source", "press"),
}


def listed_pks(response) -> list:
    return [record.pk for record in response.context["object_list"]]


@pytest.mark.parametrize("url", LISTS)
def test_a_list_shows_public_records_and_no_hidden_one(client, world, url):
    kind, public_name = LISTS[url]
    response = client.get(url)
    assert response.status_code == 200
    public = getattr(world, public_name)
    assert public.pk in listed_pks(response)
    html = response.content.decode()
    assert f'href="{public.get_absolute_url()}"' in html
    for label in HIDDEN:
        hidden = getattr(world, f"hidden_{label}_{kind}")
        assert hidden.pk not in listed_pks(response), label
        assert hidden.get_absolute_url() not in html, label
    assert SECRET not in html
    assert response.context["paginator"].count == len(listed_pks(response))


def test_lists_are_in_a_sensible_order(client, world):
    incidents = client.get("/incidents/").context["object_list"]
    assert [i.pk for i in incidents] == [world.other.pk, world.incident.pk]  # newest first
    actors = [a.name for a in client.get("/actors/").context["object_list"]]
    assert actors == sorted(actors)


def test_the_states_list_counts_public_incidents_only(client, world):
    """Four hidden incidents are in Ukraine too: they are not counted."""
    response = client.get("/states/")
    counts = {s.code: s.incident_count for s in response.context["object_list"]}
    assert counts == {"RU": 0, "UA": 2, "SU": 0}
    html = response.content.decode()
    assert f'href="{world.ua.get_absolute_url()}">Ukraine</a>' in html
    assert 'href="/search/?country=UA">2<span class="visually-hidden"> incidents in Ukraine' in html


def test_an_issuing_body_that_is_not_public_is_not_named(client, world):
    world.warrant.issuing_body = world.hidden_draft_actor
    world.warrant.save()
    html = client.get("/actions/").content.decode()
    assert world.warrant.title in html
    assert SECRET not in html


def test_lists_are_paginated_with_numbered_pages(client, world):
    for n in range(2 * PER_PAGE + 5):  # with the world's two: three pages
        f.IncidentFactory(published=True, title=f"Looting {n}", date=f"2001-01-{n % 28 + 1:02d}")
    first = client.get("/incidents/")
    assert len(first.context["object_list"]) == PER_PAGE
    html = first.content.decode()
    assert (
        '<a href="?page=1" aria-current="page"><span class="visually-hidden">Page </span>1</a>'
        in html
    )
    assert '<a href="?page=3"><span class="visually-hidden">Page </span>3</a>' in html
    assert 'href="?page=2" rel="next"' in html
    assert "Previous" not in html
    last = client.get("/incidents/", {"page": 3})
    assert len(last.context["object_list"]) == 7
    html = last.content.decode()
    assert 'href="?page=1">First' in html
    assert 'href="?page=2" rel="prev"' in html
    assert 'rel="next"' not in html
    assert "Page 3 of 3" in html
    assert '<ol class="results" start="101">' in html
    assert "<title>Incidents, page 3 · IHL Case Database</title>" in html


BROWSE_URLS = [*LISTS, "/states/"]


@pytest.mark.parametrize("url", BROWSE_URLS)
@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "9" * 5000])
def test_a_page_that_is_not_a_page_number_is_a_clear_404(client, world, url, page):
    response = client.get(url, {"page": page})
    assert response.status_code == 404
    html = response.content.decode()
    assert "is not a page number of the " in html
    assert ": pages are numbered from 1." in html
    assert f'<a href="{url}">The first page</a>' in html


@pytest.mark.parametrize("url", BROWSE_URLS)
def test_an_empty_page_number_is_the_first_page(client, world, url):
    assert client.get(url, {"page": ""}).context["page_obj"].number == 1


@pytest.mark.parametrize("url", BROWSE_URLS)
def test_a_page_past_the_last_shows_the_last_page_and_says_so(client, world, url):
    response = client.get(url, {"page": 10**9})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert "There is no page 1,000,000,000: the " in response.content.decode()
    assert "fill 1 page. Showing the last page." in response.content.decode()


@pytest.mark.parametrize(
    ("page", "pages", "window"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 20, [1, 2, 3, None, 20]),
        (4, 20, [1, 2, 3, 4, 5, 6, None, 20]),
        (7, 20, [1, None, 5, 6, 7, 8, 9, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
    ],
)
def test_page_window(page, pages, window):
    assert page_window(page, pages) == window


def test_the_home_page_counts_link_to_the_lists(client, world):
    html = client.get("/").content.decode()
    for url, noun in [
        ("/incidents/", "incidents?"),
        ("/actions/", "accountability actions?"),
        ("/actors/", "actors?"),
        ("/sources/", "sources?"),
    ]:
        assert re.search(rf'<a href="{url}"><strong>\d+</strong> {noun}</a>', html), url


def test_the_lists_and_about_are_in_the_navigation(client, world):
    html = client.get("/").content.decode()
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    for url in ["/incidents/", "/actions/", "/actors/", "/sources/", "/states/", "/about/"]:
        assert f'href="{url}"' in nav


def test_the_about_page_explains_statuses_grades_and_citation(client, world):
    response = client.get("/about/")
    assert response.status_code == 200
    html = response.content.decode()
    for value, label in m.VerificationStatus.choices:
        assert (
            f'<dt id="status-{value}">{label}</dt><dd>{VERIFICATION_MEANINGS[value]}</dd>' in html
        )
    for _, label in m.Reliability.choices:
        assert f"<li>{label}</li>" in html  # "B – usually reliable"
    assert "Admiralty code" in html
    assert 'id="cite"' in html
    assert "http://testserver/incidents/123/ (accessed " in html
    assert SECRET not in html


RECORDS = [
    "incident",
    "warrant",
    "lvova",
    "press",
    "ua",
    "gc4",
    "art49",
    "deportation",
]


@pytest.mark.parametrize("name", RECORDS)
def test_every_record_page_says_when_it_was_last_updated(client, world, name):
    record = getattr(world, name)
    type(record).objects.filter(pk=record.pk).update(updated_at="2024-03-05T10:00:00Z")
    html = client.get(record.get_absolute_url()).content.decode()
    assert 'Last updated <time datetime="2024-03-05">5 March 2024</time>' in html
