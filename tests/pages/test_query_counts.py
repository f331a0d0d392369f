"""Each public page runs a fixed number of queries, however many related rows it shows."""

import pytest

from cases import models as m
from cases import services
from tests import factories as f


def add_many_related_rows(world, n: int = 12) -> None:
    """More of everything around the incident, the warrant, the actor and the law."""
    for i in range(n):
        actor = f.ActorFactory(published=True, name=f"Official {i}")
        m.ActorName.objects.create(actor=actor, name=f"Официальный {i}")
        f.InvolvementFactory(incident=world.incident, actor=actor)
        provision = f.ProvisionFactory(instrument=world.gc4, label=f"art. {100 + i}")
        f.LegalQualificationFactory(incident=world.incident, provision=provision)
        world.deportation.provisions.add(provision)
        incident = f.IncidentFactory(
            published=True,
            title=f"Transfer of children {i}",
            date=f"2022-{i % 12 + 1:02d}-01",
            parent=world.incident,
        )
        incident.categories.add(world.deportation)
        f.InvolvementFactory(incident=incident, actor=world.lvova)
        f.LegalQualificationFactory(incident=incident, provision=world.art8)
        world.warrant.incidents.add(incident)
        action = f.AccountabilityActionFactory(
            published=True, title=f"Sanctions {i}", kind=m.ActionKind.SANCTIONS
        )
        action.incidents.add(world.incident, incident)
        m.ActionSubject.objects.create(action=action, actor=world.lvova)
        m.ActionSubject.objects.create(action=world.warrant, actor=actor)
        f.ChargeFactory(action=world.warrant, provision=provision, subject=actor)
        event = f.ActionEventFactory(
            action=world.warrant, kind=m.ActionEventKind.EXECUTION_REFUSED, subject=actor
        )
        event.states.add(world.ua, world.ru)
        f.CitationFactory(source=world.press, incident=None, action_event=event, pinpoint=f"p.{i}")
        source = f.SourceFactory(published=True, title=f"Report {i}")
        f.CitationFactory(source=source, incident=world.incident)
        f.CitationFactory(source=world.press, incident=incident)
        f.TreatyEventFactory(
            state=world.ua,
            instrument=f.InstrumentFactory(published=True, slug=f"protocol-{i}"),
        )
    services.refresh_search_names(incidents=m.Incident.objects.all())


PAGES = {
    "home": (lambda w: "/", 7),
    "search": (lambda w: "/search/?q=children", 4),
    # the snippets cut from the summaries a French reader sees: no query more
    "search in French": (lambda w: "/fr/search/?q=children", 4),
    "search filtered": (
        lambda w: (
            f"/search/?q=deportation&country=UA&category=crimes-against-civilians"
            f"&actor={w.lvova.pk}&sort=newest"
        ),
        # 7, the places under the map, and the category's narrower ones looked up again
        # for the map's own copy of the search's queryset
        9,
    ),
    # the list of places under the map: one query (cases/maps.py)
    "browse": (lambda w: "/search/", 2),
    # Shares the API detail's shape; one more for the Security Council referrals.
    "incident": (lambda w: w.incident.get_absolute_url(), 15),
    # Shares the API detail's shape: events with their states and sources, the issuing body.
    "action": (lambda w: w.warrant.get_absolute_url(), 10),
    "actor": (lambda w: w.lvova.get_absolute_url(), 8),  # 7 and the places
    "instrument": (lambda w: w.gc4.get_absolute_url(), 5),
    "provision": (lambda w: w.art8.get_absolute_url(), 5),
    "state": (lambda w: w.ua.get_absolute_url(), 6),  # 5 and the places
    "category": (lambda w: w.deportation.get_absolute_url(), 5),
    "source": (lambda w: w.press.get_absolute_url(), 3),
    # the browse pages: the count and one page of rows
    "incident list": (lambda w: "/incidents/", 3),  # and the places
    "action list": (lambda w: "/actions/", 2),
    "actor list": (lambda w: "/actors/", 2),
    "source list": (lambda w: "/sources/", 2),
    "state list": (lambda w: "/states/", 2),
    "about": (lambda w: "/about/", 1),  # the published SitePage "about"
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_related_rows(
    client, world, django_assert_num_queries, page
):
    url, expected = PAGES[page]
    with django_assert_num_queries(expected):
        assert client.get(url(world)).status_code == 200
    add_many_related_rows(world)
    with django_assert_num_queries(expected):
        assert client.get(url(world)).status_code == 200
