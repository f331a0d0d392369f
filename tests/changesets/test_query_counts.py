"""The admin pages of a change set keep a fixed number of queries, however many parts the
records have: the change set's review page (its diff reads each record and its parts, as
they are and as they will be), and a published record's change form, with the editor's
kept draft and without."""

import pytest

from cases import changesets
from cases import models as m
from cases.models.changesets import ChangeSet
from tests import factories as f
from tests.workflow.conftest import member_of, ready_incident

from .admin_steps import add_row, form_of, save

pytestmark = pytest.mark.django_db

# The queries for the fixture below with one involvement, and what each further involvement
# adds. The change-set code adds none per row (snapshot() reads a record with its parts in a
# fixed number of queries, test below); what a row adds is Django's admin's own, as on any
# incident page: its actor widget (AutocompleteSelect reads the chosen actor) and, where a
# submitted form is validated (a kept draft shown, the diff replaying the edit), the row
# read by its id, its actor read by its id, and the actor checked to exist (Model.full_clean).
SNAPSHOT = 8  # with the citations of its qualifications and involvements
CHANGE_FORM, CHANGE_FORM_PER_ROW = 22, 1
CHANGE_FORM_WITH_DRAFT, CHANGE_FORM_WITH_DRAFT_PER_ROW = 58, 4
REVIEW_PAGE, REVIEW_PAGE_PER_ROW = 111, 3


@pytest.fixture
def researcher(db):
    return member_of("researcher", username="researcher")


@pytest.fixture
def reviewer(db):
    return member_of("reviewer", username="reviewer")


def published_incident(involvements: int) -> m.Incident:
    incident = ready_incident(title="Shelling of a market", publication_status="published")
    for n in range(involvements):
        actor = f.ActorFactory(name=f"Unit {n}", published=True)
        f.InvolvementFactory(incident=incident, actor=actor)
    return incident


def edit(client, incident: m.Incident) -> ChangeSet:
    """The same edit whatever the parts: the title, and an involvement added."""
    data = form_of(client, m.Incident, incident.pk)
    data["title"] = "Shelling of the central market"
    actor = f.ActorFactory(name="Another unit", published=True)
    add_row(data, "involvements", actor=actor.pk, role="direct_perpetrator", confidence="high")
    save(client, m.Incident, incident.pk, data)
    return ChangeSet.objects.get()


@pytest.mark.parametrize("involvements", [1, 5])
def test_a_snapshot_reads_a_record_and_its_parts_in_a_fixed_number_of_queries(
    involvements, django_assert_num_queries
):
    incident = published_incident(involvements)
    with django_assert_num_queries(SNAPSHOT):
        state = changesets.snapshot(incident)
    shown = [row["actor"][1] for row in state["parts"]["cases.involvement"].values()]
    assert shown == [f"Unit {n}" for n in range(involvements)]


@pytest.mark.parametrize("involvements", [1, 5])
def test_the_review_page_of_a_change_set_has_a_fixed_number_of_queries(
    client, researcher, reviewer, involvements, django_assert_num_queries
):
    incident = published_incident(involvements)
    client.force_login(researcher)
    change_set = edit(client, incident)
    client.force_login(reviewer)
    page = client.get(change_set.get_absolute_url())
    assert "Involvement added" in page.content.decode()
    with django_assert_num_queries(REVIEW_PAGE + REVIEW_PAGE_PER_ROW * (involvements - 1)):
        client.get(change_set.get_absolute_url())


@pytest.mark.parametrize("involvements", [1, 5])
def test_a_published_records_change_form_has_a_fixed_number_of_queries(
    client, researcher, involvements, django_assert_num_queries
):
    incident = published_incident(involvements)
    address = f"/admin/cases/incident/{incident.pk}/change/"
    extra = involvements - 1
    client.force_login(researcher)
    client.get(address)
    with django_assert_num_queries(CHANGE_FORM + CHANGE_FORM_PER_ROW * extra):
        client.get(address)

    edit(client, incident)
    page = client.get(address)
    assert b"You are editing a draft" in page.content
    with django_assert_num_queries(CHANGE_FORM_WITH_DRAFT + CHANGE_FORM_WITH_DRAFT_PER_ROW * extra):
        client.get(address)
