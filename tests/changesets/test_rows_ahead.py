"""An approval replays each kept form through its admin page, and reads the inline rows of
a run of edits of one model once for the whole run (cases.admin.changesets.RowsAhead), not
once a record. Each record must still get its own rows: a changed, a removed and an added
row each land on their own record, and a change of another kind between two edits ends the
run (the rows after it are read again)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import changesets
from cases import models as m
from cases.models.changesets import Change, ChangeKind, ChangeSet
from tests import factories as f
from tests.workflow.conftest import member_of

from .admin_steps import add_row, form_of, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def researcher(db):
    user = member_of("researcher", username="researcher")
    # Who may remove a row of an incident (a researcher may not, a reviewer may).
    user.user_permissions.add(Permission.objects.get(codename="delete_involvement"))
    return user


@pytest.fixture
def reviewer(db):
    return member_of("reviewer", username="reviewer")


def roles(incident: m.Incident) -> list[tuple[str, str]]:
    rows = incident.involvements.select_related("actor").order_by("actor__name")
    return [(row.actor.name, row.role) for row in rows]


def test_each_record_gets_its_own_rows_read_once_for_the_run(client, researcher, reviewer):
    shared = f.ActorFactory(name="Shared unit", published=True)
    incidents = []
    for n in range(3):
        incident = f.IncidentFactory(title=f"Incident {n}", published=True)
        f.InvolvementFactory(incident=incident, actor=shared)
        f.InvolvementFactory(incident=incident, actor=f.ActorFactory(name=f"Unit {n}"))
        incidents.append(incident)
    newcomer = f.ActorFactory(name="New unit", published=True)
    client.force_login(researcher)
    first, second, third = incidents
    data = form_of(client, m.Incident, first.pk)
    save(client, m.Incident, first.pk, {**data, "title": "Incident 0, edited"})
    data = form_of(client, m.Incident, second.pk)
    changed = next(k for k, v in data.items() if k.endswith("-actor") and v == str(shared.pk))
    data[changed.replace("-actor", "-role")] = m.InvolvementRole.ORDERING
    save(client, m.Incident, second.pk, data)
    data = form_of(client, m.Incident, third.pk)
    removed = next(k for k, v in data.items() if k.endswith("-actor") and v != str(shared.pk))
    data[removed.replace("-actor", "-DELETE")] = "on"
    add_row(data, "involvements", actor=newcomer.pk, role="facilitator", confidence="high")
    save(client, m.Incident, third.pk, data)
    change_set = ChangeSet.objects.get()
    changesets.submit(change_set=change_set, user=researcher)

    with CaptureQueriesContext(connection) as queries:
        changesets.approve(change_set=change_set, reviewer=reviewer)

    for incident in incidents:
        incident.refresh_from_db()
    assert first.title == "Incident 0, edited"
    assert roles(first) == [("Shared unit", "direct_perpetrator"), ("Unit 0", "direct_perpetrator")]
    assert roles(second) == [("Shared unit", "ordering"), ("Unit 1", "direct_perpetrator")]
    assert roles(third) == [("New unit", "facilitator"), ("Shared unit", "direct_perpetrator")]

    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "cases_involvement"' in q["sql"]
    ]
    # The conflict check's, the run's rows (with their actors) and the search names': the
    # three incidents at once each time, none for one record.
    assert len(reads) == 3
    assert not [sql for sql in reads if '"cases_involvement"."incident_id" = ' in sql]
    assert len([sql for sql in reads if 'JOIN "cases_actor"' in sql]) == 1


def test_a_change_of_another_kind_or_author_or_model_ends_a_run(researcher, reviewer):
    incident, actor = (ContentType.objects.get_for_model(x) for x in (m.Incident, m.Actor))

    def change(pk, kind=ChangeKind.EDIT, content_type=incident, author=researcher):
        return Change(pk=pk, kind=kind, content_type=content_type, object_id=str(pk), author=author)

    changes = [
        change(1),
        change(2, ChangeKind.NEW),  # published first: the run goes on
        change(3),
        change(4, ChangeKind.DELETION),
        change(5),
        change(6, content_type=actor),
        change(7),
        change(8, author=reviewer),
    ]
    runs = changesets.runs_of_edits(changes)
    assert [runs[pk].pks for pk in (1, 3, 5, 6, 7, 8)] == [
        ["1", "3"], ["1", "3"], ["5"], ["6"], ["7"], ["8"]
    ]  # fmt: skip
    assert set(runs) == {1, 3, 5, 6, 7, 8}
