"""Every detail endpoint runs a fixed number of queries, whatever the rows it embeds.

(The incident's and the action's details have their own tests: test_queries.py and
test_action_events.py.)
"""

import datetime

import pytest

from cases import models as m
from tests import factories as f
from tests.api.conftest import TIMEOUT_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def instrument(db):
    return f.InstrumentFactory(published=True)


def grow_actor(actor: m.Actor, i: int) -> None:
    m.ActorName.objects.create(actor=actor, name=f"Other name {i}", language="uk")
    m.ActorIdentifier.objects.create(actor=actor, scheme="other", value=f"id-{i}")
    organisation = f.ActorFactory(published=True, kind=m.ActorKind.STATE_ORGAN)
    m.Membership.objects.create(member=actor, organisation=organisation, post=f"Post {i}")


def grow_source(source: m.Source, i: int) -> None:
    m.SourceCapture.objects.create(
        source=source,
        captured_at=datetime.datetime(2026, 1, 1 + i, tzinfo=datetime.UTC),
        archive_url=f"https://web.archive.org/{i}",
    )


def grow_instrument(instrument: m.Instrument, i: int) -> None:
    f.ProvisionFactory(instrument=instrument)


def grow_provision(provision: m.Provision, i: int) -> None:
    provision.violation_categories.add(f.ViolationCategoryFactory())


def grow_category(category: m.ViolationCategory, i: int) -> None:
    f.ViolationCategoryFactory(parent=category)
    category.provisions.add(f.ProvisionFactory(instrument=m.Instrument.objects.first()))


def grow_state(state: m.State, i: int) -> None:
    event = f.TreatyEventFactory(
        state=state,
        instrument=m.Instrument.objects.first(),
        kind=m.TreatyEventKind.DECLARATION,
        deposited_on=datetime.date(2000 + i, 1, 1),
    )
    event.provisions.add(f.ProvisionFactory(instrument=event.instrument))


# resource, the record, its URL key, how to add embedded rows, queries.
DETAILS = [
    ("actors", lambda i: f.ActorFactory(published=True), "pk", grow_actor, 4),
    ("sources", lambda i: f.SourceFactory(published=True), "pk", grow_source, 2),
    ("instruments", lambda i: i, "slug", grow_instrument, 2),
    ("provisions", lambda i: f.ProvisionFactory(instrument=i), "pk", grow_provision, 2),
    ("categories", lambda i: f.ViolationCategoryFactory(), "slug", grow_category, 3),
    ("states", lambda i: f.StateFactory(code="UA", name="Ukraine"), "code", grow_state, 3),
]


@pytest.mark.parametrize(("resource", "make", "key", "grow", "queries"), DETAILS)
def test_a_detail_s_queries_do_not_grow_with_its_rows(
    api, django_assert_num_queries, instrument, resource, make, key, grow, queries
):
    record = make(instrument)
    url = f"/api/v1/{resource}/{getattr(record, key)}/"
    grow(record, 0)
    with django_assert_num_queries(queries + TIMEOUT_QUERIES):
        first = api.get(url)
    for i in range(1, 6):
        grow(record, i)
    with django_assert_num_queries(queries + TIMEOUT_QUERIES):
        second = api.get(url)

    assert first.status_code == second.status_code == 200
    assert second.content != first.content


def test_a_state_s_law_runs_the_same_queries_with_more_treaty_acts(
    api, django_assert_num_queries, instrument
):
    state = f.StateFactory(code="UA", name="Ukraine")
    url = "/api/v1/states/UA/law/?on=2024-01-01"
    grow_state(state, 0)
    with django_assert_num_queries(4 + TIMEOUT_QUERIES):  # state, instruments, acts, acts' articles
        first = api.get(url)
    for i in range(1, 6):
        grow_state(state, i)
        f.InstrumentFactory(published=True)
    with django_assert_num_queries(4 + TIMEOUT_QUERIES):
        second = api.get(url)

    assert first.status_code == second.status_code == 200
    assert len(second.json()["statuses"]) == len(first.json()["statuses"]) + 5
