"""The publication workflow: who may move a record where, and what publishing requires."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import models as m
from cases import services
from tests import factories as f

from .conftest import edit, ready_action, ready_incident

pytestmark = pytest.mark.django_db


def test_a_researcher_submits_a_draft_but_cannot_publish_it(researcher, reviewer):
    incident = edit(ready_incident(), researcher, title="Filtration camp near Olenivka")

    services.submit_for_review(record=incident, user=researcher)
    assert incident.publication_status == m.PublicationStatus.IN_REVIEW

    with pytest.raises(PermissionDenied, match="Only a reviewer"):
        services.publish(record=incident, reviewer=researcher)
    incident.refresh_from_db()
    assert incident.publication_status == m.PublicationStatus.IN_REVIEW
    assert not m.Incident.objects.public().exists()


def test_groups_carry_the_publish_permission_only_for_reviewers(researcher, reviewer):
    assert not services.can_publish(researcher, m.Incident)
    assert researcher.has_perm("cases.change_incident")
    assert services.can_publish(reviewer, m.Incident)
    assert services.can_publish(reviewer, m.AccountabilityAction)
    # Identities are a separate permission that no role carries by itself.
    assert not reviewer.has_perm("cases.view_protected_identity")


def test_a_reviewer_cannot_publish_a_change_they_made(researcher, reviewer, second_reviewer):
    incident = edit(ready_incident(), researcher, title="First draft")
    services.submit_for_review(record=incident, user=researcher)
    edit(incident, reviewer, summary="Corrected by the reviewer.")

    with pytest.raises(PermissionDenied, match="another reviewer must publish"):
        services.publish(record=incident, reviewer=reviewer)

    services.publish(record=incident, reviewer=second_reviewer)
    assert list(m.Incident.objects.public()) == [incident]


def test_a_status_change_by_someone_else_does_not_hide_whose_edit_it_was(researcher, reviewer):
    incident = edit(ready_incident(), reviewer, title="Written by the reviewer")
    services.submit_for_review(record=incident, user=researcher)  # last history row: researcher

    assert services.last_editor(incident) == reviewer
    with pytest.raises(PermissionDenied):
        services.publish(record=incident, reviewer=reviewer)


def test_publishing_an_incident_says_what_is_missing(researcher, reviewer):
    incident = edit(f.IncidentFactory(), researcher, title="Bare incident")

    with pytest.raises(ValidationError) as refused:
        services.publish(record=incident, reviewer=reviewer)

    messages = " ".join(refused.value.messages)
    assert "Cite at least one source" in messages
    assert "legal qualification (a provision) or a violation category" in messages
    incident.refresh_from_db()
    assert incident.publication_status == m.PublicationStatus.DRAFT


def test_an_incident_citing_only_unpublished_sources_is_refused(researcher, reviewer):
    incident = f.IncidentFactory()
    f.CitationFactory(incident=incident, source=f.SourceFactory())
    incident.categories.add(f.ViolationCategoryFactory())

    with pytest.raises(ValidationError, match="cited sources is published"):
        services.publish(record=incident, reviewer=reviewer)


def test_a_category_is_enough_instead_of_a_qualification(reviewer):
    incident = f.IncidentFactory()
    f.CitationFactory(incident=incident, source=f.SourceFactory(published=True))
    incident.categories.add(f.ViolationCategoryFactory())

    services.publish(record=incident, reviewer=reviewer)
    assert incident.publication_status == m.PublicationStatus.PUBLISHED


def test_publishing_an_action_needs_body_date_subjects_and_source(reviewer):
    action = f.AccountabilityActionFactory(
        issuing_body=f.ActorFactory(kind=m.ActorKind.COURT), issued_on=None
    )

    with pytest.raises(ValidationError) as refused:
        services.publish(record=action, reviewer=reviewer)

    messages = " ".join(refused.value.messages)
    assert "Publish the issuing body" in messages
    assert "Give a date" in messages
    assert "at least one subject" in messages
    assert "Cite at least one source for the action" in messages


def test_a_complete_action_is_published(reviewer):
    action = ready_action()
    services.publish(record=action, reviewer=reviewer)
    assert list(m.AccountabilityAction.objects.public()) == [action]


def test_withdrawal_needs_a_public_reason_and_records_who(reviewer, second_reviewer):
    incident = ready_incident()
    services.publish(record=incident, reviewer=reviewer)

    with pytest.raises(ValidationError, match="Say why"):
        services.withdraw(record=incident, reviewer=second_reviewer, reason="  ")

    services.withdraw(
        record=incident, reviewer=second_reviewer, reason="The source retracted its report."
    )
    incident.refresh_from_db()
    assert incident.publication_status == m.PublicationStatus.WITHDRAWN
    assert incident.withdrawal_reason == "The source retracted its report."
    assert incident.history.first().history_user == second_reviewer


def test_a_researcher_cannot_withdraw(researcher):
    incident = f.IncidentFactory(published=True)
    with pytest.raises(PermissionDenied):
        services.withdraw(record=incident, reviewer=researcher, reason="No.")


def test_only_allowed_steps(researcher, reviewer):
    published = f.IncidentFactory(published=True)
    with pytest.raises(ValidationError, match="cannot be submitted for review"):
        services.submit_for_review(record=published, user=researcher)
    draft = f.IncidentFactory()
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        services.withdraw(record=draft, reviewer=reviewer, reason="Never published.")
    with pytest.raises(ValidationError, match="cannot be sent back to draft"):
        services.return_to_draft(record=draft, reviewer=reviewer)


def test_the_versions_of_parts_are_indexed_by_their_record():
    """last_editor() reads the versions of a record's parts by the field naming the record:
    without an index that would read every version of every part (cases.models.History)."""
    for parts in services.PARTS.values():
        for model, path in parts:
            field = model.history.model._meta.get_field(path.split("__")[0])
            assert field.db_index, f"{model.__name__} history: index {field.name}"
