"""Entering a case into a change set: the admin says where each new record waits, offers
the records just added first in its pickers, and keeps the instrument for the next
provision. The whole case in a browser: tests/e2e/test_change_set.py."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from cases import models as m
from cases.models.changesets import ChangeKind
from tests import factories as f
from tests.test_admin import assert_saved, current_data, inline, url
from tests.workflow.conftest import member_of

from .admin_steps import add_row, form_of, save, workflow

pytestmark = pytest.mark.django_db

# The add page of an action started from an incident with one subject, one charge and one
# citation (its widgets read each chosen option).
QUERIES_OF_THE_STARTED_ACTION = 17  # with the second factor's device


def source_data(title: str) -> dict:
    return {
        "kind": "press_release",
        "title": title,
        "published_on": "2001-01-01",
        "reliability": "F",
        "confidentiality": "public",
        **inline("captures", []),
    }


def test_a_new_draft_says_which_change_set_it_joined(client):
    researcher = member_of("researcher", username="r")
    client.force_login(researcher)
    response = client.post(url(m.Source, "add"), source_data("ICC press release"))
    assert_saved(response)
    change_set = m.ChangeSet.objects.get()
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0] == (
        f'“ICC press release” is in your change set <a href="{change_set.get_absolute_url()}">'
        f"{change_set}</a>: the public sees it once a reviewer approves the change set."
    )


def test_the_pickers_offer_the_user_s_new_records_first(client):
    researcher = member_of("researcher", username="r")
    # Newer published sources, listed first by date otherwise.
    for day in range(1, 4):
        f.SourceFactory(title=f"Report {day}", published_on=datetime.date(2024, 1, day))
    client.force_login(member_of("researcher", username="other"))
    assert_saved(client.post(url(m.Source, "add"), source_data("Someone else's draft")))
    client.force_login(researcher)
    assert_saved(client.post(url(m.Source, "add"), source_data("My new source")))
    picker = reverse("admin:autocomplete")
    query = {"app_label": "cases", "model_name": "citation", "field_name": "source"}

    offered = [r["text"] for r in client.get(picker, query).json()["results"]]
    assert offered == ["My new source", "Report 3", "Report 2", "Report 1", "Someone else's draft"]
    typed = [r["text"] for r in client.get(picker, {**query, "term": "report"}).json()["results"]]
    assert typed == ["Report 3", "Report 2", "Report 1"]


def test_save_and_add_another_provision_keeps_the_instrument(client):
    researcher = member_of("researcher", username="r")
    rome = f.InstrumentFactory(short_title="Rome Statute", published=True)
    client.force_login(researcher)
    data = {
        "instrument": rome.pk,
        "label": "art. 8(2)(b)(ii)",
        "rule_kind": "war_crime",
        "position": "0",
        "_addanother": "Save and add another",
    }
    response = client.post(url(m.Provision, "add"), data)
    assert response.status_code == 302
    assert response.url == f"{url(m.Provision, 'add')}?instrument={rome.pk}"
    page = client.get(response.url).content.decode()
    assert f'<option value="{rome.pk}" selected>Rome Statute</option>' in page
    assert m.Provision.objects.get().proposed_in is not None  # hidden until approved


# New provisions as rows of the published instrument's page ---------------------------------


def test_new_provisions_on_a_published_instrument_s_page_are_drafts_citable_at_once(client):
    researcher = member_of("researcher", username="r")
    rome = f.InstrumentFactory(short_title="Rome Statute", slug="rome-statute", published=True)
    f.ProvisionFactory(instrument=rome, label="art. 8(2)(b)(viii)")
    client.force_login(researcher)
    data = form_of(client, m.Instrument, rome.pk)
    add_row(
        data,
        "provisions",
        label="art. 8(2)(b)(ii)",
        heading="Civilian objects",
        rule_kind="war_crime",
        position="0",
    )
    add_row(
        data,
        "provisions",
        label="art. 7(1)(k)",
        heading="Other inhumane acts",
        rule_kind="crime_against_humanity",
        position="0",
    )
    response = save(client, m.Instrument, rome.pk, data)

    change_set = m.ChangeSet.objects.get()
    assert response.url == change_set.get_absolute_url()
    added = list(m.Provision.objects.filter(proposed_in=change_set).order_by("pk"))
    assert [(p.label, p.heading, p.rule_kind) for p in added] == [
        ("art. 8(2)(b)(ii)", "Civilian objects", "war_crime"),
        ("art. 7(1)(k)", "Other inhumane acts", "crime_against_humanity"),
    ]
    # Each is a new record of the change set; the instrument itself has no edit to keep.
    assert sorted(change_set.changes.values_list("kind", "object_id")) == [
        (ChangeKind.NEW, str(p.pk)) for p in added
    ]
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[-1].startswith("“Rome Statute art. 8(2)(b)(ii)”; “Rome Statute art. 7(1)(k)” in ")
    # Hidden from the public; offered at once to a qualification of the same editor.
    page = Client().get("/law/rome-statute/").content.decode()
    assert "art. 8(2)(b)(viii)" in page
    assert "art. 8(2)(b)(ii)" not in page
    offered = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "legalqualification", "field_name": "provision"},
    ).json()["results"]
    assert [r["text"] for r in offered][:2] == [
        "Rome Statute art. 8(2)(b)(ii)",
        "Rome Statute art. 7(1)(k)",
    ]


def test_an_instrument_edit_with_new_provisions_keeps_the_edit_and_adds_the_drafts(client):
    researcher = member_of("researcher", username="r")
    rome = f.InstrumentFactory(short_title="Rome Statute", published=True, depositary="UN")
    client.force_login(researcher)
    data = form_of(client, m.Instrument, rome.pk)
    data["depositary"] = "Secretary-General of the United Nations"
    add_row(data, "provisions", label="art. 8(2)(b)(ii)", rule_kind="war_crime", position="0")
    save(client, m.Instrument, rome.pk, data)

    change_set = m.ChangeSet.objects.get()
    provision = m.Provision.objects.get(label="art. 8(2)(b)(ii)")
    assert provision.proposed_in == change_set
    edit = change_set.changes.get(kind=ChangeKind.EDIT)
    # The kept form holds the field's edit, not the row added as a draft (no second copy
    # on approval).
    assert edit.form_data["depositary"] == ["Secretary-General of the United Nations"]
    assert edit.form_data["provisions-TOTAL_FORMS"] == edit.form_data["provisions-INITIAL_FORMS"]
    assert not any(key.startswith("provisions-0-") for key in edit.form_data)
    rome.refresh_from_db()
    assert rome.depositary == "UN"  # live until approved

    reviewer = member_of("reviewer", username="v")
    workflow(client, change_set, "submit")
    client.force_login(reviewer)
    workflow(client, change_set, "approve")
    rome.refresh_from_db()
    provision.refresh_from_db()
    assert rome.depositary == "Secretary-General of the United Nations"
    assert provision.proposed_in is None
    assert list(rome.provisions.values_list("label", flat=True)) == ["art. 8(2)(b)(ii)"]


def test_a_refused_provision_row_adds_nothing(client):
    researcher = member_of("researcher", username="r")
    rome = f.InstrumentFactory(short_title="Rome Statute", published=True)
    f.ProvisionFactory(instrument=rome, label="art. 8(2)(b)(viii)")
    client.force_login(researcher)
    data = form_of(client, m.Instrument, rome.pk)
    add_row(data, "provisions", label="art. 7(1)(k)", rule_kind="war_crime", position="0")
    add_row(data, "provisions", label="art. 8(2)(b)(viii)", rule_kind="war_crime", position="0")
    response = client.post(url(m.Instrument, "change", rome.pk), data)

    assert response.status_code == 200  # the page again, with the row's error
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[-1] == {"__all__": ["Please correct the duplicate values below."]}
    assert m.Provision.objects.count() == 1
    assert not m.ChangeSet.objects.exists()


# An actor created by typing it in a picker --------------------------------------------------


def test_an_actor_typed_in_a_picker_is_created_as_a_draft_of_the_change_set(client):
    researcher = member_of("researcher", username="r")
    client.force_login(researcher)
    quick_add = reverse("admin:cases_actor_quick_add")
    response = client.post(quick_add, {"name": " Sergei Kobylash ", "kind": "person"})

    assert response.status_code == 200
    actor = m.Actor.objects.get()
    assert response.json() == {"id": str(actor.pk), "text": "Sergei Kobylash"}
    assert (actor.kind, actor.publication_status) == ("person", "draft")
    change = m.ChangeSet.objects.get().changes.get()
    assert (change.kind, change.object_id) == (ChangeKind.NEW, str(actor.pk))
    assert Client().get(actor.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({"name": "", "kind": "person"}, "Name: This field is required."),
        ({"name": "X", "kind": "wizard"}, "Kind: Select a valid choice. wizard is not one of"),
    ],
)
def test_an_actor_refused_by_its_add_page_says_why(client, posted, error):
    client.force_login(member_of("researcher", username="r"))
    response = client.post(reverse("admin:cases_actor_quick_add"), posted)
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith(error)
    assert not m.Actor.objects.exists()
    assert client.get(reverse("admin:cases_actor_quick_add")).status_code == 405


def test_the_actor_pickers_of_a_case_offer_to_create(client):
    client.force_login(member_of("researcher", username="r"))
    incident_page = client.get(url(m.Incident, "add")).content.decode()
    action_page = client.get(url(m.AccountabilityAction, "add")).content.decode()
    quick_add = reverse("admin:cases_actor_quick_add")
    for page, name in (
        (incident_page, "involvements-0-actor"),
        (action_page, "issuing_body"),
        (action_page, "subject_links-0-actor"),
    ):
        picker = re.search(rf'<select name="{name}"[^>]*>', page).group(0)
        assert f'data-create-url="{quick_add}"' in picker
    for page in (incident_page, action_page):
        assert "/static/js/admin-create-in-picker.js" in page
        assert "/static/js/admin-row-source.js" in page
        # After what they build on: django.jQuery, Django's own set-up of the pickers.
        assert page.index("admin/js/jquery.init.js") < page.index("admin-row-source.js")
        assert page.index("admin/js/autocomplete.js") < page.index("admin-create-in-picker.js")


# An action started from its incident -------------------------------------------------------


@pytest.fixture
def deportation():
    """An incident with a perpetrator, a victim group, a state organ; a cited qualification."""
    rome = f.InstrumentFactory(short_title="Rome Statute", published=True)
    incident = f.IncidentFactory(title="Strikes on the grid", date="2022-10-10/2023-03-09")
    person = f.ActorFactory(name="Sergei Kobylash", kind=m.ActorKind.PERSON)
    f.InvolvementFactory(incident=incident, actor=person, role=m.InvolvementRole.SUPERIOR)
    organ = f.ActorFactory(name="Long-Range Aviation", kind=m.ActorKind.ARMED_UNIT)
    f.InvolvementFactory(incident=incident, actor=organ, role=m.InvolvementRole.DIRECT_PERPETRATOR)
    victim = f.ActorFactory(name="A power company", kind=m.ActorKind.PERSON)
    f.InvolvementFactory(incident=incident, actor=victim, role=m.InvolvementRole.VICTIM_GROUP)
    source = f.SourceFactory(title="ICC press release")
    provision = f.ProvisionFactory(instrument=rome, label="art. 8(2)(b)(ii)")
    qualification = f.LegalQualificationFactory(incident=incident, provision=provision)
    f.CitationFactory(
        source=source, incident=None, legal_qualification=qualification, pinpoint="para. 2"
    )
    f.CitationFactory(source=source, incident=incident, pinpoint="para. 1")
    return SimpleNamespace(incident=incident, person=person, source=source, provision=provision)


def test_save_and_add_an_action_opens_the_action_started_from_the_incident(client):
    client.force_login(member_of("researcher", username="r"))
    page = client.get(url(m.Incident, "add")).content.decode()
    assert 'name="_addaction"' in page
    data = form_of(client, m.Incident)
    data.update(title="Strikes on the grid", date="2022-10-10/2023-03-09")
    response = save(client, m.Incident, None, {**data, "_addaction": "Save"})

    incident = m.Incident.objects.get()
    assert response.url == f"{url(m.AccountabilityAction, 'add')}?incidents={incident.pk}"
    # A live incident's edit only waits in the change set: no such button there.
    live = f.IncidentFactory(published=True)
    assert b'name="_addaction"' not in client.get(url(m.Incident, "change", live.pk)).content


def test_an_action_for_an_incident_starts_with_its_subjects_charges_and_sources(
    client, deportation, django_assert_num_queries
):
    client.force_login(member_of("researcher", username="r"))
    address = f"{url(m.AccountabilityAction, 'add')}?incidents={deportation.incident.pk}"
    client.get(address)  # caches warmed (content types)
    with django_assert_num_queries(QUERIES_OF_THE_STARTED_ACTION):
        page = client.get(address)
    formsets = {fs.formset.prefix: fs.formset for fs in page.context["inline_admin_formsets"]}
    assert [f.initial for f in formsets["subject_links"].forms] == [
        {"actor": deportation.person.pk}
    ]
    assert [f.initial for f in formsets["charges"].forms] == [
        {
            "provision": deportation.provision.pk,
            "crime_period": "2022-10-10/2023-03-09",
            "source": deportation.source.pk,
            "pinpoint": "para. 2",
        }
    ]
    assert [f.initial for f in formsets["citations"].forms] == [
        {"source": deportation.source.pk, "pinpoint": "para. 1"}
    ]
    said = [str(message) for message in page.context["messages"]]
    assert said == [
        "Started from “Strikes on the grid”: its perpetrators who are persons as subjects, "
        "its legal qualifications as charges, its sources as citations. Check each row; "
        "remove what does not apply (✕)."
    ]

    # Saved as shown (with what the editor types), the rows are the action's.
    data = current_data(page)
    court = f.ActorFactory(name="ICC Pre-Trial Chamber II", kind=m.ActorKind.COURT)
    data.update(
        kind="arrest_warrant", title="Arrest warrant for Sergei Kobylash", issuing_body=court.pk
    )
    save(client, m.AccountabilityAction, None, data)
    action = m.AccountabilityAction.objects.get()
    assert list(action.incidents.all()) == [deportation.incident]
    assert list(action.subjects.all()) == [deportation.person]
    charge = action.charges.get()
    assert (charge.provision, charge.crime_period) == (
        deportation.provision,
        "2022-10-10/2023-03-09",
    )
    assert [(c.source, c.pinpoint) for c in charge.citations.all()] == [
        (deportation.source, "para. 2")
    ]
    assert [(c.source, c.pinpoint) for c in action.citations.all()] == [
        (deportation.source, "para. 1")
    ]


def test_an_action_not_started_from_an_incident_has_its_usual_empty_rows(client, deportation):
    client.force_login(member_of("researcher", username="r"))
    for address in (
        url(m.AccountabilityAction, "add"),
        f"{url(m.AccountabilityAction, 'add')}?incidents=nonsense",
    ):
        page = client.get(address)
        assert page.status_code == 200
        for shown in page.context["inline_admin_formsets"]:
            assert all(not form.initial for form in shown.formset.forms)
        assert not list(page.context["messages"])
