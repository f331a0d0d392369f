"""A published record does not change live: nothing reaches the public without a second
reviewer. An edit waits in a change set (tests/changesets); a withdrawal retracts. Rows that
are part of a record (its citations, qualifications, involvements, names, ...) count as the
record: locked on their own pages while it is published, and an edit of one is an edit of
the record for the four-eyes check.
"""

import pytest

from cases import models as m
from cases import services
from tests import factories as f
from tests.test_admin import assert_saved, current_data, url

from .conftest import edit, ready_incident
from .test_admin import messages_of, run_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_incident(reviewer, second_reviewer):
    incident = edit(ready_incident(title="Reviewed title"), reviewer, summary="Checked")
    return services.publish(record=incident, reviewer=second_reviewer)


def test_not_even_a_reviewer_edits_a_published_record_live(client, reviewer, published_incident):
    client.force_login(reviewer)
    page = client.get(url(m.Incident, "change", published_incident.pk))
    assert page.status_code == 200
    assert "the edit is kept in your change set" in page.content.decode()

    data = {**current_data(page), "title": "Edited live, unreviewed"}
    assert_saved(client.post(url(m.Incident, "change", published_incident.pk), data))
    assert m.Change.objects.get().change_set.created_by == reviewer
    assert (
        client.post(url(m.Incident, "delete", published_incident.pk), {"post": "yes"}).status_code
        == 403
    )
    published_incident.refresh_from_db()
    assert published_incident.title == "Reviewed title"


def test_the_parts_of_a_published_incident_are_locked_on_their_own_pages(
    client, reviewer, published_incident
):
    qualification = published_incident.legal_qualifications.get()
    citation = published_incident.citations.get()
    client.force_login(reviewer)

    change = client.get(url(m.LegalQualification, "change", qualification.pk))
    assert not change.context["has_change_permission"]
    assert client.post(url(m.LegalQualification, "change", qualification.pk), {}).status_code == 403
    assert client.post(url(m.Citation, "delete", citation.pk), {"post": "yes"}).status_code == 403
    bulk_delete = run_action(client, m.LegalQualification, "delete_selected", qualification)
    assert "permission to delete" in bulk_delete.content.decode()
    assert m.LegalQualification.objects.filter(pk=qualification.pk).exists()

    add_page = client.get(url(m.Citation, "add"))
    data = current_data(add_page)
    data.update(source=citation.source_id, incident=published_incident.pk, pinpoint="p. 9")
    response = client.post(url(m.Citation, "add"), data)
    assert response.status_code == 200
    assert "“Reviewed title” is live: change this on its own page" in response.content.decode()
    assert published_incident.citations.count() == 1


def test_a_reviewers_edit_of_a_part_is_their_change(client, researcher, reviewer, second_reviewer):
    incident = edit(ready_incident(), researcher, title="Entered by the researcher")
    services.submit_for_review(record=incident, user=researcher)
    provision = f.ProvisionFactory(instrument=f.InstrumentFactory(published=True))

    client.force_login(reviewer)
    data = current_data(client.get(url(m.LegalQualification, "add")))
    data.update(incident=incident.pk, provision=provision.pk)
    assert_saved(client.post(url(m.LegalQualification, "add"), data))

    with pytest.raises(services.PermissionDenied, match="another reviewer must publish"):
        services.publish(record=incident, reviewer=reviewer)
    services.publish(record=incident, reviewer=second_reviewer)


def test_deleting_a_part_is_a_change_too(client, researcher, reviewer):
    incident = edit(ready_incident(), researcher, title="Entered by the researcher")
    extra = f.InvolvementFactory(incident=incident, actor=f.ActorFactory(published=True))

    client.force_login(reviewer)
    response = client.post(url(m.Involvement, "delete", extra.pk), {"post": "yes"})
    assert response.status_code == 302
    assert services.last_editor(incident) == reviewer
    with pytest.raises(services.PermissionDenied):
        services.publish(record=incident, reviewer=reviewer)


def test_a_correction_goes_through_withdrawal_and_a_second_review(
    client, researcher, reviewer, second_reviewer, published_incident
):
    client.force_login(reviewer)
    client.post(
        url(m.Incident, "withdraw", published_incident.pk),
        {"withdrawal_reason": "Being corrected: the date was wrong."},
    )
    published_incident.refresh_from_db()
    assert published_incident.publication_status == m.PublicationStatus.WITHDRAWN

    client.force_login(researcher)
    data = current_data(client.get(url(m.Incident, "change", published_incident.pk)))
    data["title"] = "Corrected title"
    assert_saved(client.post(url(m.Incident, "change", published_incident.pk), data))
    run_action(client, m.Incident, "submit_selected_for_review", published_incident)

    client.force_login(reviewer)
    response = run_action(client, m.Incident, "publish_selected", published_incident)
    assert "is now published" in messages_of(response)
    assert client.get(published_incident.get_absolute_url()).status_code == 200
    assert "Corrected title" in client.get(published_incident.get_absolute_url()).content.decode()


def test_a_new_ratification_is_entered_under_a_published_instrument(client, reviewer):
    instrument = f.InstrumentFactory(published=True)
    client.force_login(reviewer)
    data = current_data(client.get(url(m.TreatyEvent, "add")))
    data.update(
        state=f.StateFactory().pk,
        instrument=instrument.pk,
        kind=m.TreatyEventKind.RATIFICATION,
        deposited_on="2024-10-25",
    )
    assert_saved(client.post(url(m.TreatyEvent, "add"), data))


def test_a_withdrawn_actors_names_leave_the_search_document(reviewer):
    actor = f.ActorFactory(name="Unit 1234", published=True)
    incident = f.InvolvementFactory(actor=actor).incident
    services.refresh_search_names(incidents=[incident.pk])
    incident.refresh_from_db()
    assert "Unit 1234" in incident.search_names

    services.withdraw(record=actor, reviewer=reviewer, reason="Misidentified unit.")
    incident.refresh_from_db()
    assert "Unit 1234" not in incident.search_names
