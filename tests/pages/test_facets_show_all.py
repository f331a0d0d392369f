"""Facets past the count's limit read as counts in a sample, never as totals; a capped
facet offers "Show every …" (its values in the sample, up to FACET_ALL_SIZE)."""

from cases import search as search_module
from tests import factories as f


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def flat(response) -> str:
    return " ".join(response.content.decode().split())


def test_past_the_limit_every_block_and_count_names_the_sample(client, world, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 4)
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", 3)
    for n in range(6):
        f.IncidentFactory(published=True, title=f"Looting {n}", country=world.ua)
    response = search(client, q="looting")
    html = flat(response)
    blocks = [name for name, _t, values, _m, _c in response.context["facet_groups"] if values]
    assert blocks  # country, status, year at least
    assert html.count("(counts in the 3 matches most recently added)") == len(blocks)
    # "Ukraine 3 of 3": a count in the sample, not a total
    assert (
        'Ukraine</a> <span class="count">3 of 3<span class="visually-hidden"> incidents sampled'
        in html
    )


def test_within_the_limit_counts_are_plain_totals(client, world):
    html = flat(search(client))
    assert "most recently added" not in html
    assert 'Ukraine</a> <span class="count">2<span class="visually-hidden"> incidents' in html


def test_a_capped_facet_offers_show_every_value(
    client, world, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(search_module, "FACET_SIZE", 1)
    pl = f.StateFactory(code="PL", name="Poland")
    de = f.StateFactory(code="DE", name="Germany")
    f.IncidentFactory(published=True, title="Shelling in Poland", country=pl)
    f.IncidentFactory(title="ZZSECRETMARKER draft in Germany", country=de)  # hidden
    response = search(client)
    assert [v.value for v in response.context["results"].facets["country"]] == ["UA"]
    assert "country" in response.context["results"].facets_cut
    html = flat(response)
    assert 'href="?show_all=country">Show every country</a>' in html

    # The facets' one statement and the map's places, as without show_all.
    with django_assert_num_queries(2):
        response = search(client, show_all="country")
    values = [v.value for v in response.context["results"].facets["country"]]
    assert values == ["UA", "PL"]  # the hidden incident's country is not among them
    assert "country" not in response.context["results"].facets_cut
    html = flat(response)
    assert ">Show only the largest</a>" in html
    assert "Germany" not in html
    # other capped facets stay capped; an unknown name shows nothing more
    assert "actor" in response.context["results"].facets_cut
    response = search(client, show_all="bogus")
    assert [v.value for v in response.context["results"].facets["country"]] == ["UA"]
