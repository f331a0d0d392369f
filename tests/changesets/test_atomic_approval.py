"""No reader ever sees half of a change set (issue 14, "Must show"): while a change set of
50 edits is approved, a second database connection reads the 50 records over and over;
every read sees none of the edits or all of them."""

import importlib
import threading
import time

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client

from cases import changesets
from cases import models as m
from cases.models.changesets import ChangeSet, ChangeSetStatus
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


# The migrations that create the roles (groups) and grant them permissions.
ROLES = [
    ("0005_roles_and_publish_permissions", "create_roles"),
    ("0009_roles_edit_action_events_and_referrals", "grant"),
    ("0011_change_sets", "grant"),
]


def ensure_roles() -> None:
    """Create the roles again, as their migrations do, if a transactional test run before
    this one flushed them (as this one does)."""
    if Group.objects.filter(name__in=["researcher", "reviewer"]).count() == 2:
        return
    state = MigrationLoader(connection).project_state().apps  # not the app registry itself
    for module, function in ROLES:
        getattr(importlib.import_module(f"cases.migrations.{module}"), function)(state, None)


@pytest.mark.django_db(transaction=True)  # committed as it goes: the reader sees only that
def test_a_reader_sees_none_or_all_of_a_change_set_being_approved(client):
    ensure_roles()
    researcher = member_of("researcher", username="researcher")
    reviewer = member_of("reviewer", username="reviewer")
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
