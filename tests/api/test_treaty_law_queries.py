"""An incident's treaty law in the API detail: a fixed number of queries, however many states."""

import datetime

import pytest

from cases import models as m
from tests import factories as f
from tests.api.conftest import TIMEOUT_QUERIES

from .builders import public_incident

pytestmark = pytest.mark.django_db

D = datetime.date


def treaty_world() -> dict[str, m.State]:
    """Ukraine, Belarus and Russia (continuing the USSR), each with acts under two
    instruments: consents, a signature, a reservation on an article, an art. 12(3)
    acceptance."""
    gc4 = f.InstrumentFactory(published=True, slug="gc-iv", short_title="GC IV")
    rome = f.InstrumentFactory(
        published=True,
        slug="rome-statute",
        short_title="Rome Statute",
        entry_into_force_on=D(2002, 7, 1),
        entry_into_force_rule=m.EntryIntoForceRule.FIRST_OF_MONTH_AFTER_DAYS,
        entry_into_force_delay=60,
    )
    ussr = f.StateFactory(code="SU", name="Union of Soviet Socialist Republics")
    states = {
        "UA": f.StateFactory(code="UA", name="Ukraine"),
        "BY": f.StateFactory(code="BY", name="Belarus"),
        "RU": f.StateFactory(
            code="RU",
            name="Russian Federation",
            predecessor=ussr,
            predecessor_relation=m.StateRelation.CONTINUATION,
        ),
    }
    reservation = f.TreatyEventFactory(
        state=ussr, instrument=gc4, kind=m.TreatyEventKind.RESERVATION, deposited_on=D(1954, 5, 10)
    )
    reservation.provisions.add(f.ProvisionFactory(instrument=gc4, label="art. 85"))
    f.TreatyEventFactory(state=ussr, instrument=gc4, deposited_on=D(1954, 5, 10))
    f.TreatyEventFactory(
        state=states["RU"],
        instrument=rome,
        kind=m.TreatyEventKind.SIGNATURE,
        deposited_on=D(2000, 9, 13),
    )
    f.TreatyEventFactory(state=states["UA"], instrument=gc4, deposited_on=D(1954, 5, 3))
    f.TreatyEventFactory(
        state=states["UA"],
        instrument=rome,
        kind=m.TreatyEventKind.JURISDICTION_DECLARATION,
        deposited_on=D(2015, 9, 8),
        jurisdiction_from=D(2014, 2, 20),
        text="Accepts jurisdiction from 20 February 2014.",
    )
    f.TreatyEventFactory(state=states["BY"], instrument=gc4, deposited_on=D(1954, 8, 3))
    return states


def test_incident_law_query_count_does_not_grow_with_the_states(api, django_assert_num_queries):
    states = treaty_world()
    incident = public_incident(date="2022-02-24/..", country=states["UA"])
    m.Actor.objects.update(state=states["UA"])  # the builder's actor: a Ukrainian one
    url = f"/api/v1/incidents/{incident.pk}/"
    # The detail's 10, then the law's 5: the states (with the predecessors they continue),
    # the instruments, the acts of all the states, the articles of those acts, and the
    # Security Council's referrals of the territory (for the ICC jurisdiction answer).
    with django_assert_num_queries(15 + TIMEOUT_QUERIES):
        one = api.get(url).json()["law"]
    assert [entry["state"]["code"] for entry in one] == ["UA"]

    m.Incident.objects.filter(pk=incident.pk).update(controlling_power=states["RU"])
    f.InvolvementFactory(
        incident=incident, actor=f.ActorFactory(published=True, state=states["BY"])
    )
    with django_assert_num_queries(15 + TIMEOUT_QUERIES):
        three = api.get(url).json()["law"]
    assert [entry["state"]["code"] for entry in three] == ["UA", "RU", "BY"]
    assert three[0] == one[0]
    [ru_gc4] = [s for s in three[1]["statuses"] if s["instrument"]["slug"] == "gc-iv"]
    reservations = [r["provisions"] for r in ru_gc4["reservations"]]
    assert (ru_gc4["status"], ru_gc4["via"], reservations) == ("bound", "SU", [["art. 85"]])
