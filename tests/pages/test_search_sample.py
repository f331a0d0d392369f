"""Large result sets: the facets of a sample that does not depend on the database's plan,
and facet counts that only count what the public may see."""

import pytest
from django.db import connection

from cases import models as m
from cases import search as search_module
from cases import services
from tests import factories as f

# Ways the database may choose to find the matches: its own pick, an index on the search
# vector, a walk of the primary key, a scan of the whole table.
PLANS = {
    "default": [],
    "bitmap": ["enable_indexscan", "enable_seqscan"],
    "primary key": ["enable_bitmapscan", "enable_seqscan"],
    "table scan": ["enable_bitmapscan", "enable_indexscan"],
}


@pytest.fixture
def plan(request):
    settings = PLANS[request.param]
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET {setting} = off")
    yield request.param
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"RESET {setting}")


@pytest.mark.parametrize("plan", PLANS, indirect=True)
@pytest.mark.usefixtures("without_ranked_index")
def test_facets_of_a_large_result_set_count_the_newest_matches_whatever_the_plan(
    client, world, monkeypatch, plan
):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 4)
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", 3)
    for n in range(7):
        f.IncidentFactory(published=True, title=f"Looting {n}", date=f"{2010 + n}-06-01")
    response = client.get("/search/", {"q": "looting"})
    results = response.context["results"]
    assert (results.total, results.total_is_lower_bound) == (4, True)
    # the last three recorded (highest ids), not whichever three a scan meets first
    assert {v.value: v.count for v in results.facets["year"]} == {
        "2016": 1,
        "2015": 1,
        "2014": 1,
    }
    assert [i.title for i in results.incidents] == ["Looting 6", "Looting 5", "Looting 4"]
    assert results.ranked_sample


@pytest.mark.usefixtures("without_ranked_index")
def test_a_page_past_the_last_of_a_ranked_sample_shows_the_sample_ranked(
    client, world, monkeypatch
):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 4)
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", 3)
    for n in range(5):
        # the older the incident, the more often the word: rank and age disagree
        f.IncidentFactory(published=True, title=f"Looting {n}", summary="Looting " * (5 - n))
    response = client.get("/search/", {"q": "looting", "page": "7"})
    results = response.context["results"]
    assert (results.page, results.pages) == (1, 1)
    # the three most recently added (not the older, higher-ranked two), by rank
    assert [i.title for i in results.incidents] == ["Looting 2", "Looting 3", "Looting 4"]
    assert "there is no page 7" in " ".join(response.content.decode().split())


def test_facets_leave_out_hidden_actors_and_what_they_assert(client, world):
    hidden = world.hidden_confidential_actor
    f.InvolvementFactory(incident=world.other, actor=hidden)
    f.LegalQualificationFactory(incident=world.other, provision=world.art49, asserted_by=hidden)
    f.LegalQualificationFactory(incident=world.other, provision=world.art8, asserted_by=world.icc)
    services.refresh_search_names(incidents=m.Incident.objects.all())
    results = client.get("/search/", {"q": "hospital"}).context["results"]
    assert [i.pk for i in results.incidents] == [world.other.pk]
    assert {v.value: v.count for v in results.facets["actor"]} == {}
    assert {v.value: v.count for v in results.facets["provision"]} == {str(world.art8.pk): 1}
    assert {v.value: v.count for v in results.facets["instrument"]} == {"rome-statute": 1}


def test_facet_ties_are_ordered_by_label(client, world):
    for name in ["Zeta brigade", "Alpha brigade", "Mike brigade"]:
        f.InvolvementFactory(incident=world.other, actor=f.ActorFactory(published=True, name=name))
    results = client.get("/search/", {"q": "hospital"}).context["results"]
    assert [v.label for v in results.facets["actor"]] == [
        "Alpha brigade",
        "Mike brigade",
        "Zeta brigade",
    ]


@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("deportations", True),  # English stem: "Deportation" in the title, "deported"
        ("Orphanage", True),  # the stem of "orphanages" in the description
        ("Mariupo", True),  # the beginning of a word, as the user types
        ("Львова", True),  # the beginning of a name in another script
        ("ariupol", False),  # the middle of a word is not a match
        ("was", False),  # an English stop word matches only as a word's beginning
        # ... or as a word of the search names (not stemmed, no stop words): a public
        # provision's heading, "Deportation or transfer by the Occupying Power"
        ("the", True),
    ],
)
def test_one_plain_word_matches_its_stem_or_the_words_it_begins(client, world, word, found):
    results = client.get("/search/", {"q": word}).context["results"]
    assert (world.incident.pk in [i.pk for i in results.incidents]) is found
    # the same as the general form, which the word takes with an exclusion added
    general = client.get("/search/", {"q": f"{word} -zzzznothing"}).context["results"]
    assert [i.pk for i in general.incidents] == [i.pk for i in results.incidents]


def test_a_broader_category_counts_an_incident_once_under_two_narrower_ones(client, world):
    crimes = world.deportation.parent
    shelling = f.ViolationCategoryFactory(slug="shelling", name="Shelling", parent=crimes)
    world.other.categories.add(world.deportation, shelling)
    results = client.get("/search/", {"q": "hospital"}).context["results"]
    assert {v.value: (v.count, v.depth) for v in results.facets["category"]} == {
        "crimes-against-civilians": (1, 0),
        "deportation": (1, 1),
        "shelling": (1, 1),
    }


def test_an_actor_in_two_roles_counts_one_incident(client, world):
    actor = f.ActorFactory(published=True, name="Brigade")
    f.InvolvementFactory(
        incident=world.other, actor=actor, role=m.InvolvementRole.DIRECT_PERPETRATOR
    )
    f.InvolvementFactory(incident=world.other, actor=actor, role=m.InvolvementRole.SUPERIOR)
    results = client.get("/search/", {"q": "hospital"}).context["results"]
    assert {v.label: v.count for v in results.facets["actor"]} == {"Brigade": 1}


@pytest.mark.parametrize(("count_limit", "sample_size"), [(4, 3), (2_000, 500)])
@pytest.mark.usefixtures("without_ranked_index")
def test_relevance_order_of_the_sample_is_search_rank_order(
    client, world, monkeypatch, count_limit, sample_size
):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", count_limit)
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", sample_size)
    for n in range(6):
        f.IncidentFactory(
            published=True,
            title="Looting" if n % 2 else f"Report {n}",
            summary=" ".join(["looting"] * n) or "other",
            date=f"{2010 + n}-06-01",
        )
    results = client.get("/search/", {"q": "looting"}).context["results"]
    # the sample (the newest matches), ranked as search_incidents() ranks every match
    matches = search_module.search_incidents(m.Incident.objects.public(), "looting")
    sample = [i.pk for i in matches.order_by("-pk")[:sample_size]]
    expected = matches.filter(pk__in=sample)
    assert [i.pk for i in results.incidents] == [i.pk for i in expected]
