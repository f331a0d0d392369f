"""The search page's timeline as a tool (cases/timeline.py, templates/cases/_timeline.html):
bars are links to their period by the search's date filters, counts are text and a table,
an open start has a bar of its own, and the figures are the Year facet's."""

import datetime
import re

import pytest

from cases import timeline
from tests import factories as f
from tests.pages.conftest import SECRET


def timeline_html(html: str) -> str:
    match = re.search(r'<figure class="timeline-tool".*?</figure>', html, re.S)
    assert match, "no timeline"
    return match.group(0)


def bars(html: str) -> dict[str, tuple[str, int]]:
    """Each linked bar's label, its link and its count as the table shows it."""
    rows = re.findall(
        r'<tr><th scope="row"><a href="([^"]+)">([^<]+)</a></th><td>([\d,]+)</td></tr>', html
    )
    return {label: (href.replace("&amp;", "&"), int(n.replace(",", ""))) for href, label, n in rows}


@pytest.fixture
def spread(world):
    """Incidents over four decades (year bars), one with an open start, one undated."""
    for year in (1990, 1995, 1995, 2021):
        f.IncidentFactory(published=True, title=f"Looting of {year}", date=f"{year}-06-01")
    f.IncidentFactory(published=True, title="Forced labour until 2023", date="../2023-03-17")
    f.IncidentFactory(published=True, title="Undated looting", date="")


def test_bars_are_links_to_their_year_with_the_year_facets_figures(client, world, spread):
    response = client.get("/search/", {"verification_status": "alleged"})
    html = timeline_html(response.content.decode())
    shown = bars(html)
    assert shown["1995"] == (
        "?verification_status=alleged&date_from=1995-01-01&date_to=1995-12-31",
        2,
    )
    assert shown["1990"][1] == 1
    assert shown["1991"][1] == 0  # the years between are there, empty
    assert len(shown) == 2021 - 1990 + 1
    # The same figures as the Year facet, year by year, and its "Start unknown" bucket.
    facet = {v.value: v.count for v in response.context["results"].facets["year"]}
    unknown = facet.pop("unknown")
    assert unknown > 0
    assert {year: n for year, (_, n) in shown.items() if n} == facet
    bar = re.search(r'<th scope="row">Start unknown</th><td>(\d+)</td>', html)
    assert int(bar.group(1)) == unknown


def test_an_open_start_and_no_date_count_in_their_own_bar(client, world, spread):
    response = client.get("/search/", {"q": "looting OR labour"})
    html = timeline_html(response.content.decode())
    assert "Start unknown" in html
    unknown = re.search(r'<th scope="row">Start unknown</th><td>(\d+)</td>', html)
    assert unknown.group(1) == "2"  # "../2023-03-17" and the undated one
    assert '<th scope="row">In all</th><td>6</td>' in html
    results = response.context["results"]
    assert results.total == 6
    assert sum(n for _, n in bars(html).values()) + 2 == results.total


def test_month_bars_link_to_their_month_and_label_the_years(client, world):
    html = timeline_html(client.get("/search/").content.decode())
    # The world's incidents begin on 24 February and 9 March 2022: months, not years.
    shown = bars(html)
    assert shown["March 2022"] == ("?date_from=2022-03-01&date_to=2022-03-31", 1)
    assert shown["February 2022"] == ("?date_from=2022-02-01&date_to=2022-02-28", 1)
    # The axis: the year under the first bar; each bar's period and count for screen readers.
    assert '<span aria-hidden="true">2022</span>' in html
    assert '<span class="visually-hidden">March 2022: 1 incident</span>' in html
    assert SECRET not in html


def test_following_a_bar_shows_its_period(client, world, spread):
    href, n = bars(timeline_html(client.get("/search/").content.decode()))["1995"]
    response = client.get("/search/" + href)
    titles = [i.title for i in response.context["results"].incidents]
    # The bar's two, and the one with an open start that may have gone on through 1995.
    assert n == 2
    assert titles == ["Looting of 1995", "Looting of 1995", "Forced labour until 2023"]


def test_heights_are_steps_of_the_peak():
    points = [(datetime.date(2020, 1, 1), 10), (datetime.date(2021, 1, 1), 1)]
    built = timeline.build(points, "year", total=14)
    assert [b.height for b in built.bars] == [timeline.STEPS, 2]
    assert built.unknown.count == 3
    assert built.unknown.height == 6
    assert timeline.build([], "year", total=0) is None


def test_many_years_leave_counts_to_the_table():
    points = [(datetime.date(1980 + i, 1, 1), i) for i in range(40)]
    built = timeline.build(points, "year", total=sum(range(40)))
    assert built.counts_shown is False
    assert [b.axis_label for b in built.bars if b.axis_label] == [
        "1980",
        "1985",
        "1990",
        "1995",
        "2000",
        "2005",
        "2010",
        "2015",
        "2019",
    ]
