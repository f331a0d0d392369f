"""The admin home: what the logged-in staff member works on, then the records by task."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from cases import models as m
from cases.models.changesets import ChangeKind, ChangeSetStatus
from tests import factories as f
from tests.workflow.conftest import member_of

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")


def section(response, name: str) -> str:
    """The HTML of one list of the home page ("" when it is not shown)."""
    html = response.content.decode()
    found = re.search(rf'<section[^>]*id="{name}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def change_set(author, title, status=ChangeSetStatus.OPEN, records=(), **fields):
    """A change set of `author` with an edit of each record."""
    change_set = m.ChangeSet.objects.create(title=title, created_by=author, status=status, **fields)
    for record in records:
        m.Change.objects.create(
            change_set=change_set,
            kind=ChangeKind.EDIT,
            content_type=ContentType.objects.get_for_model(record),
            object_id=str(record.pk),
            label=str(record),
            form_data={},
            author=author,
        )
    return change_set


@pytest.fixture
def researcher(db):
    return member_of("researcher", username="researcher")


@pytest.fixture
def reviewer(db):
    return member_of("reviewer", username="reviewer")


def test_my_drafts_lists_own_unpublished_records_and_kept_edits(client, researcher, reviewer):
    mine = f.IncidentFactory(title="Shelling of the school", created_by=researcher)
    changed = f.ActorFactory(name="Unit 1234", created_by=reviewer, updated_by=researcher)
    f.IncidentFactory(title="Somebody else's draft", created_by=reviewer)
    f.SourceFactory(title="My published source", created_by=researcher, published=True)
    published = f.IncidentFactory(title="Published incident", published=True)
    open_set = change_set(researcher, "Typo fixes", records=[published])
    change_set(researcher, "Already sent", ChangeSetStatus.SUBMITTED, records=[mine])
    client.force_login(researcher)

    drafts = section(client.get(HOME), "my-drafts")

    assert "Shelling of the school" in drafts
    assert reverse("admin:cases_incident_change", args=[mine.pk]) in drafts
    assert "Unit 1234" in drafts  # last changed by the researcher
    assert reverse("admin:cases_actor_change", args=[changed.pk]) in drafts
    assert "Somebody else" not in drafts
    assert "My published source" not in drafts
    # The kept edit of a published record, in its open change set.
    assert "Published incident" in drafts
    assert open_set.get_absolute_url() in drafts
    assert "Already sent" not in drafts  # submitted: no longer the researcher's to edit


def test_my_change_sets_show_status_count_and_comment(client, researcher, reviewer):
    incidents = [f.IncidentFactory(published=True) for _ in range(3)]
    returned = change_set(
        researcher,
        "Charges of the warrant",
        ChangeSetStatus.CHANGES_REQUESTED,
        records=incidents,
        reviewed_by=reviewer,
        review_comment="Cite the warrant itself, not the press release.",
    )
    change_set(researcher, "Dropped idea", ChangeSetStatus.DISCARDED)
    change_set(reviewer, "The reviewer's own", records=incidents[:1])
    client.force_login(researcher)

    mine = section(client.get(HOME), "my-change-sets")

    link = returned.get_absolute_url()
    row = re.search(rf'<tr><th scope="row"><a href="{link}">.*?</tr>', mine, re.S)
    assert row is not None
    assert "Changes requested" in row.group(0)
    assert "<td>3</td>" in row.group(0)
    assert "Cite the warrant itself, not the press release." in row.group(0)
    assert "Dropped idea" not in mine
    assert "The reviewer&#x27;s own" not in mine


def test_a_researcher_has_nothing_to_review(client, researcher, reviewer):
    change_set(reviewer, "Waiting", ChangeSetStatus.SUBMITTED, records=[f.ActorFactory()])
    client.force_login(researcher)
    response = client.get(HOME)
    assert section(response, "waiting-for-review") == ""
    assert "Waiting for my review" not in response.content.decode()


def test_a_reviewer_waits_for_others_change_sets_not_their_own(client, researcher, reviewer):
    theirs = change_set(
        researcher,
        "New warrant",
        ChangeSetStatus.SUBMITTED,
        records=[f.ActorFactory()],
        submitted_at=timezone.now(),
    )
    own = change_set(reviewer, "My own submission", ChangeSetStatus.SUBMITTED)
    # Four eyes: a change set the reviewer made a change in is not theirs to review.
    contributed = change_set(researcher, "Joint work", ChangeSetStatus.SUBMITTED)
    m.Change.objects.create(
        change_set=contributed,
        kind=ChangeKind.EDIT,
        content_type=ContentType.objects.get_for_model(m.Actor),
        object_id=str(f.ActorFactory().pk),
        label="An actor",
        author=reviewer,
    )
    change_set(researcher, "Still open", records=[f.ActorFactory()])
    client.force_login(reviewer)

    waiting = section(client.get(HOME), "waiting-for-review")

    assert theirs.get_absolute_url() in waiting
    assert own.get_absolute_url() not in waiting
    assert contributed.get_absolute_url() not in waiting
    assert "Still open" not in waiting


def test_recently_published_lists_approved_change_sets(client, researcher, reviewer):
    approved = change_set(
        researcher,
        "Rome Statute, article 8",
        ChangeSetStatus.APPROVED,
        records=[f.InstrumentFactory(published=True)],
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
    )
    change_set(researcher, "Not yet", ChangeSetStatus.SUBMITTED)
    client.force_login(researcher)

    published = section(client.get(HOME), "recently-published")

    assert approved.get_absolute_url() in published
    assert "reviewer" in published
    assert "Not yet" not in published


def test_records_are_grouped_by_task_without_join_tables(client, researcher):
    client.force_login(researcher)
    html = client.get(HOME).content.decode()

    for group in ("The facts", "The law", "Change sets", "Exchange"):
        assert f"<caption>{group}</caption>" in html
    for listed in ("incident", "accountabilityaction", "provision", "treatyevent", "changeset"):
        assert reverse(f"admin:cases_{listed}_changelist") in html
    assert reverse("admin:exchange-quality") in html
    for part in (
        "involvement",
        "legalqualification",
        "citation",
        "charge",
        "actionsubject",
        "actorname",
        "actoridentifier",
        "membership",
        "sourcecapture",
        "victimcount",
        "actionevent",
    ):
        url = reverse(f"admin:cases_{part}_changelist")
        assert url not in html
        assert client.get(url).status_code == 200  # still reachable by its URL


def test_protected_identities_only_for_those_allowed(client, researcher):
    identities = reverse("admin:cases_protectedidentity_changelist")
    client.force_login(researcher)
    html = client.get(HOME).content.decode()
    assert reverse("admin:cases_protectedperson_changelist") in html  # pseudonyms
    assert identities not in html

    allowed = member_of("researcher", username="allowed")
    allowed.user_permissions.add(Permission.objects.get(codename="view_protected_identity"))
    client.force_login(allowed)
    assert identities in client.get(HOME).content.decode()


def test_home_query_count_does_not_grow(client, researcher, reviewer, django_assert_num_queries):
    """A fixed number of queries, however many drafts and change sets there are."""

    def fill(n):
        for i in range(n):
            incident = f.IncidentFactory(created_by=reviewer)
            f.ActorFactory(created_by=reviewer)
            f.SourceFactory(updated_by=reviewer)
            published = f.IncidentFactory(published=True)
            change_set(reviewer, f"Mine {i}", records=[published, f.ActorFactory(published=True)])
            change_set(researcher, f"Theirs {i}", ChangeSetStatus.SUBMITTED, records=[incident])
            change_set(
                researcher,
                f"Done {i}",
                ChangeSetStatus.APPROVED,
                records=[published],
                reviewed_by=reviewer,
                reviewed_at=timezone.now(),
            )

    fill(2)
    client.force_login(reviewer)
    client.get(HOME)  # the content types and the permissions, cached for the process
    with django_assert_num_queries(QUERIES):
        response = client.get(HOME)
    assert response.status_code == 200
    assert len(section(response, "waiting-for-review").split("<tr>")) == 2 + 2

    fill(20)
    with django_assert_num_queries(QUERIES):
        response = client.get(HOME)
    assert section(response, "my-drafts").count("<tr>") == 1 + 15


# The session and its user, the user's permissions (user and groups), then the home's
# lists: drafts (one per record with a status), kept edits, my change sets, waiting for
# review, recently published.
QUERIES = 14  # with the device of the session's second factor
