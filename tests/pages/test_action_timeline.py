"""The action page shows the warrant's life as a timeline: dated, cited, only what is public."""

import datetime
import re

import pytest

from cases import models as m
from tests import factories as f
from tests.pages.conftest import SECRET

Kind = m.ActionEventKind


@pytest.fixture
def timeline(world):
    """The warrant's life (its sealed issue is in the world already), entered out of order."""
    arrest = f.ActionEventFactory(
        action=world.warrant,
        kind=Kind.ARREST,
        occurred_on=datetime.date(2024, 9, 2),
        subject=world.lvova,
        description="Arrested on a visit abroad.",
    )
    arrest.states.add(world.ua, world.ru)
    f.CitationFactory(source=world.press, incident=None, action_event=arrest, pinpoint="para. 9")
    f.ActionEventFactory(
        action=world.warrant, kind=Kind.MADE_PUBLIC, occurred_on=datetime.date(2023, 3, 17)
    )
    f.ActionEventFactory(
        action=world.warrant, kind=Kind.APPLIED, occurred_on=datetime.date(2023, 2, 22)
    )
    return world


def section(html: str) -> str:
    match = re.search(r'<section aria-labelledby="timeline">(.*?)</section>', html, re.S)
    assert match, "no timeline section"
    return match.group(1)


def test_the_page_shows_the_events_in_order_with_their_dates_and_sources(client, timeline):
    html = client.get(timeline.warrant.get_absolute_url()).content.decode()
    events = section(html)
    items = re.findall(r"<li>(.*?)</li>", events, re.S)
    assert [re.search(r"<strong>(.*?)</strong>", item).group(1) for item in items] == [
        "Applied for",
        "Issued under seal",
        "Made public (unsealed or announced)",
        "Arrest",
    ]
    assert '<time datetime="2023-02-22">22 February 2023</time>' in items[0]
    assert '<time datetime="2023-03-17">17 March 2023</time>' in items[1]
    assert '<time datetime="2024-09-02">2 September 2024</time>' in items[3]
    arrest = items[3]
    assert f'<a href="{timeline.lvova.get_absolute_url()}">Maria Lvova-Belova</a>' in arrest
    assert f'<a href="{timeline.ru.get_absolute_url()}">Russian Federation</a>' in arrest
    assert f'<a href="{timeline.ua.get_absolute_url()}">Ukraine</a>' in arrest
    assert "Arrested on a visit abroad." in arrest
    source = f'<a href="{timeline.press.get_absolute_url()}">ICC press release of 17 March 2023</a>'
    assert f"{source}, para. 9" in arrest
    assert source in items[1]
    assert "Source:" not in items[0]  # not cited


def test_an_action_without_events_says_so(client, world):
    world.warrant.events.all().delete()
    html = client.get(world.warrant.get_absolute_url()).content.decode()
    assert "No dated event is recorded." in section(html)


def test_no_hidden_event_subject_or_source_reaches_the_timeline(client, timeline):
    """In the world: an event of each hidden action, an arrest of the public warrant whose
    subject is hidden, and hidden sources citing the warrant's sealed issue."""
    html = client.get(timeline.warrant.get_absolute_url()).content.decode()
    assert SECRET not in html
    assert section(html).count("<li>") == 4  # not the arrests of hidden subjects
    assert timeline.warrant.events.count() == 4 + 4
    for label in ("draft", "confidential", "review", "withdrawn"):
        action = getattr(timeline, f"hidden_{label}_action")
        assert action.events.exists()
        assert client.get(action.get_absolute_url()).status_code in (404, 410)


def test_the_source_page_names_the_events_it_backs_and_only_public_ones(client, timeline):
    html = client.get(timeline.press.get_absolute_url()).content.decode()
    assert "Event (Issued under seal, 17 March 2023):" in html
    assert "Event (Arrest, 2 September 2024):" in html
    assert SECRET not in html
    # A hidden subject's event cited by the public source stays hidden.
    hidden = timeline.warrant.events.get(kind=Kind.ARREST, subject=timeline.hidden_draft_actor)
    f.CitationFactory(source=timeline.press, incident=None, action_event=hidden)
    html = client.get(timeline.press.get_absolute_url()).content.decode()
    assert html.count("Event (Arrest, ") == 1


def test_the_page_s_queries_do_not_grow_with_events(client, timeline, django_assert_num_queries):
    url = timeline.warrant.get_absolute_url()
    # The API detail's shape (ActionQuerySet.with_detail_related): the issuing body in its
    # own query, read through Actor.public().
    with django_assert_num_queries(10):
        client.get(url)
    for i in range(8):
        event = f.ActionEventFactory(
            action=timeline.warrant,
            kind=Kind.EXECUTION_REFUSED,
            occurred_on=datetime.date(2024, 1, 1 + i),
            subject=timeline.lvova,
        )
        event.states.add(f.StateFactory(code=["MN", "TJ", "HU", "ZA", "BR", "IN", "CN", "DE"][i]))
        f.CitationFactory(source=f.SourceFactory(published=True), incident=None, action_event=event)
    with django_assert_num_queries(10):
        html = client.get(url).content.decode()
    assert section(html).count("<li>") == 12
