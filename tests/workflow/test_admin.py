"""The workflow and the history in the admin: status changes only through the services."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import models as m
from cases import services
from tests import factories as f
from tests.test_admin import assert_saved, current_data, url

from .conftest import edit, member_of, ready_incident

pytestmark = pytest.mark.django_db


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def revert_data(response) -> dict:
    """The POST data that submits a history version's revert form as shown."""
    form = response.context["adminform"].form

    class RevertPage:  # the revert page has no inlines
        context = {"adminform": response.context["adminform"], "inline_admin_formsets": []}

    assert form is RevertPage.context["adminform"].form
    return current_data(RevertPage)


def run_action(client, model, action, *records):
    return client.post(
        url(model, "changelist"),
        {"action": action, "_selected_action": [r.pk for r in records]},
        follow=True,
    )


def test_a_researcher_cannot_set_published_in_the_change_form(client, researcher):
    incident = ready_incident()
    client.force_login(researcher)
    page = client.get(url(m.Incident, "change", incident.pk))
    assert "publication_status" not in page.context["adminform"].form.fields

    data = current_data(page)
    data["publication_status"] = "published"
    data["title"] = "Edited by the researcher"
    assert_saved(client.post(url(m.Incident, "change", incident.pk), data))

    incident.refresh_from_db()
    assert incident.title == "Edited by the researcher"
    assert incident.publication_status == m.PublicationStatus.DRAFT
    assert not m.Incident.objects.public().exists()


def test_a_researcher_cannot_change_a_record_in_review(client, researcher):
    incident = f.IncidentFactory(publication_status="in_review", title="Reviewed title")
    client.force_login(researcher)
    page = client.get(url(m.Incident, "change", incident.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]  # shown read-only

    data = {"title": "Changed behind the reviewer's back"}
    assert client.post(url(m.Incident, "change", incident.pk), data).status_code == 403
    incident.refresh_from_db()
    assert incident.title == "Reviewed title"


def test_a_researcher_submits_for_review_but_the_publish_action_refuses(client, researcher):
    incident = ready_incident()
    client.force_login(researcher)

    run_action(client, m.Incident, "submit_selected_for_review", incident)
    incident.refresh_from_db()
    assert incident.publication_status == m.PublicationStatus.IN_REVIEW

    response = run_action(client, m.Incident, "publish_selected", incident)
    assert "Only a reviewer can publish" in messages_of(response)
    incident.refresh_from_db()
    assert incident.publication_status == m.PublicationStatus.IN_REVIEW


def test_the_publish_action_refuses_the_reviewers_own_change(client, reviewer, second_reviewer):
    incident = edit(ready_incident(), reviewer, title="Written by the reviewer")
    client.force_login(reviewer)
    response = run_action(client, m.Incident, "publish_selected", incident)
    assert "another reviewer must publish" in messages_of(response)
    assert not m.Incident.objects.public().exists()

    client.force_login(second_reviewer)
    response = run_action(client, m.Incident, "publish_selected", incident)
    assert "is now published" in messages_of(response)
    assert list(m.Incident.objects.public()) == [incident]


def test_publishing_in_the_change_form_says_what_is_missing(client, researcher, reviewer):
    incident = edit(f.IncidentFactory(), researcher, title="Bare")
    client.force_login(reviewer)
    data = current_data(client.get(url(m.Incident, "change", incident.pk)))
    data["publication_status"] = "published"

    response = client.post(url(m.Incident, "change", incident.pk), data, follow=True)

    said = messages_of(response)
    assert "Cite at least one source" in said
    assert "legal qualification (a provision) or a violation category" in said
    incident.refresh_from_db()
    assert incident.publication_status == m.PublicationStatus.DRAFT


def test_a_reviewer_withdraws_a_published_record_with_a_public_reason(client, reviewer):
    incident = f.IncidentFactory(published=True)
    client.force_login(reviewer)
    change_page = client.get(url(m.Incident, "change", incident.pk)).content.decode()
    withdraw_url = url(m.Incident, "withdraw", incident.pk)
    assert f'href="{withdraw_url}"' in change_page

    refused = client.post(withdraw_url, {"withdrawal_reason": "  "})
    assert refused.status_code == 200
    assert "This field is required" in refused.content.decode()
    incident.refresh_from_db()
    assert incident.publication_status == m.PublicationStatus.PUBLISHED

    response = client.post(withdraw_url, {"withdrawal_reason": "The only witness retracted."})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.publication_status == m.PublicationStatus.WITHDRAWN
    assert incident.withdrawal_reason == "The only witness retracted."
    assert incident.history.first().history_user == reviewer


def test_a_researcher_cannot_withdraw(client, researcher):
    incident = f.IncidentFactory(published=True)
    client.force_login(researcher)
    change_page = client.get(url(m.Incident, "change", incident.pk)).content.decode()
    assert "Withdraw…" not in change_page
    withdraw_url = url(m.Incident, "withdraw", incident.pk)
    assert client.post(withdraw_url, {"withdrawal_reason": "No."}).status_code == 403
    incident.refresh_from_db()
    assert incident.publication_status == m.PublicationStatus.PUBLISHED


def test_reverting_to_a_published_version_does_not_publish(client, researcher, reviewer):
    incident = ready_incident(title="Old title")

    services.publish(record=incident, reviewer=reviewer)
    services.withdraw(record=incident, reviewer=reviewer, reason="Wrong place.")
    published_version = incident.history.filter(publication_status="published").get()

    client.force_login(researcher)
    revert_url = url(m.Incident, "simple_history", incident.pk, published_version.pk)
    data = revert_data(client.get(revert_url))
    client.post(revert_url, data)

    incident.refresh_from_db()
    assert incident.title == "Old title"
    assert incident.publication_status == m.PublicationStatus.WITHDRAWN


def viewer():
    user = f.UserFactory(is_staff=True, username="viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_incident"))
    return user


@pytest.mark.parametrize(
    ("status", "who"),
    # Restoring a published record keeps an edit in a change set: tests/changesets/test_history.py
    [("in_review", "researcher"), ("draft", "viewer")],
)
def test_a_revert_needs_the_permission_to_change_the_record(client, status, who):
    users = {
        "researcher": lambda: member_of("researcher", username="researcher"),
        "reviewer": lambda: member_of("reviewer", username="reviewer"),
        "viewer": viewer,
    }
    incident = f.IncidentFactory(title="Old title")
    edit(incident, f.UserFactory(), title="Current title")
    m.Incident.objects.filter(pk=incident.pk).update(publication_status=status)
    old_version = incident.history.order_by("history_id").first()

    client.force_login(users[who]())
    revert_url = url(m.Incident, "simple_history", incident.pk, old_version.pk)
    page = client.get(revert_url)
    assert page.status_code == 200
    assert page.context["revert_disabled"]
    assert client.post(revert_url, revert_data(page)).status_code == 403
    incident.refresh_from_db()
    assert incident.title == "Current title"


def test_history_page_shows_who_changed_what(client, researcher, reviewer):
    incident = edit(f.IncidentFactory(title="Before"), researcher, title="After")
    client.force_login(reviewer)

    page = client.get(url(m.Incident, "history", incident.pk))

    assert page.status_code == 200
    html = page.content.decode()
    assert "researcher" in html
    assert "Before" in html
    assert "After" in html


def test_revert_restores_an_earlier_version(client, researcher, reviewer):
    incident = f.IncidentFactory(title="Original title", summary="Original summary")
    edit(incident, researcher, title="Vandalised", summary="Vandalised")
    original = incident.history.order_by("history_id").first()

    client.force_login(reviewer)
    revert_url = url(m.Incident, "simple_history", incident.pk, original.pk)
    assert_saved(client.post(revert_url, revert_data(client.get(revert_url))))

    incident.refresh_from_db()
    assert (incident.title, incident.summary) == ("Original title", "Original summary")
    assert incident.history.first().history_user == reviewer


def test_history_survives_a_delete(client, reviewer):
    incident = f.IncidentFactory(title="Deleted later")
    pk = incident.pk
    client.force_login(reviewer)
    response = client.post(url(m.Incident, "delete", pk), {"post": "yes"})
    assert response.status_code == 302
    assert not m.Incident.objects.filter(pk=pk).exists()

    kinds = list(m.Incident.history.filter(id=pk).values_list("history_type", flat=True))
    assert kinds == ["-", "+"]
    assert m.Incident.history.filter(id=pk).first().history_user == reviewer
    page = client.get(url(m.Incident, "history", pk))
    assert page.status_code == 200
    assert "Deleted later" in page.content.decode()


def test_deleted_records_are_listed_with_a_link_to_their_history(client, reviewer):
    for title in ("Deleted first", "Deleted second"):
        f.IncidentFactory(title=title).delete()
    client.force_login(reviewer)
    deleted_url = url(m.Incident, "deleted")
    assert f'href="{deleted_url}"' in client.get(url(m.Incident, "changelist")).content.decode()

    page = client.get(deleted_url)
    html = page.content.decode()
    assert html.index("Deleted second") < html.index("Deleted first")  # newest first
    deleted_pk = m.Incident.history.filter(title="Deleted first").first().id
    assert f'href="{url(m.Incident, "history", deleted_pk)}"' in html

    with CaptureQueriesContext(connection) as two_rows:
        client.get(deleted_url)
    f.IncidentFactory(title="Deleted third").delete()
    with CaptureQueriesContext(connection) as three_rows:
        client.get(deleted_url)
    assert len(three_rows) == len(two_rows)


def test_deleted_identities_stay_hidden_without_the_identity_permission(client, researcher):
    m.ProtectedIdentity.objects.create(
        person=f.ProtectedPersonFactory(), full_name="Olena Secret"
    ).delete()
    client.force_login(researcher)
    assert client.get(url(m.ProtectedIdentity, "deleted")).status_code == 403


def test_protected_identity_history_needs_the_identity_permission(client, researcher):
    person = f.ProtectedPersonFactory()
    identity = m.ProtectedIdentity.objects.create(person=person, full_name="Olena Secret")
    identity.full_name = "Olena Secret-Renamed"
    identity.save()
    history_url = url(m.ProtectedIdentity, "history", identity.pk)
    first_version = identity.history.order_by("history_id").first()
    version_url = url(m.ProtectedIdentity, "simple_history", identity.pk, first_version.pk)

    client.force_login(researcher)
    assert client.get(history_url).status_code == 403
    assert client.get(version_url).status_code == 403
    person_history = client.get(url(m.ProtectedPerson, "history", person.pk))
    assert person_history.status_code == 200
    assert "Olena Secret" not in person_history.content.decode()

    cleared = member_of("researcher", username="cleared")
    cleared.user_permissions.add(Permission.objects.get(codename="view_protected_identity"))
    client.force_login(cleared)
    page = client.get(history_url)
    assert page.status_code == 200
    assert "Olena Secret-Renamed" in page.content.decode()
    assert client.get(version_url).status_code == 200
