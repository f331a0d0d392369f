"""Action search by its subjects' names in every script; open-start incidents in the Year
facet (the buckets add up to the results)."""

import pytest

from cases import models as m
from tests import factories as f


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "text",
    [
        "Львова-Белова",  # her name in Russian, as an other name of the subject
        "Марія Львова-Бєлова",  # ... in Ukrainian
        "Lvova-Belova",  # the subject's own name
    ],
)
def test_a_subjects_name_in_any_script_finds_the_action(client, world, text):
    actions = search(client, q=text).context["actions"]
    assert [a.pk for a in actions] == [world.warrant.pk]


def test_a_hidden_subjects_name_never_finds_an_action(client, world):
    # The public warrant also names each hidden actor as a subject (tests/pages/conftest.py).
    for text in ("ZZSECRETMARKER", "ZZSECRETMARKERaliasdraft", "ZZSECRETMARKERaliasconfidential"):
        assert search(client, q=text).context["actions"] == [], text


def test_a_hidden_action_is_not_found_by_its_public_subjects_name(client, world):
    hidden = f.AccountabilityActionFactory(title="Sealed warrant", issuing_body=world.icc)
    m.ActionSubject.objects.create(action=hidden, actor=world.lvova)
    actions = search(client, q="Львова-Белова").context["actions"]
    assert [a.pk for a in actions] == [world.warrant.pk]


def year_facet(response) -> dict[str, int]:
    return {v.value: v.count for v in response.context["results"].facets["year"]}


def test_open_start_incidents_are_counted_as_start_unknown(client, world):
    open_start = f.IncidentFactory(
        published=True, title="Filtration camps", date="../2023-03-17", country=world.ua
    )
    assert open_start.date_earliest is None
    f.IncidentFactory(title="Hidden filtration", date="../2023-03-17")  # a draft
    response = search(client)
    results = response.context["results"]
    assert year_facet(response) == {"2022": 2, "unknown": 1}
    assert results.total == 3 == sum(year_facet(response).values())
    # the Year facet lists the years newest first, then the incidents of unknown start
    assert [v.label for v in results.facets["year"]][-1] == "Start unknown"
    html = " ".join(response.content.decode().split())
    assert "Start unknown" in html
    assert "year=unknown" in html


def test_the_year_filter_takes_unknown_on_the_page_and_the_api(client, world):
    open_start = f.IncidentFactory(published=True, title="Filtration camps", date="../2023-03-17")
    f.IncidentFactory(title="Hidden filtration", date="../2023-03-17")
    response = search(client, year="unknown")
    assert [i.pk for i in response.context["results"].incidents] == [open_start.pk]
    assert response.context["messages_"] == []
    api = client.get("/api/v1/incidents/", {"year": "unknown"})
    assert api.status_code == 200
    assert [row["id"] for row in api.json()["results"]] == [open_start.pk]


def test_a_year_that_is_neither_a_number_nor_unknown_is_named(client, world):
    response = search(client, year="someday")
    assert any(
        msg.startswith("Year:") and "unknown" in msg for msg in response.context["messages_"]
    )
    assert client.get("/api/v1/incidents/", {"year": "someday"}).status_code == 400
