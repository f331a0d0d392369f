"""A record's history: its parts included, who, when, the change set and its review
comment, a diff with labels; restoring an old version of a live record is a change set
edit like any other."""

import re

import pytest
from django.urls import reverse

from cases import changesets, services
from cases import models as m
from cases.admin.history import posted
from tests import factories as f
from tests.test_admin import assert_saved, current_data
from tests.workflow.conftest import member_of, ready_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def researcher(db):
    return member_of("researcher", username="researcher")


@pytest.fixture
def reviewer(db):
    return member_of("reviewer", username="reviewer")


def published_incident(researcher, reviewer, **fields):
    incident = ready_incident(**fields)
    services.submit_for_review(record=incident, user=researcher)
    services.publish(record=incident, reviewer=reviewer)
    return incident


def inline_prefix(page, model) -> str:
    for inline in page.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no inline for {model}")


def edit_through_change_set(client, user, reviewer, incident, comment="", **changes):
    """`user` edits the published incident in the admin (fields, and a new involvement
    when `actor` is given); a reviewer approves the change set."""
    client.force_login(user)
    url = reverse("admin:cases_incident_change", args=[incident.pk])
    page = client.get(url)
    data = current_data(page)
    actor = changes.pop("actor", None)
    data.update(changes)
    if actor is not None:
        prefix = inline_prefix(page, m.Involvement)
        row = int(data[f"{prefix}-INITIAL_FORMS"])  # the extra row
        data[f"{prefix}-{row}-actor"] = str(actor.pk)
        data[f"{prefix}-{row}-role"] = m.InvolvementRole.choices[0][0]
    assert_saved(client.post(url, data))
    change_set = m.Change.objects.of(incident).get(change_set__status="open").change_set
    changesets.submit(change_set=change_set, user=user)
    changesets.approve(change_set=change_set, reviewer=reviewer, comment=comment)
    return change_set


def history_html(client, incident) -> str:
    response = client.get(reverse("admin:cases_incident_history", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_history_shows_parts_change_set_and_review_comment(client, researcher, reviewer):
    incident = published_incident(researcher, reviewer, title="Shelling of the market")
    actor = f.ActorFactory(name="Battalion 42", published=True)
    change_set = edit_through_change_set(
        client,
        researcher,
        reviewer,
        incident,
        comment="Checked against the HRMMU report.",
        title="Shelling of the central market",
        actor=actor,
    )

    html = history_html(client, incident)

    newest = html.split('class="module changeset-diff record-version"')[1]
    assert f'href="{change_set.get_absolute_url()}"' in newest
    assert f"change set #{change_set.pk}: {change_set.title}" in newest
    assert "Checked against the HRMMU report." in newest
    assert "approved by reviewer" in newest
    assert "<del>Shelling of the market</del>" in newest
    assert "<ins>Shelling of the central market</ins>" in newest
    # The part, named by what it is and its labels, in the same version.
    assert re.search(r"<strong>Involvement added</strong>: Battalion 42 · ", newest)
    # The citation and the qualification the incident was created with are parts too.
    assert "Citation added" in html
    assert "Legal qualification added" in html


def test_status_changes_read_as_labels_without_empty_reasons(client, researcher, reviewer):
    incident = published_incident(researcher, reviewer)
    client.force_login(researcher)

    html = history_html(client, incident)

    assert "<del>Draft</del>" in html
    assert "<ins>In review</ins>" in html
    assert "<del>In review</del>" in html
    assert "<ins>Published</ins>" in html
    assert "in_review" not in html
    assert "None" not in html  # no "Change reason: None", no "None" for a missing user


def test_history_queries_do_not_grow_with_versions(
    client, researcher, reviewer, django_assert_max_num_queries
):
    """One query per kind of row shown, whatever the number of versions."""
    incident = published_incident(researcher, reviewer)

    def edit(number):
        actor = f.ActorFactory(name=f"Unit {number}", published=True)
        edit_through_change_set(
            client, researcher, reviewer, incident, title=f"Title {number}", actor=actor
        )

    edit(0)
    url = reverse("admin:cases_incident_history", args=[incident.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    queries = len(few.captured_queries)  # now: the connection keeps only the last 9000
    for number in range(1, 6):
        edit(number)
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.content.decode().count("Involvement added") == 6


def test_restoring_a_live_record_keeps_an_edit_in_the_change_set(client, researcher, reviewer):
    incident = published_incident(researcher, reviewer, title="First title")
    first_actor = f.ActorFactory(name="Battalion 42", published=True)
    edit_through_change_set(
        client, researcher, reviewer, incident, title="Second title", actor=first_actor
    )
    old = incident.history.filter(title="First title").order_by("-history_date").first()
    restore_url = reverse("admin:cases_incident_simple_history", args=[incident.pk, old.pk])
    author = member_of("researcher", username="restorer")
    client.force_login(author)

    page = client.get(restore_url)
    assert page.status_code == 200
    assert b'name="_save"' in page.content  # the restore button is offered
    response = client.post(restore_url, {"_save": "Revert"})

    change = m.Change.objects.of(incident).get(change_set__status="open")
    assert response.status_code == 302
    assert response["Location"] == change.change_set.get_absolute_url()
    assert change.author == author
    incident.refresh_from_db()
    assert incident.title == "Second title"  # the public sees the live record meanwhile
    # The kept form is the change page's: old fields, today's parts, each formset whole.
    data = change.form_data
    assert data["title"] == ["First title"]
    prefix = "involvements"
    assert data[f"{prefix}-INITIAL_FORMS"] == ["1"]
    assert data[f"{prefix}-0-actor"] == [str(first_actor.pk)]
    assert f"{prefix}-TOTAL_FORMS" in data
    for formset in ("citations", "legal_qualifications", "victim_counts"):
        assert any(key.startswith(f"{formset}-") and key.endswith("TOTAL_FORMS") for key in data)

    changesets.submit(change_set=change.change_set, user=author)
    diffs, problems = changesets.diff(change.change_set)
    assert problems == []
    assert [(c.label, c.before, c.after) for c in diffs[0].fields] == [
        ("Title", "Second title", "First title")
    ]
    assert diffs[0].parts == []  # the parts stay as they are
    changesets.approve(change_set=change.change_set, reviewer=reviewer)
    incident.refresh_from_db()
    assert incident.title == "First title"
    assert list(incident.involvements.values_list("actor", flat=True)) == [first_actor.pk]


def test_restore_that_no_longer_validates_says_why(client, researcher, reviewer):
    incident = published_incident(researcher, reviewer, title="First title")
    old = incident.history.order_by("history_date").first()
    client.force_login(researcher)
    # The old version lacks a title the form requires: a restore is validated like any edit.
    m.Incident.history.filter(history_id=old.history_id).update(title="")
    url = reverse("admin:cases_incident_simple_history", args=[incident.pk, old.pk])

    response = client.post(url, {"_save": "Revert"}, follow=True)

    assert not m.Change.objects.of(incident).exists()
    assert "This field is required" in response.content.decode()


def test_a_draft_record_is_restored_directly(client, researcher):
    incident = f.IncidentFactory(title="First title")
    incident.title = "Second title"
    incident.save()
    old = incident.history.order_by("history_date").first()
    client.force_login(researcher)
    url = reverse("admin:cases_incident_simple_history", args=[incident.pk, old.pk])
    form = client.get(url).context["adminform"].form
    data = {"_save": "Revert", **posted([form])}  # the shown form, as it is

    assert client.post(url, data).status_code == 302

    incident.refresh_from_db()
    assert incident.title == "First title"
    # Nothing waits but the draft itself, as any draft saved in the admin.
    assert not m.Change.objects.of(incident).exclude(kind=m.ChangeKind.NEW).exists()


def test_restoring_an_instrument_keeps_its_provisions(client, researcher, reviewer):
    instrument = f.InstrumentFactory(published=True, title="Rome Statute of the ICC")
    provisions = [f.ProvisionFactory(instrument=instrument, label=f"art. {n}") for n in (7, 8)]
    instrument.title = "Rome Statute (typo)"
    instrument.save()
    old = instrument.history.order_by("history_date").first()
    url = reverse("admin:cases_instrument_simple_history", args=[instrument.pk, old.pk])
    client.force_login(researcher)

    assert client.post(url, {"_save": "Revert"}).status_code == 302

    change = m.Change.objects.of(instrument).get()
    assert change.form_data["title"] == ["Rome Statute of the ICC"]
    changesets.submit(change_set=change.change_set, user=researcher)
    changesets.approve(change_set=change.change_set, reviewer=reviewer)
    instrument.refresh_from_db()
    assert instrument.title == "Rome Statute of the ICC"
    assert list(instrument.provisions.order_by("pk")) == provisions
