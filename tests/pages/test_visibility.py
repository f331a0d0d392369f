"""Nothing unpublished, confidential or withdrawn reaches a public page, snippet, count,
timeline or export; protected persons never do. Every hidden text field carries SECRET."""

import pytest

from cases import models as m
from tests.pages.conftest import SECRET


def public_urls(world) -> list[str]:
    return [
        "/",
        "/search/",
        "/search/?q=children",
        "/search/?q=Mariupol&sort=newest",
        # words of the hidden records' French summaries: their snippets would be French
        "/search/?q=enfants",
        "/search/?q=Marioupol&sort=newest",
        "/search/?q=mandat",
        "/search/?country=UA",
        "/search/?category=crimes-against-civilians",
        "/search/export.csv",
        "/law/",
        "/categories/",
        "/incidents/",
        "/actions/",
        "/actors/",
        "/sources/",
        "/states/",
        "/about/",
        world.incident.get_absolute_url(),
        world.warrant.get_absolute_url(),
        world.lvova.get_absolute_url(),
        world.icc.get_absolute_url(),
        world.gc4.get_absolute_url(),
        world.art49.get_absolute_url(),
        world.ua.get_absolute_url(),
        world.ru.get_absolute_url(),
        world.crimes.get_absolute_url(),
        world.deportation.get_absolute_url(),
        world.press.get_absolute_url(),
    ]


# The pages in English and in two of the languages the hidden records are translated into
# (tests/pages/conftest.py): a page in French or Ukrainian shows a record's translation
# where it has one.
@pytest.mark.parametrize("prefix", ["", "/fr", "/uk"])
def test_no_public_page_shows_a_hidden_record_or_a_protected_person(client, world, prefix):
    for url in public_urls(world):
        response = client.get(prefix + url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET.encode() not in body, url


def test_hidden_records_are_not_found_by_search_or_counted(client, world):
    response = client.get("/search/", {"q": SECRET})
    results = response.context["results"]
    assert results.total == 0
    assert results.incidents == []
    assert results.timeline == []
    assert response.context["actors"] == []
    assert response.context["actions"] == []
    export = client.get("/search/export.csv", {"q": SECRET})
    assert b"".join(export.streaming_content).decode().count("\n") == 1  # the header only
    # the hidden incidents share country and category with the public one: not counted
    response = client.get("/search/", {"q": "children deported Mariupol"})
    results = response.context["results"]
    assert [i.pk for i in results.incidents] == [world.incident.pk]
    assert {v.value: v.count for v in results.facets["country"]} == {"UA": 1}
    assert {v.value: v.count for v in results.facets["category"]}["deportation"] == 1
    assert sum(n for _, n in results.timeline) == 1
    # a hidden actor filter value is an unknown value, not a way in
    hidden_actor = world.hidden_confidential_actor.pk
    response = client.get("/search/", {"actor": hidden_actor})
    assert f"There is no actor number {hidden_actor}" in response.content.decode()


@pytest.mark.parametrize("label", ["draft", "confidential", "review"])
def test_hidden_record_pages_are_not_found(client, world, label):
    for kind in ["incident", "action", "actor", "source", "instrument"]:
        record = getattr(world, f"hidden_{label}_{kind}")
        response = client.get(record.get_absolute_url())
        assert response.status_code == 404, (label, kind)
        assert SECRET.encode() not in response.content


def test_withdrawn_record_pages_say_so_without_the_content(client, world):
    for kind in ["incident", "action", "actor", "source"]:
        record = getattr(world, f"hidden_withdrawn_{kind}")
        response = client.get(record.get_absolute_url())
        assert response.status_code == 410, kind
        html = response.content.decode()
        assert "was withdrawn" in html
        assert "Withdrawn after review." in html
        assert SECRET not in html


def test_search_names_hold_public_law_and_actions_only(client, world):
    """Provision headings and labels, and action references and titles, find an incident
    only from public rows: the public incident is named by hidden actors, actions and a
    hidden instrument's provision (label and heading), all carrying SECRET."""
    names = m.Incident.objects.get(pk=world.incident.pk).search_names
    assert "ICC-01/22" in names  # the public warrant's reference
    assert SECRET not in names
    response = client.get("/search/", {"q": "ICC-01/22"})
    assert [i.pk for i in response.context["results"].incidents] == [world.incident.pk]
    for q in [SECRET, f"{SECRET}alias", "confidential", "withdrawn"]:
        response = client.get("/search/", {"q": q})
        assert world.incident.pk not in [i.pk for i in response.context["results"].incidents], q


def test_the_crawl_would_see_a_hidden_records_translation(client, world):
    """The markers of the hidden records' translations are where the crawl in French looks:
    once a draft is published, its French title and snippet are on the French pages."""
    incident, action = world.hidden_draft_incident, world.hidden_draft_action
    address = action.get_absolute_url()  # before a French request makes French active
    m.Incident.objects.filter(pk=incident.pk).update(publication_status="published")
    m.AccountabilityAction.objects.filter(pk=action.pk).update(publication_status="published")
    french = client.get("/fr/search/", {"q": "enfants"}).content.decode()
    assert f"{SECRET} fr draft</a>" in french  # the title
    assert f"{SECRET} fr draft <mark>enfants</mark>" in french  # the snippet
    ukrainian = client.get(f"/uk{address}").content.decode()
    assert f"<h1>{SECRET} uk draft</h1>" in ukrainian
