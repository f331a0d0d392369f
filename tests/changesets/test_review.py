"""The review of a change set, on the demo data (issue 14, "Must show"): four eyes across the
whole set; a researcher's treaty act waits for review; a discarded set leaves no trace;
an edit whose record changed meanwhile is refused until its author saves it again."""

import pytest
from django.test import Client

from cases import models as m
from cases.models.changesets import Change, ChangeKind, ChangeSet, ChangeSetStatus
from tests.demo_data import snapshot
from tests.workflow.conftest import member_of

from .admin_steps import add_row, form_of, save, workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_reviewer(demo):
    return member_of("reviewer", username="second-reviewer")


def rome() -> m.Instrument:
    return m.Instrument.objects.get(slug="rome-statute")


def strikes() -> m.Incident:
    return m.Incident.objects.get(title__startswith="Campaign of strikes")


def edit_title(client, incident: m.Incident, title: str) -> None:
    data = form_of(client, m.Incident, incident.pk)
    save(client, m.Incident, incident.pk, {**data, "title": title})


def read(address: str) -> bytes:
    response = Client().get(address)
    assert response.status_code == 200, (address, response.status_code)
    return response.content


# Four eyes ----------------------------------------------------------------------------


def test_a_reviewer_does_not_approve_their_own_change_set(
    client, reviewer, second_reviewer, researcher
):
    incident = strikes()
    client.force_login(reviewer)
    edit_title(client, incident, "Strikes on Ukraine's power grid")
    change_set = ChangeSet.objects.get(created_by=reviewer)
    workflow(client, change_set, "submit")

    page = client.get(change_set.get_absolute_url())
    assert b"Approve and publish" not in page.content
    messages = workflow(client, change_set, "approve")
    assert "You made changes in this change set: another reviewer must review it." in messages
    assert ChangeSet.objects.get(pk=change_set.pk).status == ChangeSetStatus.SUBMITTED
    assert read(f"/incidents/{incident.pk}/").count(b"power grid") == 0

    client.force_login(researcher)  # a researcher may not approve at all
    assert "Only a reviewer approves change sets or asks for changes." in workflow(
        client, change_set, "approve"
    )

    client.force_login(second_reviewer)
    assert b"Approve and publish" in client.get(change_set.get_absolute_url()).content
    workflow(client, change_set, "approve")
    assert ChangeSet.objects.get(pk=change_set.pk).status == ChangeSetStatus.APPROVED
    assert b"power grid" in read(f"/incidents/{incident.pk}/")


def test_a_reviewer_who_edited_a_draft_of_the_set_does_not_approve_it(
    client, researcher, reviewer, second_reviewer
):
    """A new provision is a hidden draft in the live table: a reviewer can edit it directly
    on its page. Then it is their change too."""
    client.force_login(researcher)
    data = form_of(client, m.Provision)
    data.update(
        instrument=rome().pk, label="art. 8(2)(e)(vii)", rule_kind="war_crime", position="300"
    )
    save(client, m.Provision, None, data)
    provision = m.Provision.objects.get(label="art. 8(2)(e)(vii)")
    change_set = ChangeSet.objects.get(created_by=researcher)
    workflow(client, change_set, "submit")

    client.force_login(reviewer)
    data = form_of(client, m.Provision, provision.pk)
    save(client, m.Provision, provision.pk, {**data, "heading": "Conscripting children"})
    provision.refresh_from_db()
    assert provision.heading == "Conscripting children"  # a draft: saved as it is

    messages = workflow(client, change_set, "approve")
    assert "You made changes in this change set: another reviewer must review it." in messages
    provision.refresh_from_db()
    assert provision.proposed_in_id == change_set.pk  # still hidden

    client.force_login(second_reviewer)
    workflow(client, change_set, "approve")
    provision.refresh_from_db()
    assert provision.proposed_in_id is None
    assert b"Conscripting children" in read("/law/rome-statute/")


# A researcher's treaty act ------------------------------------------------------------

BELARUS_LAW = "/api/v1/states/BY/law/?on=2025-06-01"


def belarus_rome_status(body: bytes) -> str:
    import json

    statuses = json.loads(body)["statuses"]
    return next(s["status"] for s in statuses if s["instrument"]["slug"] == "rome-statute")


@pytest.mark.parametrize("where", ["treaty event page", "instrument page"])
def test_a_researchers_treaty_event_is_public_only_once_approved(
    client, researcher, reviewer, where
):
    before = {
        address: read(address) for address in ("/states/BY/", BELARUS_LAW, "/api/v1/states/BY/")
    }
    assert belarus_rome_status(before[BELARUS_LAW]) == "no_record"
    act = {"state": "BY", "kind": "signature", "deposited_on": "2025-03-03", "note": "A test."}

    client.force_login(researcher)
    if where == "treaty event page":
        data = form_of(client, m.TreatyEvent)
        save(client, m.TreatyEvent, None, {**data, **act, "instrument": rome().pk})
        kind = ChangeKind.ADDITION
    else:
        data = form_of(client, m.Instrument, rome().pk)
        add_row(data, "treaty_events", **act)
        save(client, m.Instrument, rome().pk, data)
        kind = ChangeKind.EDIT
    assert not m.TreatyEvent.objects.filter(state="BY", instrument=rome()).exists()
    change_set = ChangeSet.objects.get(created_by=researcher)
    assert list(change_set.changes.values_list("kind", flat=True)) == [kind]
    assert {address: read(address) for address in before} == before

    workflow(client, change_set, "submit")
    assert {address: read(address) for address in before} == before

    client.force_login(reviewer)
    workflow(client, change_set, "approve")
    assert ChangeSet.objects.get(pk=change_set.pk).status == ChangeSetStatus.APPROVED
    assert m.TreatyEvent.objects.filter(state="BY", instrument=rome()).count() == 1
    assert belarus_rome_status(read(BELARUS_LAW)) == "signatory"
    assert b"3 March 2025" in read("/states/BY/")


# Discarding ---------------------------------------------------------------------------


# The sync bookkeeping (changed_at, tombstones) is left to the test below.
NOT_CONTENT = {ChangeSet._meta.db_table, Change._meta.db_table, m.Tombstone._meta.db_table}


def live_rows() -> dict:
    """Every row of every cases table but the change sets' own, and history."""
    tables = snapshot(history=False)
    return {
        table: [{k: v for k, v in row.items() if k != "changed_at"} for row in rows]
        for table, rows in tables.items()
        if table not in NOT_CONTENT
    }


def add_draft_provision(client) -> m.Provision:
    data = form_of(client, m.Provision)
    data.update(instrument=rome().pk, label="art. 8(2)(e)(vii)", rule_kind="war_crime")
    save(client, m.Provision, None, data)  # a hidden draft in the live table
    return m.Provision.objects.get(label="art. 8(2)(e)(vii)")


def test_a_discarded_change_set_leaves_no_trace(client, researcher):
    before_rows = live_rows()
    surfaces = (
        "/law/rome-statute/",
        "/states/BY/",
        BELARUS_LAW,
        "/api/v1/instruments/rome-statute/",
    )
    before = {address: read(address) for address in surfaces}
    incident = strikes()

    client.force_login(researcher)
    provision = add_draft_provision(client)
    data = form_of(client, m.Source)
    data.update(title="A draft source", kind="ngo_report", publisher="Someone")
    save(client, m.Source, None, data)  # a draft record, hidden by its status
    source = m.Source.objects.get(title="A draft source")
    edit_title(client, incident, "A retitled incident")  # an edit of a published record
    data = form_of(client, m.TreatyEvent)
    act = {"state": "BY", "instrument": rome().pk, "kind": "signature"}
    save(client, m.TreatyEvent, None, {**data, **act, "deposited_on": "2025-03-03"})
    change_set = ChangeSet.objects.get(created_by=researcher)
    assert change_set.changes.count() == 4
    workflow(client, change_set, "submit")

    assert "is discarded" in " ".join(workflow(client, change_set, "discard"))
    assert ChangeSet.objects.get(pk=change_set.pk).status == ChangeSetStatus.DISCARDED
    assert not m.Provision.objects.filter(pk=provision.pk).exists()
    assert not m.Source.objects.filter(pk=source.pk).exists()
    assert live_rows() == before_rows
    assert {address: read(address) for address in surfaces} == before
    # Nothing left to edit: the incident's page shows the live record again.
    page = client.get(f"/admin/cases/incident/{incident.pk}/change/")
    assert b"You are editing a draft" not in page.content


def test_a_discarded_draft_provision_leaves_no_trace_in_the_sync_feed(client, researcher):
    instrument = rome()
    client.force_login(researcher)
    provision = add_draft_provision(client)
    workflow(client, ChangeSet.objects.get(created_by=researcher), "discard")
    assert not m.Provision.objects.filter(pk=provision.pk).exists()
    assert not m.Tombstone.objects.filter(resource="provisions").exists()
    assert m.Instrument.objects.get(pk=instrument.pk).changed_at == instrument.changed_at


# Conflicts ----------------------------------------------------------------------------


def test_an_edit_of_a_record_changed_meanwhile_waits_for_its_author(
    client, researcher, reviewer, demo
):
    other = member_of("researcher", username="other-researcher")
    incident = strikes()
    summary = incident.summary

    client.force_login(researcher)
    edit_title(client, incident, "Strikes on the power grid")
    first = ChangeSet.objects.get(created_by=researcher)
    workflow(client, first, "submit")

    client.force_login(other)  # meanwhile, another edit of the same incident goes through
    data = form_of(client, m.Incident, incident.pk)
    save(client, m.Incident, incident.pk, {**data, "summary": "A corrected summary."})
    second = ChangeSet.objects.get(created_by=other)
    workflow(client, second, "submit")
    client.force_login(reviewer)
    workflow(client, second, "approve")
    assert m.Incident.objects.get(pk=incident.pk).summary == "A corrected summary."

    page = client.get(first.get_absolute_url())
    assert "Conflict: the live record changed since this edit began (Summary)" in (
        page.content.decode()
    )
    messages = workflow(client, first, "approve")
    # The record is named as the edit names it.
    assert (
        "“Strikes on the power grid” changed since the edit began (Summary): its author must "
        "look at the newer version and save the edit again." in messages
    )
    incident.refresh_from_db()
    assert (incident.title, incident.summary) == (incident.title, "A corrected summary.")
    assert ChangeSet.objects.get(pk=first.pk).status == ChangeSetStatus.SUBMITTED
    workflow(client, first, "request-changes", "The summary was corrected meanwhile.")

    client.force_login(researcher)
    page = client.get(f"/admin/cases/incident/{incident.pk}/change/")
    assert "Since your edit began, the live record changed: Summary." in " ".join(
        page.content.decode().split()
    )
    assert b'name="_rebase"' in page.content
    # The author brings the edit up to date (the kept form still has the old summary).
    data = form_of(client, m.Incident, incident.pk)
    assert (data["title"], data["summary"]) == ("Strikes on the power grid", summary)
    data["summary"] = "A corrected summary."
    save(client, m.Incident, incident.pk, data, _rebase="Save over the newer version")
    workflow(client, first, "submit")

    client.force_login(reviewer)
    workflow(client, first, "approve")
    incident.refresh_from_db()
    assert ChangeSet.objects.get(pk=first.pk).status == ChangeSetStatus.APPROVED
    assert (incident.title, incident.summary) == (
        "Strikes on the power grid",
        "A corrected summary.",
    )
