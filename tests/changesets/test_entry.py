"""Entering a case into a change set: the admin says where each new record waits, offers
the records just added first in its pickers, and keeps the instrument for the next
provision. The whole case in a browser: tests/e2e/test_change_set.py."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cases import models as m
from tests import factories as f
from tests.test_admin import assert_saved, inline, url
from tests.workflow.conftest import member_of

pytestmark = pytest.mark.django_db


def source_data(title: str) -> dict:
    return {
        "kind": "press_release",
        "title": title,
        "published_on": "2001-01-01",
        "reliability": "F",
        "confidentiality": "public",
        **inline("captures", []),
    }


def test_a_new_draft_says_which_change_set_it_joined(client):
    researcher = member_of("researcher", username="r")
    client.force_login(researcher)
    response = client.post(url(m.Source, "add"), source_data("ICC press release"))
    assert_saved(response)
    change_set = m.ChangeSet.objects.get()
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0] == (
        f'“ICC press release” is in your change set <a href="{change_set.get_absolute_url()}">'
        f"{change_set}</a>: the public sees it once a reviewer approves the change set."
    )


def test_the_pickers_offer_the_user_s_new_records_first(client):
    researcher = member_of("researcher", username="r")
    # Newer published sources, listed first by date otherwise.
    for day in range(1, 4):
        f.SourceFactory(title=f"Report {day}", published_on=datetime.date(2024, 1, day))
    client.force_login(member_of("researcher", username="other"))
    assert_saved(client.post(url(m.Source, "add"), source_data("Someone else's draft")))
    client.force_login(researcher)
    assert_saved(client.post(url(m.Source, "add"), source_data("My new source")))
    picker = reverse("admin:autocomplete")
    query = {"app_label": "cases", "model_name": "citation", "field_name": "source"}

    offered = [r["text"] for r in client.get(picker, query).json()["results"]]
    assert offered == ["My new source", "Report 3", "Report 2", "Report 1", "Someone else's draft"]
    typed = [r["text"] for r in client.get(picker, {**query, "term": "report"}).json()["results"]]
    assert typed == ["Report 3", "Report 2", "Report 1"]


def test_save_and_add_another_provision_keeps_the_instrument(client):
    researcher = member_of("researcher", username="r")
    rome = f.InstrumentFactory(short_title="Rome Statute", published=True)
    client.force_login(researcher)
    data = {
        "instrument": rome.pk,
        "label": "art. 8(2)(b)(ii)",
        "rule_kind": "war_crime",
        "position": "0",
        "_addanother": "Save and add another",
    }
    response = client.post(url(m.Provision, "add"), data)
    assert response.status_code == 302
    assert response.url == f"{url(m.Provision, 'add')}?instrument={rome.pk}"
    page = client.get(response.url).content.decode()
    assert f'<option value="{rome.pk}" selected>Rome Statute</option>' in page
    assert m.Provision.objects.get().proposed_in is not None  # hidden until approved
