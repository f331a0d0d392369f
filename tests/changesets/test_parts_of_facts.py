"""A treaty act's citations are part of the act: the public sees them as soon as they exist,
so they change only on the act's page, through a change set; never on the Citations page."""

import pytest

from cases import models as m
from tests import factories as f
from tests.test_admin import current_data, url
from tests.workflow.conftest import approve_kept_edits

pytestmark = pytest.mark.django_db


@pytest.fixture
def treaty_event(db):
    rome = f.InstrumentFactory(short_title="Rome Statute", published=True)
    return f.TreatyEventFactory(state=f.StateFactory(code="UA", name="Ukraine"), instrument=rome)


def test_a_treaty_acts_citation_is_not_added_on_the_citations_page(admin_client, treaty_event):
    source = f.SourceFactory(published=True)
    page = admin_client.get(url(m.Citation, "add"))
    data = {**current_data(page), "source": source.pk, "treaty_event": treaty_event.pk}
    response = admin_client.post(url(m.Citation, "add"), data)
    assert response.status_code == 200
    assert "waits in your change set" in str(response.context["adminform"].form.errors)
    assert not m.Citation.objects.exists()


def test_a_treaty_acts_citation_is_locked_on_its_own_page(admin_client, treaty_event):
    citation = f.CitationFactory(incident=None, treaty_event=treaty_event)
    page = admin_client.get(url(m.Citation, "change", citation.pk))
    assert not page.context["has_change_permission"]
    delete = admin_client.post(url(m.Citation, "delete", citation.pk), {"post": "yes"})
    assert delete.status_code == 403
    assert m.Citation.objects.filter(pk=citation.pk).exists()


def test_a_citation_entered_on_the_acts_page_is_public_after_approval(
    admin_client, admin_user, client, treaty_event
):
    source = f.SourceFactory(published=True, title="Depositary notification C.N.1044.2015")
    change = url(m.TreatyEvent, "change", treaty_event.pk)
    data = current_data(admin_client.get(change))
    data["citations-0-source"] = str(source.pk)
    admin_client.post(change, data)
    assert not m.Citation.objects.public().exists()
    approve_kept_edits(admin_user)
    assert m.Citation.objects.public().get().source == source
