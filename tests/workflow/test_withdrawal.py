"""A withdrawn record leaves every public surface at once; its permalink says why."""

import pytest
from rest_framework.test import APIClient

from cases import models as m
from cases import services
from tests import factories as f

from .conftest import ready_action, ready_incident

pytestmark = pytest.mark.django_db

WORD = "Zapovidne"  # a word in no other record, to find the incident by


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def public_traces(client, api, incident) -> dict[str, bool]:
    """Where the public can see the incident: page, search, CSV, API list, detail, export."""
    return {
        "queryset": m.Incident.objects.public().filter(pk=incident.pk).exists(),
        "page": client.get(incident.get_absolute_url()).status_code == 200,
        "search": incident.get_absolute_url() in body(client.get("/search/", {"q": WORD})),
        "search count": client.get("/search/", {"q": WORD}).context["results"].total == 1,
        "csv export": WORD in body(client.get("/search/export.csv", {"q": WORD})),
        "api list": any(
            row["id"] == incident.pk for row in api.get("/api/v1/incidents/").json()["results"]
        ),
        "api detail": api.get(f"/api/v1/incidents/{incident.pk}/").status_code == 200,
        "api export": WORD in body(api.get("/api/v1/incidents/export/ndjson/")),
    }


def test_a_withdrawn_incident_disappears_everywhere_at_once(client, reviewer, second_reviewer):
    api = APIClient()
    incident = ready_incident(title=f"Shelling of {WORD} shelter")
    services.publish(record=incident, reviewer=reviewer)
    assert all(public_traces(client, api, incident).values())

    services.withdraw(
        record=incident, reviewer=second_reviewer, reason="The footage was from another town."
    )

    assert not any(public_traces(client, api, incident).values())
    notice = client.get(incident.get_absolute_url())
    assert notice.status_code == 410
    assert "The footage was from another town." in body(notice)
    assert WORD not in body(notice)
    feed = api.get("/api/v1/tombstones/", {"since": "1970-01-01T00:00Z"}).json()
    rows = feed["results"] if isinstance(feed, dict) else feed
    removed = {(row["resource"], row["id"]): row["reason"] for row in rows}
    assert removed[("incidents", str(incident.pk))] == "withdrawn"


def test_a_withdrawn_action_leaves_its_page_and_the_api(client, reviewer):
    api = APIClient()
    action = ready_action(title=f"Warrant in the {WORD} case")
    services.publish(record=action, reviewer=reviewer)
    assert client.get(action.get_absolute_url()).status_code == 200

    services.withdraw(record=action, reviewer=f.UserFactory(is_superuser=True), reason="Sealed.")

    assert not m.AccountabilityAction.objects.public().exists()
    notice = client.get(action.get_absolute_url())
    assert notice.status_code == 410
    assert "Sealed." in body(notice)
    assert api.get(f"/api/v1/actions/{action.pk}/").status_code == 404
    assert api.get("/api/v1/actions/").json()["results"] == []
