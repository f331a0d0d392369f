"""No reader ever sees half of a change set (issue 14, "Must show"): while a change set of
50 edits is approved, a second database connection reads the 50 records over and over;
every read sees none of the edits or all of them."""

import threading
import time

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from cases import changesets
from cases import models as m
from cases.models.changesets import ChangeSet, ChangeSetStatus
from tests.demo_data import clear_cases_tables
from tests.workflow.conftest import member_of, ready_incident

from .admin_steps import form_of, save

RECORDS = 50


def edit_titles(client: Client, incidents: list[m.Incident]) -> None:
    for incident in incidents:
        data = form_of(client, m.Incident, incident.pk)
        save(client, m.Incident, incident.pk, {**data, "title": f"Edited: {incident.title}"})


class Reader(threading.Thread):
    """Counts, through its own connection, how many of the records show the edit."""

    def __init__(self, ids: list[int]):
        super().__init__(daemon=True)
        settings = connection.settings_dict
        self.dsn = {
            "dbname": settings["NAME"],
            "host": settings["HOST"] or None,
            "port": settings["PORT"] or None,
            "user": settings["USER"] or None,
            "password": settings["PASSWORD"] or None,
        }
        self.ids = ids
        self.reads: list[tuple[float, int]] = []  # (when, how many edited)
        self.stop = threading.Event()

    def run(self):
        with psycopg.connect(**self.dsn, autocommit=True) as reader:
            while not self.stop.is_set():
                row = reader.execute(
                    "SELECT count(*) FROM cases_incident WHERE id = ANY(%s) "
                    "AND title LIKE 'Edited: %%' AND publication_status = 'published'",
                    [self.ids],
                ).fetchone()
                self.reads.append((time.monotonic(), row[0]))


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Writes committed as they are made, as in production (a reader on another connection
    sees only what is committed); the cases tables and the users emptied afterwards.

    Not `transaction=True`: its flush at the end would also empty the roles (groups) that
    the migrations create, which the tests after it need."""
    with django_db_blocker.unblock():
        yield
        clear_cases_tables()
        User.objects.filter(username__in=["atomic-researcher", "atomic-reviewer"]).delete()


def test_a_reader_sees_none_or_all_of_a_change_set_being_approved(committed, client):
    researcher = member_of("researcher", username="atomic-researcher")
    reviewer = member_of("reviewer", username="atomic-reviewer")
    incidents = [
        ready_incident(title=f"Incident {n}", publication_status="published")
        for n in range(RECORDS)
    ]
    client.force_login(researcher)
    edit_titles(client, incidents)
    change_set = ChangeSet.objects.get(created_by=researcher)
    assert change_set.changes.count() == RECORDS
    changesets.submit(change_set=change_set, user=researcher)

    reader = Reader([incident.pk for incident in incidents])
    reader.start()
    while not reader.reads:
        time.sleep(0.01)
    started = time.monotonic()
    changesets.approve(change_set=change_set, reviewer=reviewer)  # commits at its end
    finished = time.monotonic()
    time.sleep(0.2)
    reader.stop.set()
    reader.join(timeout=10)

    assert ChangeSet.objects.get(pk=change_set.pk).status == ChangeSetStatus.APPROVED
    seen = {count for _, count in reader.reads}
    assert seen == {0, RECORDS}, f"a reader saw {sorted(seen)} of {RECORDS} edits"
    during = [count for when, count in reader.reads if started <= when <= finished]
    assert len(during) >= 10  # the reader did read while the approval ran
    assert reader.reads[-1][1] == RECORDS
    # One instant for all of them, so a partner syncing by updated_since gets all or none.
    stamps = m.Incident.objects.filter(pk__in=[i.pk for i in incidents]).values("updated_at")
    assert stamps.distinct().count() == 1
