"""Every list endpoint runs a fixed number of queries, whatever the number of rows."""

import pytest

from cases import models as m
from tests import factories as f
from tests.api.conftest import TIMEOUT_QUERIES

from .builders import public_incident

pytestmark = pytest.mark.django_db


# The incident, then one query per embedded relation (victim counts, children,
# involvements and their citations, qualifications and their citations, actions,
# citations), and the treaty law of its states (the states, the instruments, their acts).
DETAIL_QUERIES = 13


def add_incidents(n: int) -> None:
    category, _ = m.ViolationCategory.objects.get_or_create(slug="shared", name="Shared")
    parent = f.IncidentFactory(published=True)
    occupier = f.StateFactory(code="RU", name="Russian Federation")
    for _ in range(n):
        incident = f.IncidentFactory(published=True, parent=parent, controlling_power=occupier)
        incident.categories.add(category, f.ViolationCategoryFactory())


def add_actions(n: int) -> None:
    for _ in range(n):
        f.AccountabilityActionFactory(published=True)


def add_actors(n: int) -> None:
    for _ in range(n):
        f.ActorFactory(published=True, state=f.StateFactory(code="UA"))


def add_sources(n: int) -> None:
    for _ in range(n):
        f.SourceFactory(published=True)


def add_instruments(n: int) -> None:
    for _ in range(n):
        f.InstrumentFactory(published=True)


def add_provisions(n: int) -> None:
    instrument = f.InstrumentFactory(published=True)
    parent = f.ProvisionFactory(instrument=instrument)
    for _ in range(n):
        f.ProvisionFactory(instrument=instrument, parent=parent)


def add_categories(n: int) -> None:
    parent = f.ViolationCategoryFactory()
    for _ in range(n):
        f.ViolationCategoryFactory(parent=parent)


def add_state_codes(n: int) -> None:
    predecessor, _ = m.State.objects.get_or_create(code="SU", name="USSR")
    codes = [a + b for a in "JKLMNOPQ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    start = m.State.objects.filter(code__in=codes).count()
    for code in codes[start : start + n]:
        m.State.objects.create(
            code=code,
            name=f"State {code}",
            predecessor=predecessor,
            predecessor_relation=m.StateRelation.SUCCESSION,
        )


# resource, how to add rows, queries per page: the count (up to COUNT_LIMIT), the main
# query, and prefetches.
LISTS = [
    ("incidents", add_incidents, 2),  # with states, parent and category slugs
    ("incidents?q=incident", add_incidents, 2),
    ("actions", add_actions, 3),  # actions; public issuing bodies
    ("actors", add_actors, 2),
    ("actors?name=actor", add_actors, 2),  # other names: a subquery of the one query
    ("sources", add_sources, 2),
    ("instruments", add_instruments, 2),
    ("provisions", add_provisions, 2),
    ("categories", add_categories, 2),
    ("states", add_state_codes, 2),
]


@pytest.mark.parametrize(("path", "add_rows", "queries"), LISTS)
def test_list_query_count_does_not_grow_with_rows(
    api, django_assert_num_queries, path, add_rows, queries
):
    resource, _, params = path.partition("?")
    url = f"/api/v1/{resource}/?page_size=100&{params}"
    add_rows(3)
    with django_assert_num_queries(queries + TIMEOUT_QUERIES):
        first = api.get(url)
    add_rows(47)
    with django_assert_num_queries(queries + TIMEOUT_QUERIES):
        second = api.get(url)

    assert first.status_code == second.status_code == 200
    assert len(second.json()["results"]) >= len(first.json()["results"]) + 47


def test_filters_add_no_queries_per_row(api, django_assert_num_queries):
    """Filters are subqueries of the one list query, plus one query to check each choice."""
    add_incidents(3)
    url = "/api/v1/incidents/?category=shared&country=UA&page_size=100"
    # 2 choice checks, descendants, the count, the list
    with django_assert_num_queries(5 + TIMEOUT_QUERIES):
        api.get(url)
    add_incidents(47)
    with django_assert_num_queries(5 + TIMEOUT_QUERIES):
        response = api.get(url)
    assert len(response.json()["results"]) == 50


def test_incident_detail_query_count_does_not_grow_with_related_rows(
    api, django_assert_num_queries
):
    incident = public_incident()
    url = f"/api/v1/incidents/{incident.pk}/"
    with django_assert_num_queries(DETAIL_QUERIES + TIMEOUT_QUERIES):
        first = api.get(url).json()

    for i in range(5):
        actor = f.ActorFactory(published=True, state=m.State.objects.get(code="RU"))
        involvement = f.InvolvementFactory(incident=incident, actor=actor)
        f.CitationFactory(
            incident=None, involvement=involvement, source=f.SourceFactory(published=True)
        )
        qualification = f.LegalQualificationFactory(
            incident=incident, provision=f.ProvisionFactory(instrument=m.Instrument.objects.get())
        )
        f.CitationFactory(incident=None, legal_qualification=qualification)
        f.CitationFactory(incident=incident, source=f.SourceFactory(published=True))
        f.AccountabilityActionFactory(published=True).incidents.add(incident)
        f.IncidentFactory(published=True, parent=incident, title=f"Part {i}")
        incident.categories.add(f.ViolationCategoryFactory())
    with django_assert_num_queries(DETAIL_QUERIES + TIMEOUT_QUERIES):
        second = api.get(url).json()

    assert len(second["involvements"]) == len(first["involvements"]) + 5
    assert len(second["legal_qualifications"]) == len(first["legal_qualifications"]) + 5
    assert len(second["children"]) == 5
    assert len(second["actions"]) == 6


def test_the_root_and_the_guides_run_no_query(api, django_assert_num_queries):
    for url in ["/api/v1/", "/api/v1/guide/", "/api/v1/changelog/"]:
        with django_assert_num_queries(0):
            assert api.get(url).status_code == 200
