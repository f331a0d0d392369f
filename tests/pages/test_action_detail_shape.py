"""An action's page and its API detail read one shape (ActionQuerySet.with_detail_related):
the same public rows, in the same order, under the same citation rule."""

import re

import pytest

from cases import models as m
from tests import factories as f
from tests.api.conftest import generous_rate_limits  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("generous_rate_limits")


@pytest.fixture
def busy_warrant(world):
    """The warrant with two more public subjects, charges, incidents and citations, added
    out of their display order, and a citation of a source that is not public."""
    warrant = world.warrant
    zelensky = f.ActorFactory(published=True, name="Anna Zed")
    abel = f.ActorFactory(published=True, name="Abel Able")
    for actor in (zelensky, abel):
        m.ActionSubject.objects.create(action=warrant, actor=actor)
    f.ChargeFactory(action=warrant, provision=world.art49, subject=abel)
    early = f.IncidentFactory(published=True, title="Earlier transfer", date="2021-05-01")
    warrant.incidents.add(early)
    annex = f.SourceFactory(published=True, title="Annex to the warrant")
    f.CitationFactory(source=annex, incident=None, action=warrant, pinpoint="annex")
    f.CitationFactory(
        source=world.hidden_confidential_source, incident=None, action=warrant, pinpoint="hid"
    )
    return warrant


def test_page_and_api_show_the_same_rows_in_the_same_order(client, world, busy_warrant):
    action = m.AccountabilityAction.objects.public().with_detail_related().get(pk=busy_warrant.pk)
    page = client.get(busy_warrant.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/actions/{busy_warrant.pk}/").json()

    subjects = [s.actor.name for s in action.public_subjects]
    assert subjects == ["Abel Able", "Anna Zed", "Maria Lvova-Belova"]
    assert [s["actor"]["name"] for s in api["subjects"]] == subjects
    assert _in_order(_section(page, "subjects"), subjects)

    charges = [c.provision.pk for c in action.public_charges]
    assert charges == [world.art49.pk, world.art8.pk]  # GC IV before the Rome Statute
    assert [c["provision"]["id"] for c in api["charges"]] == charges

    incidents = [i.title for i in action.public_incidents]
    assert incidents == ["Earlier transfer", world.incident.title]
    assert [i["title"] for i in api["incidents"]] == incidents
    assert _in_order(_section(page, "incidents"), incidents)

    assert api["issuing_body"]["name"] == world.icc.name
    assert f">{world.icc.name}</a>" in page


def test_page_and_api_cite_only_public_sources(client, world, busy_warrant):
    page = client.get(busy_warrant.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/actions/{busy_warrant.pk}/").json()

    cited = ["ICC press release of 17 March 2023", "Annex to the warrant"]
    assert [c["source"]["title"] for c in api["citations"]] == cited
    assert re.findall(r'<li><a href="[^"]+">([^<]+)</a>', _section(page, "sources")) == cited
    assert "ZZSECRETMARKER" not in page
    assert "ZZSECRETMARKER" not in str(api)


def test_an_issuing_body_that_is_not_public_is_shown_on_neither(client, world):
    m.Actor.objects.filter(pk=world.icc.pk).update(publication_status=m.PublicationStatus.DRAFT)

    page = client.get(world.warrant.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/actions/{world.warrant.pk}/").json()

    assert "<dt>Issued by</dt><dd>not public</dd>" in page
    assert api["issuing_body"] is None


def _in_order(html: str, texts: list[str]) -> bool:
    positions = [html.find(text) for text in texts]
    return -1 not in positions and positions == sorted(positions)


def _section(html: str, name: str) -> str:
    start = html.index(f'<section aria-labelledby="{name}">')
    return html[start : html.index("</section>", start)]
