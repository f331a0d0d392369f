"""The admin pages of a change set keep a fixed number of queries, however many parts the
records have: the change set's review page (its diff reads each record and its parts, as
they are and as they will be, and replays the edit), and a published record's change form,
with the editor's kept draft and without. Each is read with 1 and with 5 rows of each kind
of part (involvements, legal qualifications and citations, each row cited as well) and
must take the same number of queries: no query per row, neither to show a row's chosen
actor, provision or source, nor to validate the row (cases.admin.base.LoadedChoicesFormSet)."""

import pytest

from cases import changesets
from cases import models as m
from cases.models.changesets import ChangeSet
from tests import factories as f
from tests.workflow.conftest import member_of

from .admin_steps import add_row, form_of, save

pytestmark = pytest.mark.django_db

ROWS = [1, 5]
SNAPSHOT = 8  # with the citations of its qualifications and involvements
CHANGE_FORM = 18  # each admin page: +1, the device of the session's second factor
CHANGE_FORM_WITH_DRAFT = 43
REVIEW_PAGE = 71  # its replay: the history of the categories no longer reads the record again


@pytest.fixture
def researcher(db):
    return member_of("researcher", username="researcher")


@pytest.fixture
def reviewer(db):
    return member_of("reviewer", username="reviewer")


def published_incident(rows: int) -> m.Incident:
    """A published incident with `rows` involvements, qualifications and citations, each
    involvement and qualification cited in its row, every related record a different one."""
    incident = f.IncidentFactory(title="Shelling of a market", published=True)
    for n in range(rows):
        actor = f.ActorFactory(name=f"Unit {n}", published=True)
        involvement = f.InvolvementFactory(incident=incident, actor=actor)
        qualification = f.LegalQualificationFactory(incident=incident)
        for cited in ({"incident": incident}, {"involvement": involvement}):
            f.CitationFactory(source=f.SourceFactory(published=True), **{"incident": None, **cited})
        f.CitationFactory(
            source=f.SourceFactory(published=True), incident=None, legal_qualification=qualification
        )
    return incident


def edit(client, incident: m.Incident) -> ChangeSet:
    """The same edit whatever the parts: the title, and an involvement added."""
    data = form_of(client, m.Incident, incident.pk)
    data["title"] = "Shelling of the central market"
    actor = f.ActorFactory(name="Another unit", published=True)
    add_row(data, "involvements", actor=actor.pk, role="direct_perpetrator", confidence="high")
    save(client, m.Incident, incident.pk, data)
    return ChangeSet.objects.get()


@pytest.mark.parametrize("rows", ROWS)
def test_a_snapshot_reads_a_record_and_its_parts_in_a_fixed_number_of_queries(
    rows, django_assert_num_queries
):
    incident = published_incident(rows)
    with django_assert_num_queries(SNAPSHOT):
        state = changesets.snapshot(incident)
    shown = [row["actor"][1] for row in state["parts"]["cases.involvement"].values()]
    assert shown == [f"Unit {n}" for n in range(rows)]
    assert len(state["parts"]["cases.citation"]) == 3 * rows


@pytest.mark.parametrize("rows", ROWS)
def test_the_review_page_of_a_change_set_has_a_fixed_number_of_queries(
    client, researcher, reviewer, rows, django_assert_num_queries
):
    incident = published_incident(rows)
    client.force_login(researcher)
    change_set = edit(client, incident)
    client.force_login(reviewer)
    page = client.get(change_set.get_absolute_url()).content.decode()
    assert "Involvement added" in page
    assert "Another unit" in page
    with django_assert_num_queries(REVIEW_PAGE):
        client.get(change_set.get_absolute_url())


@pytest.mark.parametrize("rows", ROWS)
def test_a_published_records_change_form_has_a_fixed_number_of_queries(
    client, researcher, rows, django_assert_num_queries
):
    incident = published_incident(rows)
    address = f"/admin/cases/incident/{incident.pk}/change/"
    client.force_login(researcher)
    page = client.get(address).content.decode()
    # Each row shows its chosen actor, provision and source by name.
    for n in range(rows):
        assert f"Unit {n}" in page
    for source in m.Source.objects.all():
        assert source.title in page
    with django_assert_num_queries(CHANGE_FORM):
        client.get(address)

    edit(client, incident)
    page = client.get(address).content.decode()
    assert "You are editing a draft" in page
    assert "Another unit" in page
    assert f"Unit {rows - 1}" in page
    with django_assert_num_queries(CHANGE_FORM_WITH_DRAFT):
        client.get(address)
