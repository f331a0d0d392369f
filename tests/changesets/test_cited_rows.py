"""A source cited where the claim is: in the row of an involvement, a legal qualification or a
charge on the record's own page, saved directly for a draft and through the change set for
a published record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import changesets
from cases import models as m
from tests import factories as f
from tests.test_admin import assert_saved, current_data, incident_data, inline, url
from tests.workflow.conftest import member_of, ready_incident

pytestmark = pytest.mark.django_db


def test_a_new_incident_cites_the_source_of_its_involvement_and_qualification(admin_client):
    f.StateFactory(code="UA", name="Ukraine")
    actor = f.ActorFactory(name="Sergei Kobylash")
    provision = f.ProvisionFactory(label="art. 8(2)(b)(ii)")
    source = f.SourceFactory(title="ICC press release of 5 March 2024")
    data = incident_data(
        **inline(
            "involvements",
            [{"actor": actor.pk, "role": "ordering", "confidence": "high", "source": source.pk}],
        ),
        **inline(
            "legal_qualifications",
            [
                {
                    "provision": provision.pk,
                    "standing": "alleged",
                    "source": source.pk,
                    "pinpoint": "para. 3",
                }
            ],
        ),
    )
    assert_saved(admin_client.post(url(m.Incident, "add"), data))

    incident = m.Incident.objects.get()
    involvement = incident.involvements.get()
    qualification = incident.legal_qualifications.get()
    assert [(c.source, c.pinpoint) for c in involvement.citations.all()] == [(source, "")]
    assert [(c.source, c.pinpoint) for c in qualification.citations.all()] == [(source, "para. 3")]
    assert not incident.citations.exists()  # the rows' citations, not the incident's own


def test_the_row_changes_and_removes_its_citation(admin_client):
    incident = f.IncidentFactory()
    kept = f.LegalQualificationFactory(incident=incident)
    dropped = f.InvolvementFactory(incident=incident)
    old, new = f.SourceFactory(), f.SourceFactory()
    f.CitationFactory(incident=None, legal_qualification=kept, source=old, pinpoint="p. 1")
    f.CitationFactory(incident=None, involvement=dropped, source=old, pinpoint="p. 2")
    change_url = url(m.Incident, "change", incident.pk)

    data = current_data(admin_client.get(change_url))
    assert (data["legal_qualifications-0-source"], data["legal_qualifications-0-pinpoint"]) == (
        str(old.pk),
        "p. 1",
    )
    data["legal_qualifications-0-source"] = str(new.pk)
    data["legal_qualifications-0-pinpoint"] = "para. 9"
    data["involvements-0-source"] = ""
    data["involvements-0-pinpoint"] = ""
    assert_saved(admin_client.post(change_url, data))

    assert [(c.source, c.pinpoint) for c in kept.citations.all()] == [(new, "para. 9")]
    assert not dropped.citations.exists()


def test_a_pinpoint_without_a_source_is_refused_on_the_source(admin_client):
    provision = f.ProvisionFactory()
    data = incident_data(
        **inline(
            "legal_qualifications",
            [{"provision": provision.pk, "standing": "alleged", "pinpoint": "para. 3"}],
        )
    )
    response = admin_client.post(url(m.Incident, "add"), data)
    assert response.status_code == 200
    formsets = {fs.formset.prefix: fs.formset for fs in response.context["inline_admin_formsets"]}
    errors = formsets["legal_qualifications"].forms[0].errors
    assert errors["source"] == ["Give the source the pinpoint refers to."]
    assert not m.Incident.objects.exists()


def test_a_charge_cites_its_source_in_its_row(admin_client):
    action = f.AccountabilityActionFactory()
    provision = f.ProvisionFactory(label="art. 8(2)(b)(ii)")
    source = f.SourceFactory()
    change_url = url(m.AccountabilityAction, "change", action.pk)
    data = current_data(admin_client.get(change_url))
    data.update(
        {
            "charges-0-provision": str(provision.pk),
            "charges-0-crime_period": "2022-10-10/2023-03-09",
            "charges-0-source": str(source.pk),
            "charges-0-pinpoint": "para. 2",
        }
    )
    assert_saved(admin_client.post(change_url, data))
    charge = action.charges.get()
    assert [(c.source, c.pinpoint) for c in charge.citations.all()] == [(source, "para. 2")]


def test_a_source_cited_for_a_published_qualification_waits_for_the_change_set(client):
    researcher = member_of("researcher", username="r")
    reviewer = member_of("reviewer", username="v")
    incident = ready_incident(title="Strikes on the power grid", published=True)
    qualification = incident.legal_qualifications.get()
    instrument = qualification.provision.instrument
    instrument.publication_status = "published"
    instrument.save()
    source = f.SourceFactory(title="Warrants for attacks on the power grid", published=True)
    public_page = incident.get_absolute_url()
    assert source.title not in client.get(public_page).content.decode()

    client.force_login(researcher)
    change_url = url(m.Incident, "change", incident.pk)
    data = current_data(client.get(change_url))
    data["legal_qualifications-0-source"] = str(source.pk)
    data["legal_qualifications-0-pinpoint"] = "para. 4"
    assert_saved(client.post(change_url, data))

    # Kept in the change set: the live qualification has no citation yet, the draft shows it.
    assert not qualification.citations.exists()
    draft = client.get(change_url).content.decode()
    assert f'<option value="{source.pk}" selected>{source.title}</option>' in draft
    change_set = m.Change.objects.get().change_set
    changesets.submit(change_set=change_set, user=researcher)
    [record], problems = changesets.diff(change_set)
    assert problems == []
    added = [(p.what, p.how, p.label) for p in record.parts]
    assert added == [("citation", "added", f"{source.title} · para. 4 · {qualification}")]
    assert not qualification.citations.exists()  # the diff changed nothing

    changesets.approve(change_set=change_set, reviewer=reviewer)
    assert [(c.source, c.pinpoint) for c in qualification.citations.all()] == [(source, "para. 4")]
    client.logout()
    assert f"{source.title}</a>, para. 4" in client.get(public_page).content.decode()


def citation_queries(client, incident) -> list[str]:
    """The change page's queries that read citations or sources."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(m.Incident, "change", incident.pk))
    assert response.status_code == 200
    return [
        q["sql"]
        for q in queries
        if 'FROM "cases_citation"' in q["sql"] or 'FROM "cases_source"' in q["sql"]
    ]


def cite_rows(incident, n):
    for _ in range(n):
        qualification = f.LegalQualificationFactory(incident=incident)
        involvement = f.InvolvementFactory(incident=incident)
        for row in (qualification, involvement):
            target = "legal_qualification" if row is qualification else "involvement"
            f.CitationFactory(incident=None, **{target: row}, source=f.SourceFactory())


def test_the_rows_citations_are_read_in_a_fixed_number_of_queries(admin_client):
    incident = f.IncidentFactory()
    cite_rows(incident, 1)
    few = citation_queries(admin_client, incident)
    cite_rows(incident, 4)
    page = admin_client.get(url(m.Incident, "change", incident.pk)).content.decode()
    assert page.count(" selected>Press release ") == 10  # every row shows its source
    assert len(citation_queries(admin_client, incident)) == len(few)
