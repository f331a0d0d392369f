import pytest
from django.urls import reverse

from cases import changesets
from cases import models as m
from tests.test_admin import assert_saved, current_data
from tests.workflow.conftest import member_of, ready_incident

pytestmark = pytest.mark.django_db


def test_edit_of_published_incident_waits_for_approval(client):
    researcher = member_of("researcher", username="r")
    reviewer = member_of("reviewer", username="v")
    incident = ready_incident(title="Old title")
    incident.publication_status = "published"
    incident.save()
    client.force_login(researcher)
    url = reverse("admin:cases_incident_change", args=[incident.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = current_data(page)
    data["title"] = "New title"
    response = client.post(url, data)
    assert_saved(response)
    incident.refresh_from_db()
    assert incident.title == "Old title"
    change = m.Change.objects.get()
    page = client.get(url)
    assert b"New title" in page.content
    assert b"You are editing a draft" in page.content
    changesets.submit(change_set=change.change_set, user=researcher)
    diffs, problems = changesets.diff(change.change_set)
    assert problems == []
    assert [(c.label, c.before, c.after) for c in diffs[0].fields] == [
        ("Title", "Old title", "New title")
    ]
    changesets.approve(change_set=change.change_set, reviewer=reviewer)
    incident.refresh_from_db()
    assert incident.title == "New title"
    assert incident.history.first().history_change_reason.startswith("Change set #")
