"""An incident is found by the current names of what it names, renamed through the admin.

Each kind of named thing (state, actor, actor's other name, provision, category, action) is
renamed by posting its admin change form; the incident is then found by the new name, on
the search page and through the API's `q`, and no longer by the old one. The edit of a
published record or a state, provision or category waits in a change set: it counts once
another reviewer approves it (docs/change-sets.md). A hidden record's name never makes the
incident findable.
"""

import pytest
from django.contrib.auth import get_user_model

from cases import models as m
from cases import services
from tests import factories as f
from tests.api.conftest import generous_rate_limits  # noqa: F401 (autouse: many API calls)
from tests.test_admin import assert_saved, current_data, inline, url
from tests.workflow.conftest import approve_kept_edits

User = get_user_model()

pytestmark = pytest.mark.django_db

OLD, NEW = "Zorvalian", "Quentaric"


def found(client, text: str, incident: m.Incident) -> tuple[bool, bool]:
    """Whether the search page and the API find the incident for `text`."""
    page = client.get("/search/", {"q": text})
    assert page.status_code == 200
    api = client.get("/api/v1/incidents/", {"q": text})
    assert api.status_code == 200
    on_page = f'href="{incident.get_absolute_url()}"' in page.content.decode()
    return on_page, incident.pk in [row["id"] for row in api.json()["results"]]


@pytest.fixture
def reviewer(db):
    return f.UserFactory(is_superuser=True, is_staff=True, username="second-reviewer")


@pytest.fixture
def incident(db):
    incident = f.IncidentFactory(published=True, title="Transfer of civilians", place_name="")
    source = f.SourceFactory(published=True)
    f.CitationFactory(incident=incident, source=source)
    return incident


def rename(admin_client, record, field: str, value: str, **extra) -> None:
    """Post the record's admin change form with one field changed; an edit kept in the
    change set (a live record's) is approved by another reviewer."""
    change = url(type(record), "change", record.pk)
    data = current_data(admin_client.get(change))
    data[field] = value
    data.update(extra)
    assert_saved(admin_client.post(change, data))
    approve_kept_edits(User.objects.get(username="admin"))


def corrected(admin_client, reviewer, record, field: str, value: str, **extra) -> None:
    """A published record renamed in the admin, the edit approved by another reviewer."""
    rename(admin_client, record, field, value, **extra)


def assert_found_by_new_name_only(client, incident) -> None:
    assert found(client, NEW, incident) == (True, True)
    assert found(client, OLD, incident) == (False, False)


def test_renaming_a_state(admin_client, client, incident):
    state = f.StateFactory(code="XZ", name=f"Republic of {OLD}")
    m.Incident.objects.filter(pk=incident.pk).update(country=state)
    services.refresh_search_names(incidents=[incident.pk])
    assert found(client, OLD, incident) == (True, True)

    rename(admin_client, state, "name", f"Republic of {NEW}")
    assert_found_by_new_name_only(client, incident)


def test_renaming_an_actor(admin_client, client, reviewer, incident):
    actor = f.ActorFactory(name=f"Colonel {OLD}", published=True)
    f.InvolvementFactory(incident=incident, actor=actor)
    services.refresh_search_names(actors=[actor.pk])
    assert found(client, OLD, incident) == (True, True)

    corrected(admin_client, reviewer, actor, "name", f"Colonel {NEW}")
    assert_found_by_new_name_only(client, incident)


def test_renaming_an_actors_other_name(admin_client, client, reviewer, incident):
    actor = f.ActorFactory(name="Colonel Smith", published=True)
    other = m.ActorName.objects.create(actor=actor, name=OLD)
    f.InvolvementFactory(incident=incident, actor=actor)
    services.refresh_search_names(actors=[actor.pk])
    assert found(client, OLD, incident) == (True, True)

    corrected(admin_client, reviewer, actor, "other_names-0-name", NEW)
    assert m.ActorName.objects.get(pk=other.pk).name == NEW
    assert_found_by_new_name_only(client, incident)


def test_renaming_a_provision(admin_client, client, reviewer, incident):
    instrument = f.InstrumentFactory(published=True, short_title="GC IV")
    provision = f.ProvisionFactory(instrument=instrument, heading=f"{OLD} transfers")
    f.LegalQualificationFactory(incident=incident, provision=provision)
    services.refresh_search_names(provisions=[provision.pk])
    assert found(client, OLD, incident) == (True, True)

    # A provision is part of its instrument: the instrument is withdrawn for the correction.
    services.withdraw(record=instrument, reviewer=reviewer, reason="Heading corrected")
    assert found(client, OLD, incident) == (False, False)  # a hidden instrument's heading
    rename(admin_client, provision, "heading", f"{NEW} transfers")
    assert found(client, NEW, incident) == (False, False)  # still hidden
    instrument.refresh_from_db()
    services.submit_for_review(record=instrument, user=reviewer)
    services.publish(record=instrument, reviewer=reviewer)
    assert_found_by_new_name_only(client, incident)


def test_renaming_a_category(admin_client, client, incident):
    category = f.ViolationCategoryFactory(name=f"{OLD} deportation")
    incident.categories.add(category)
    services.refresh_search_names(categories=[category.pk])
    assert found(client, OLD, incident) == (True, True)

    rename(admin_client, category, "name", f"{NEW} deportation")
    assert_found_by_new_name_only(client, incident)


def test_renaming_an_action(admin_client, client, reviewer, incident):
    action = f.AccountabilityActionFactory(published=True, reference=f"{OLD}-01/22")
    action.incidents.add(incident)
    m.ActionSubject.objects.create(action=action, actor=f.ActorFactory(published=True))
    f.CitationFactory(incident=None, action=action, source=f.SourceFactory(published=True))
    services.refresh_search_names(actions=[action.pk])
    assert found(client, OLD, incident) == (True, True)

    corrected(admin_client, reviewer, action, "reference", f"{NEW}-01/22")
    assert_found_by_new_name_only(client, incident)


def test_an_incident_is_found_by_the_law_and_the_actions_naming_it(client, incident):
    """The public site's issue: 'forcible transfer', 'war crime', 'ICC-01/22' found nothing."""
    rome = f.InstrumentFactory(published=True, short_title="Rome Statute")
    provision = f.ProvisionFactory(instrument=rome, heading="Deportation or forcible transfer")
    f.LegalQualificationFactory(incident=incident, provision=provision)
    incident.categories.add(f.ViolationCategoryFactory(name="War crime"))
    warrant = f.AccountabilityActionFactory(published=True, reference="ICC-01/22")
    warrant.incidents.add(incident)
    m.Incident.objects.filter(pk=incident.pk).update(summary="", description="")
    services.refresh_search_names(incidents=[incident.pk])

    for text in ["forcible", '"forcible transfer"', '"war crime"', "ICC-01/22"]:
        assert found(client, text, incident) == (True, True), text


@pytest.mark.parametrize(
    "hidden",
    [
        {"publication_status": m.PublicationStatus.DRAFT},
        {"publication_status": m.PublicationStatus.WITHDRAWN, "withdrawal_reason": "Wrong"},
        {
            "publication_status": m.PublicationStatus.PUBLISHED,
            "confidentiality": m.Confidentiality.CONFIDENTIAL,
        },
    ],
)
def test_a_renamed_hidden_actor_never_makes_the_incident_findable(
    admin_client, client, incident, hidden
):
    actor = f.ActorFactory(name="Unit 1234", **hidden)
    if hidden["publication_status"] == m.PublicationStatus.PUBLISHED:
        # Published is locked in the admin: made confidential after the rename instead.
        actor.publication_status = m.PublicationStatus.DRAFT
        actor.save()
    f.InvolvementFactory(incident=incident, actor=actor)
    change = url(m.Actor, "change", actor.pk)
    data = current_data(admin_client.get(change))
    data["name"] = f"Colonel {NEW}"
    data.update(inline("other_names", [{"name": f"{NEW}ovich", "kind": "native"}]))
    assert_saved(admin_client.post(change, data))
    m.Actor.objects.filter(pk=actor.pk).update(**hidden)
    services.refresh_search_names(actors=[actor.pk])

    assert NEW not in m.Incident.objects.get(pk=incident.pk).search_names
    assert found(client, NEW, incident) == (False, False)
    assert found(client, f"{NEW}ovich", incident) == (False, False)


@pytest.mark.parametrize("hidden", ["instrument", "action"])
def test_hidden_law_and_actions_never_make_the_incident_findable(client, incident, hidden):
    instrument = f.InstrumentFactory(published=hidden != "instrument")
    f.LegalQualificationFactory(
        incident=incident, provision=f.ProvisionFactory(instrument=instrument, heading=NEW)
    )
    action = f.AccountabilityActionFactory(
        published=hidden != "action", reference=f"{OLD}-1", title=f"Warrant {OLD}"
    )
    action.incidents.add(incident)
    services.refresh_search_names(incidents=[incident.pk])

    text = NEW if hidden == "instrument" else OLD
    assert found(client, text, incident) == (False, False)
    other = OLD if hidden == "instrument" else NEW
    assert found(client, other, incident) == (True, True)  # the public one counts
