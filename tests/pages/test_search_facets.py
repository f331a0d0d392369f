"""The search page's filters and pages as a keyboard or screen-reader user meets them: counts
beside the links, a folded Year facet, a skip link, relevance once text is typed, numbered
pages, and nothing to filter or download when nothing matches."""

import re

from tests import factories as f
from tests.pages.test_search import search


def test_a_facet_count_is_beside_its_link_not_in_its_name(client, world):
    html = search(client, q="children").content.decode()
    link = re.search(rf'<a href="[^"]*provision={world.art49.pk}"[^>]*>(.*?)</a>', html)
    assert link.group(1) == "GC IV art. 49"
    after = html[link.end() :]
    assert after.startswith(
        ' <span class="count">1<span class="visually-hidden"> incident</span></span>'
    )


def test_the_year_facet_shows_ten_years_and_folds_the_rest(client, world):
    for year in range(2005, 2020):
        f.IncidentFactory(published=True, title=f"Looting {year}", date=str(year))
    response = search(client)
    groups = {name: (values, more) for name, _, values, more, _ in response.context["facet_groups"]}
    shown, more = groups["year"]
    assert [v.value for v in shown] == ["2022"] + [str(y) for y in range(2019, 2010, -1)]
    assert [v.value for v in more["values"]] == [str(y) for y in range(2010, 2004, -1)]
    assert not more["open"]
    html = response.content.decode()
    assert "<summary>Earlier years (6)</summary>" in html
    assert groups["country"][1] is None  # capped in the database: nothing folded


def test_a_skip_link_leads_past_the_results_to_the_filters(client, world):
    html = search(client, q="Ukraine").content.decode()
    skip = html.index('<a class="to-filters" href="#filters">Skip to the filters</a>')
    results = html.index('<ol class="results"')
    filters = html.index('<aside class="facets" id="filters" tabindex="-1"')
    assert skip < results < filters


def test_text_typed_on_the_empty_page_is_ranked_by_relevance(client, world):
    empty = search(client)
    html = empty.content.decode()
    assert '<option value="" selected>Relevance</option>' in html
    assert "Sorted by newest first (relevance needs search text)." in " ".join(html.split())
    # the form sends what the empty page's select holds: sort=""
    typed = search(client, q="children", sort="")
    assert typed.context["sort"] == "relevance"
    assert "Sorted by relevance." in typed.content.decode()
    # a chosen order stays chosen
    chosen = search(client, q="children", sort="oldest").content.decode()
    assert '<option value="oldest" selected>Oldest first</option>' in chosen
    assert '<option value="">Relevance</option>' in chosen


def test_search_pages_are_numbered_with_first_and_last(client, world):
    for n in range(85):
        f.IncidentFactory(published=True, title=f"Looting {n}", date=f"2021-01-{n % 28 + 1:02d}")
    html = search(client, q="looting", page=3).content.decode()
    nav = html[html.index('<nav class="pagination"') :]
    nav = nav[: nav.index("</nav>")]
    numbers = re.findall(r'<span class="visually-hidden">Page </span>(\d+)</a>', nav)
    assert numbers == ["1", "2", "3", "4", "5"]
    assert 'aria-current="page"><span class="visually-hidden">Page </span>3</a>' in nav
    assert re.search(r'href="\?[^"]*page=1[^"]*">First', nav)
    assert re.search(r'href="\?[^"]*page=5[^"]*">Last', nav)
    assert "Page 3 of 5" in nav


def test_no_results_offer_no_download_and_no_empty_filters(client, world):
    html = search(client, q="nothingmatchesthis").content.decode()
    assert "0 incidents" in html
    assert "Download these results as CSV" not in html
    assert "Filter results" not in html
    assert "Skip to the filters" not in html
