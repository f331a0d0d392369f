"""The demo's ICC warrants carry their dated, cited lives (reference-facts.md), and the
warrants' status, seal and dates are what those events say."""

import datetime

import pytest

from cases import models as m
from tests.demo_data import load

pytestmark = pytest.mark.usefixtures("demo")

Date = datetime.date
Kind = m.ActionEventKind
PRESS_RELEASE = (
    "https://www.icc-cpi.int/news/situation-ukraine-icc-judges-issue-arrest-warrants-against-"
    "vladimir-vladimirovich-putin-and"
)


def events_of(title: str) -> list[m.ActionEvent]:
    action = m.AccountabilityAction.objects.get(title=title)
    return list(action.events.in_timeline_order().prefetch_related("citations__source"))


def test_the_warrants_of_17_march_2023_applied_issued_under_seal_made_public():
    for person in ("Vladimir Putin", "Maria Lvova-Belova"):
        events = events_of(f"ICC arrest warrant for {person}")
        assert [(e.kind, e.occurred_on, e.subject) for e in events] == [
            (Kind.APPLIED, Date(2023, 2, 22), None),
            (Kind.ISSUED_UNDER_SEAL, Date(2023, 3, 17), None),
            (Kind.MADE_PUBLIC, Date(2023, 3, 17), None),
        ]
        for event in events:
            assert [c.source.url for c in event.citations.all()] == [PRESS_RELEASE]


def test_the_warrants_of_5_march_2024_issued():
    for person in ("Sergei Kobylash", "Viktor Sokolov"):
        events = events_of(f"ICC arrest warrant for {person}")
        assert [(e.kind, e.occurred_on) for e in events] == [(Kind.ISSUED, Date(2024, 3, 5))]
        assert events[0].citations.get().source.published_on == Date(2024, 3, 5)


def test_the_warrants_fields_are_what_their_events_say():
    for action in m.AccountabilityAction.objects.filter(kind=m.ActionKind.ARREST_WARRANT):
        lifecycle = m.ActionLifecycle.derive(
            events=action.events.all(),
            subject_ids=set(action.subject_links.values_list("actor_id", flat=True)),
        )
        assert {name: getattr(action, name) for name in lifecycle.values()} == lifecycle.values()
    putin = m.AccountabilityAction.objects.get(title="ICC arrest warrant for Vladimir Putin")
    assert (putin.status, putin.seal_status) == (m.ActionStatus.ACTIVE, m.SealStatus.UNSEALED)


def test_a_rerun_repairs_a_derived_value_through_the_events():
    putin = m.AccountabilityAction.objects.get(title="ICC arrest warrant for Vladimir Putin")
    m.AccountabilityAction.objects.filter(pk=putin.pk).update(
        seal_status=m.SealStatus.UNDER_SEAL, status=m.ActionStatus.EXECUTED
    )
    assert "AccountabilityAction: 0 created, 1 changed" in load()
    putin.refresh_from_db()
    assert (putin.status, putin.seal_status) == (m.ActionStatus.ACTIVE, m.SealStatus.UNSEALED)
    assert load() == "Demo data already up to date: nothing changed.\n"
