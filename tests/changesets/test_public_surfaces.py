"""While a change set is pending, every public surface serves the published version byte for
byte; once approved, all of them show the change (issue 14, "Must show").

The change set is entered as a researcher would, on the demo data: a provision the Rome
Statute lacked (on the Provision add page, or on the instrument's own page), a charge
citing it on the published Putin warrant, a legal qualification citing it on the published
deportation incident.
"""

import pytest
from django.test import Client

from cases import models as m
from cases.models.changesets import ChangeKind, ChangeSet, ChangeSetStatus

from .admin_steps import add_row, form_of, save, workflow

pytestmark = pytest.mark.django_db

LABEL = "art. 8(2)(b)(xxvi)"
HEADING = "Conscripting or enlisting children under the age of fifteen years"
WORDS = "conscripting enlisting"


def rome() -> m.Instrument:
    return m.Instrument.objects.get(slug="rome-statute")


def warrant() -> m.AccountabilityAction:
    return m.AccountabilityAction.objects.get(title="ICC arrest warrant for Vladimir Putin")


def deportation() -> m.Incident:
    return m.Incident.objects.get(title__startswith="Deportation and transfer of Ukrainian")


def public_surfaces() -> dict[str, bytes]:
    """What an anonymous reader and a partner get, body by body."""
    reader = Client()
    action, incident = warrant(), deportation()
    urls = [
        "/law/rome-statute/",
        "/law/",
        f"/incidents/{incident.pk}/",
        f"/actions/{action.pk}/",
        f"/search/?q={WORDS}",
        "/api/v1/instruments/rome-statute/",
        "/api/v1/instruments/",
        "/api/v1/provisions/?instrument=rome-statute",
        "/api/v1/states/UA/law/?on=2025-06-01",
        "/api/v1/states/RU/law/?on=2023-03-17",
        "/api/v1/states/UA/",
        f"/api/v1/actions/{action.pk}/",
        "/api/v1/actions/",
        f"/api/v1/incidents/{incident.pk}/",
        f"/api/v1/incidents/?q={WORDS}",
    ]
    bodies = {}
    for address in urls:
        response = reader.get(address)
        assert response.status_code == 200, (address, response.status_code)
        bodies[address] = response.content
    return bodies


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {address for address in before if before[address] != after[address]}


# What the approval must change: the law (page and API), the warrant (page and API), the
# incident (page and API) and the search for the provision's words. A state's treaty status
# does not depend on provisions: it stays as it was, and never disappears.
SHOWS_THE_CHANGE = {
    "/law/rome-statute/",
    "/incidents/{incident}/",
    "/actions/{action}/",
    f"/search/?q={WORDS}",
    "/api/v1/instruments/rome-statute/",
    "/api/v1/provisions/?instrument=rome-statute",
    "/api/v1/actions/{action}/",
    "/api/v1/actions/",
    "/api/v1/incidents/{incident}/",
    f"/api/v1/incidents/?q={WORDS}",
}


def expected_changes() -> set[str]:
    ids = {"action": warrant().pk, "incident": deportation().pk}
    return {address.format(**ids) for address in SHOWS_THE_CHANGE}


def cite_the_provision(client: Client, provision_pk: int) -> None:
    """The charge on the warrant and the qualification of the incident, each on its page."""
    action = warrant()
    data = form_of(client, m.AccountabilityAction, action.pk)
    putin = action.subject_links.get().actor
    add_row(
        data,
        "charges",
        provision=provision_pk,
        subject=putin.pk,
        crime_period="2022-02-24/..",
        description="Conscription of deported children (an example for the tests).",
    )
    save(client, m.AccountabilityAction, action.pk, data)

    incident = deportation()
    data = form_of(client, m.Incident, incident.pk)
    add_row(data, "legal_qualifications", provision=provision_pk, standing="alleged")
    save(client, m.Incident, incident.pk, data)


def assert_pending_then_published(client, researcher, reviewer, change_set, before):
    assert public_surfaces() == before  # open: being edited

    client.force_login(researcher)
    workflow(client, change_set, "submit")
    change_set.refresh_from_db()
    assert change_set.status == ChangeSetStatus.SUBMITTED
    assert public_surfaces() == before  # submitted: waiting for review

    client.force_login(reviewer)
    messages = workflow(client, change_set, "approve", "Checked against the Statute.")
    change_set.refresh_from_db()
    assert change_set.status == ChangeSetStatus.APPROVED, messages

    after = public_surfaces()
    assert changed(before, after) == expected_changes()
    # A list shows the record's new updated_at (the approval's); the search, the incident.
    lists = {"/api/v1/actions/"}
    searches = {f"/search/?q={WORDS}", f"/api/v1/incidents/?q={WORDS}"}
    for address in expected_changes() - searches - lists:
        assert LABEL.encode() in after[address], address
        assert LABEL.encode() not in before[address], address
    for address in searches:  # the incident is found by the provision's words
        assert deportation().title.encode() not in before[address], address
        assert deportation().title.encode() in after[address], address


def test_a_provision_added_on_its_own_page_changes_nothing_public_until_approved(
    client, researcher, reviewer
):
    before = public_surfaces()
    client.force_login(researcher)

    data = form_of(client, m.Provision)
    parent = rome().provisions.get(label="art. 8(2)(b)")
    data.update(
        instrument=rome().pk,
        label=LABEL,
        heading=HEADING,
        rule_kind="war_crime",
        parent=parent.pk,
        position="145",
    )
    save(client, m.Provision, None, data)
    provision = m.Provision.objects.get(label=LABEL)
    assert provision.proposed_in is not None  # saved, hidden until the approval
    cite_the_provision(client, provision.pk)

    change_set = ChangeSet.objects.get(created_by=researcher)
    kinds = sorted(change_set.changes.values_list("kind", flat=True))
    assert kinds == sorted([ChangeKind.NEW, ChangeKind.EDIT, ChangeKind.EDIT])
    assert Client().get(f"/provisions/{provision.pk}/").status_code == 404

    assert_pending_then_published(client, researcher, reviewer, change_set, before)
    assert Client().get(f"/provisions/{provision.pk}/").status_code == 200


def test_a_provision_added_on_the_instrument_page_changes_nothing_public_until_approved(
    client, researcher, reviewer
):
    before = public_surfaces()
    client.force_login(researcher)

    instrument = rome()
    data = form_of(client, m.Instrument, instrument.pk)
    parent = instrument.provisions.get(label="art. 8(2)(b)")
    add_row(
        data,
        "provisions",
        label=LABEL,
        heading=HEADING,
        rule_kind="war_crime",
        parent=parent.pk,
        position="145",
    )
    save(client, m.Instrument, instrument.pk, data)
    # A hidden draft at once (as on its own page), which the change set can cite: the
    # instrument, changed in nothing else, has no edit of its own.
    provision = m.Provision.objects.get(label=LABEL)
    change_set = ChangeSet.objects.get(created_by=researcher)
    assert provision.proposed_in == change_set
    assert list(change_set.changes.values_list("kind", flat=True)) == [ChangeKind.NEW]
    cite_the_provision(client, provision.pk)
    assert Client().get(f"/provisions/{provision.pk}/").status_code == 404

    assert_pending_then_published(client, researcher, reviewer, change_set, before)
    assert Client().get(f"/provisions/{provision.pk}/").status_code == 200
