"""The staff admin: every page renders, data entry saves, mistakes come back as form errors."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.forms import DateField, MultiWidget, SplitDateTimeField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cases import changesets, services
from cases import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db

CASES_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "cases"),
    key=lambda model: model.__name__,
)


def url(model, view, *args):
    return reverse(f"admin:cases_{model._meta.model_name}_{view}", args=args)


def inline(prefix, rows, initial=0):
    """POST data of an inline formset: its management form and one dict per row."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def current_data(response):
    """The POST data that submits a rendered admin change form unchanged."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline_formset in response.context["inline_admin_formsets"]:
        formset = inline_formset.formset
        forms.extend([formset.management_form, *formset.forms])
    for form in forms:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field.widget, MultiWidget):
                for i, part in enumerate(bound.field.widget.decompress(value)):
                    data[f"{bound.html_name}_{i}"] = "" if part is None else str(part)
            elif value is None or value is False:
                continue
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)
    return data


def assert_saved(response):
    """A successful admin save redirects; otherwise show the form errors."""
    if response.status_code != 302:
        context = response.context
        errors = [context["adminform"].form.errors]
        errors += [fs.formset.errors for fs in context["inline_admin_formsets"]]
        errors += [fs.formset.non_form_errors() for fs in context["inline_admin_formsets"]]
        pytest.fail(f"not saved ({response.status_code}): {errors}")


@pytest.fixture
def one_of_each(admin_user):
    """At least one row of every model, related the way real data is."""
    ukraine = f.StateFactory(code="UA", name="Ukraine")
    f.StateFactory(code="SU", name="USSR")
    russia = f.StateFactory(
        code="RU",
        name="Russian Federation",
        predecessor_id="SU",
        predecessor_relation="continuation",
    )
    rome = f.InstrumentFactory(short_title="Rome Statute", kind=m.InstrumentKind.STATUTE)
    provision = f.ProvisionFactory(instrument=rome, label="art. 8(2)(a)(vii)")
    category = f.ViolationCategoryFactory()
    category.provisions.add(provision)
    f.TreatyEventFactory(state=ukraine, instrument=rome)
    actor = f.ActorFactory(name="Maria Lvova-Belova", state=russia)
    m.ActorName.objects.create(actor=actor, name="Львова-Белова", language="ru")
    m.ActorIdentifier.objects.create(actor=actor, scheme="wikidata", value="Q1")
    office = f.ActorFactory(name="Office of the Children's Rights Commissioner")
    m.Membership.objects.create(member=actor, organisation=office, period="2021-10-27/..")
    incident = f.IncidentFactory()
    incident.categories.add(category)
    m.VictimCount.objects.create(incident=incident, kind="deported", minimum=6000)
    f.InvolvementFactory(incident=incident, actor=actor)
    f.LegalQualificationFactory(incident=incident, provision=provision)
    action = f.AccountabilityActionFactory()
    m.ActionSubject.objects.create(action=action, actor=actor)
    f.ChargeFactory(action=action, provision=provision, subject=actor)
    event = f.ActionEventFactory(action=action, kind=m.ActionEventKind.NON_COMPLIANCE)
    event.states.add(ukraine)
    f.SecurityCouncilReferralFactory(instrument=rome).states.add(ukraine)
    citation = f.CitationFactory(incident=incident)
    f.CitationFactory(incident=None, action_event=event, source=citation.source)
    m.SourceCapture.objects.create(
        source=citation.source,
        captured_at=datetime.datetime(2023, 3, 17, 12, tzinfo=datetime.UTC),
        archive_url="https://web.archive.org/web/2023/https://icc-cpi.int/",
        captured_by=admin_user,
    )
    person = f.ProtectedPersonFactory()
    m.ProtectedIdentity.objects.create(person=person, full_name="Olena Secretname")
    m.ProtectedContact.objects.create(person=person, kind="phone", value="+380 00 000 0000")
    m.ApiKey.objects.create(name="Partner", prefix="ihl_abc", key_hash="0" * 64)
    m.Tombstone.objects.create(resource="incidents", object_id="7")
    m.ChangeSet.objects.create(title="Two corrections", created_by=admin_user)
    m.SitePage.objects.get_or_create(slug="about", defaults={"title": "About", "body": "Text."})


def test_every_cases_model_is_registered():
    from django.apps import apps

    # Historical* models (django-simple-history) are shown through their records' history,
    # the changes of a change set on its page; the search words are derived, not edited
    # (manage.py refresh_search_words); the data keys are only ever wrapped secrets, kept by
    # cases/crypto.py and manage.py rotate_encryption_key.
    models = apps.get_app_config("cases").get_models()
    shown_elsewhere = {m.Change, m.SearchWord, m.DataKey}
    assert (
        set(CASES_MODELS)
        == {model for model in models if not hasattr(model, "instance_type")} - shown_elsewhere
    )


@pytest.mark.usefixtures("one_of_each")
@pytest.mark.parametrize("model", CASES_MODELS, ids=lambda model: model.__name__)
def test_changelist_add_and_change_pages_render(admin_client, model):
    row = model.objects.order_by("pk").first()
    assert admin_client.get(url(model, "changelist")).status_code == 200
    # Tombstones are written by the code only, change sets by the edits: no add page.
    add_status = 403 if model in (m.Tombstone, m.ChangeSet) else 200
    assert admin_client.get(url(model, "add")).status_code == add_status
    # A link that fills the form with what is not a key: the page, not a 500.
    relations = [
        field.name
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.editable
    ]
    for junk in ("abc", "1,x"):
        filled = admin_client.get(url(model, "add"), dict.fromkeys(relations, junk))
        assert filled.status_code == add_status
    response = admin_client.get(url(model, "change", row.pk))
    assert response.status_code == 200
    assert escape(str(row)) in response.content.decode()
    assert admin_client.get(url(model, "changelist"), {"q": "a"}).status_code == 200


def test_a_link_fills_a_new_record_with_its_keys_and_drops_the_rest(admin_client):
    incident = f.IncidentFactory()
    page = admin_client.get(url(m.Citation, "add"), {"incident": incident.pk, "source": "x"})
    assert page.status_code == 200
    assert page.context["adminform"].form.initial == {"incident": str(incident.pk)}


# --- saving --------------------------------------------------------------------------


def test_add_state_with_a_predecessor(admin_client, admin_user):
    """A new state waits in the change set (the public would see it at once); approved, it
    is saved as entered, by its author."""
    f.StateFactory(code="SU", name="USSR")
    response = admin_client.post(
        url(m.State, "add"),
        {
            "code": "RU",
            "name": "Russian Federation",
            "predecessor": "SU",
            "predecessor_relation": "continuation",
        },
    )
    assert_saved(response)
    assert not m.State.objects.filter(code="RU").exists()
    change_set = m.ChangeSet.objects.get()
    changesets.submit(change_set=change_set, user=admin_user)
    changesets.approve(change_set=change_set, reviewer=f.UserFactory(is_superuser=True))
    state = m.State.objects.get(code="RU")
    assert state.predecessor_id == "SU"
    assert state.created_by == admin_user
    assert state.updated_by == admin_user


def test_state_constraint_violation_is_a_form_error(admin_client):
    f.StateFactory(code="SU", name="USSR")
    response = admin_client.post(
        url(m.State, "add"), {"code": "RU", "name": "Russian Federation", "predecessor": "SU"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not m.State.objects.filter(code="RU").exists()


def test_add_instrument_with_provisions(admin_client, admin_user):
    data = {
        "title": "Rome Statute of the International Criminal Court",
        "short_title": "Rome Statute",
        "slug": "rome-statute",
        "kind": "statute",
        "adopted_on": "1998-07-17",
        "entry_into_force_on": "2002-07-01",
        "entry_into_force_rule": "first_of_month_after_days",
        "entry_into_force_delay": "60",
        "withdrawal_delay_months": "12",
        "publication_status": "published",
        "confidentiality": "public",
        **inline(
            "provisions",
            [{"label": "art. 8(2)(b)(viii)", "rule_kind": "war_crime", "position": "10"}],
        ),
        **inline("treaty_events", []),
    }
    assert_saved(admin_client.post(url(m.Instrument, "add"), data))
    rome = m.Instrument.objects.get(slug="rome-statute")
    provision = rome.provisions.get()
    assert provision.label == "art. 8(2)(b)(viii)"
    assert provision.created_by == admin_user


def test_add_actor_with_another_name_and_change_it(admin_client, admin_user):
    data = {
        "name": "Maria Lvova-Belova",
        "kind": "person",
        "publication_status": "draft",
        "confidentiality": "public",
        **inline("other_names", [{"name": "Львова-Белова", "language": "ru", "kind": "native"}]),
        **inline("identifiers", []),
        **inline("memberships", []),
    }
    assert_saved(admin_client.post(url(m.Actor, "add"), data))
    actor = m.Actor.objects.get(name="Maria Lvova-Belova")
    assert list(actor.other_names.values_list("name", "language")) == [("Львова-Белова", "ru")]

    other = f.UserFactory(is_staff=True, is_superuser=True)
    admin_client.force_login(other)
    data = current_data(admin_client.get(url(m.Actor, "change", actor.pk)))
    data["publication_status"] = "published"
    assert_saved(admin_client.post(url(m.Actor, "change", actor.pk), data))
    actor.refresh_from_db()
    assert actor.publication_status == "published"
    assert (actor.created_by, actor.updated_by) == (admin_user, other)


def test_add_source_with_a_capture(admin_client, admin_user):
    data = {
        "kind": "press_release",
        "title": "Situation in Ukraine: ICC judges issue arrest warrants",
        "publisher": "International Criminal Court",
        "published_on": "2023-03-17",
        "url": "https://www.icc-cpi.int/news/situation-ukraine",
        "reliability": "A",
        "publication_status": "published",
        "confidentiality": "public",
        **inline(
            "captures",
            [
                {
                    "captured_at_0": "2023-03-17",
                    "captured_at_1": "18:00:00",
                    "archive_url": "https://web.archive.org/web/20230317/icc",
                    "sha256": "a" * 64,
                }
            ],
        ),
    }
    assert_saved(admin_client.post(url(m.Source, "add"), data))
    capture = m.Source.objects.get().captures.get()
    assert capture.sha256 == "a" * 64
    assert capture.captured_by == admin_user


def incident_data(**changes):
    data = {
        "title": "Deportation of children from occupied Ukraine",
        "date": "2022-02-24/..",
        "country": "UA",
        "conflict_type": "international",
        "verification_status": "adjudicated",
        "publication_status": "draft",
        "confidentiality": "public",
        **inline("victim_counts", []),
        **inline("involvements", []),
        **inline("legal_qualifications", []),
        **inline("citations", []),
    }
    data.update(changes)
    return data


def test_add_incident_with_involvement_qualification_and_citation(admin_client, admin_user):
    f.StateFactory(code="UA", name="Ukraine")
    putin = f.ActorFactory(name="Vladimir Putin", published=True)
    gc4 = f.InstrumentFactory(short_title="GC IV", published=True)
    art49 = f.ProvisionFactory(instrument=gc4, label="art. 49")
    source = f.SourceFactory()
    data = incident_data(
        **inline("involvements", [{"actor": putin.pk, "role": "ordering", "confidence": "high"}]),
        **inline("legal_qualifications", [{"provision": art49.pk, "standing": "alleged"}]),
        **inline("citations", [{"source": source.pk, "pinpoint": "para. 2"}]),
        **inline("victim_counts", [{"kind": "deported", "minimum": "16000", "group": "children"}]),
    )
    assert_saved(admin_client.post(url(m.Incident, "add"), data))

    incident = m.Incident.objects.get()
    assert incident.date_earliest == datetime.date(2022, 2, 24)
    assert incident.date_latest is None
    involvement = incident.involvements.get()
    assert (involvement.actor, involvement.role) == (putin, "ordering")
    assert involvement.created_by == admin_user
    assert incident.legal_qualifications.get().provision == art49
    citation = incident.citations.get()
    assert (citation.source, citation.pinpoint) == (source, "para. 2")
    assert citation.created_by == admin_user
    assert incident.victim_counts.get().minimum == 16000
    # The search document now holds the actor's name and the provision label.
    assert "Vladimir Putin" in incident.search_names
    assert "GC IV art. 49" in incident.search_names


def test_incident_change_page_shows_the_date_bounds(admin_client):
    incident = f.IncidentFactory(date="2022-05~")
    response = admin_client.get(url(m.Incident, "change", incident.pk))
    content = response.content.decode()
    assert "Date earliest" in content
    assert "1 May 2022" in content
    assert "31 May 2022" in content


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("24 Feb 2022", "is not a valid EDTF date"),
        ("2022-03-10/2022-02-24", "ends (2022-02-24) before it starts (2022-03-10)"),
    ],
)
def test_invalid_incident_date_is_a_form_error(admin_client, date, message):
    f.StateFactory(code="UA", name="Ukraine")
    response = admin_client.post(url(m.Incident, "add"), incident_data(date=date))
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["date"][0]
    assert message in response.content.decode()
    assert not m.Incident.objects.exists()


def test_subdivision_outside_the_country_is_a_form_error(admin_client):
    f.StateFactory(code="UA", name="Ukraine")
    response = admin_client.post(url(m.Incident, "add"), incident_data(subdivision="RU-MOW"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "not an ISO 3166-2 code in Ukraine" in errors["subdivision"][0]
    assert not m.Incident.objects.exists()


def test_duplicate_qualification_without_assertor_is_a_form_error(admin_client):
    f.StateFactory(code="UA", name="Ukraine")
    provision = f.ProvisionFactory()
    rows = [{"provision": provision.pk, "standing": "alleged"}] * 2
    response = admin_client.post(
        url(m.Incident, "add"), incident_data(**inline("legal_qualifications", rows))
    )
    assert response.status_code == 200
    assert "already qualified" in response.content.decode()
    assert not m.Incident.objects.exists()


def test_citation_needs_exactly_one_claim(admin_client):
    source = f.SourceFactory()
    incident = f.IncidentFactory()
    action = f.AccountabilityActionFactory()
    data = {"source": source.pk, "incident": incident.pk, "action": action.pk}
    response = admin_client.post(url(m.Citation, "add"), data)
    assert response.status_code == 200
    assert "exactly one claim" in response.context["adminform"].form.errors["incident"][0]
    assert not m.Citation.objects.exists()


# --- the 17 March 2023 ICC arrest warrant, entered from scratch ------------------------


@pytest.fixture
def warrant_world():
    rome = f.InstrumentFactory(short_title="Rome Statute", published=True)
    provision = {
        label: f.ProvisionFactory(instrument=rome, label=label, rule_kind=kind)
        for label, kind in [
            ("art. 8(2)(a)(vii)", m.RuleKind.WAR_CRIME),
            ("art. 8(2)(b)(viii)", m.RuleKind.WAR_CRIME),
            ("art. 25(3)(a)", m.RuleKind.MODE_OF_LIABILITY),
            ("art. 28(b)", m.RuleKind.MODE_OF_LIABILITY),
        ]
    }
    return {
        "chamber": f.ActorFactory(name="ICC Pre-Trial Chamber II", kind=m.ActorKind.COURT),
        "putin": f.ActorFactory(name="Vladimir Putin"),
        "lvova_belova": f.ActorFactory(name="Maria Lvova-Belova"),
        "provision": provision,
        "incident": f.IncidentFactory(title="Deportation of children from occupied Ukraine"),
        "press_release": f.SourceFactory(
            title="Situation in Ukraine: ICC judges issue arrest warrants against "
            "Vladimir Vladimirovich Putin and Maria Alekseyevna Lvova-Belova"
        ),
    }


def warrant_data(w, *, subjects, charge_subject):
    p = w["provision"]
    modes = [str(p["art. 25(3)(a)"].pk), str(p["art. 28(b)"].pk)]
    charge = {"subject": charge_subject.pk, "modes_of_liability": modes}
    return {
        "kind": "arrest_warrant",
        "title": "Arrest warrant for Vladimir Putin",
        "issuing_body": w["chamber"].pk,
        "reference": "ICC-01/22",
        "incidents": [str(w["incident"].pk)],
        "applied_on": "2023-02-22",
        "issued_on": "2023-03-17",
        "announced_on": "2023-03-17",
        "seal_status": "unsealed",
        "status": "active",
        "publication_status": "draft",
        "confidentiality": "public",
        **inline("subject_links", [{"actor": s.pk} for s in subjects]),
        **inline(
            "charges",
            [
                {
                    **charge,
                    "provision": p["art. 8(2)(a)(vii)"].pk,
                    "crime_period": "2022-02-24/..",
                    "description": "Unlawful deportation of population (children)",
                },
                {
                    **charge,
                    "provision": p["art. 8(2)(b)(viii)"].pk,
                    "crime_period": "2022-02-24/..",
                    "description": "Unlawful transfer of population (children)",
                },
            ],
        ),
        **inline("events", []),
        **inline(
            "citations",
            [{"source": w["press_release"].pk, "pinpoint": "para. 1", "quote": "reasonable"}],
        ),
    }


def test_enter_the_putin_arrest_warrant_in_one_submission(admin_client, admin_user, warrant_world):
    w = warrant_world
    data = warrant_data(w, subjects=[w["putin"]], charge_subject=w["putin"])
    assert_saved(admin_client.post(url(m.AccountabilityAction, "add"), data))

    action = m.AccountabilityAction.objects.get()
    assert action.kind == m.ActionKind.ARREST_WARRANT
    assert action.title == "Arrest warrant for Vladimir Putin"
    assert action.issuing_body == w["chamber"]
    assert action.reference == "ICC-01/22"
    assert action.applied_on == datetime.date(2023, 2, 22)
    assert action.issued_on == datetime.date(2023, 3, 17)
    assert action.announced_on == datetime.date(2023, 3, 17)
    assert action.seal_status == m.SealStatus.UNSEALED
    assert (action.created_by, action.updated_by) == (admin_user, admin_user)
    assert list(action.subjects.all()) == [w["putin"]]
    assert list(action.incidents.all()) == [w["incident"]]

    charges = list(action.charges.order_by("pk"))
    p = w["provision"]
    assert [c.provision for c in charges] == [p["art. 8(2)(a)(vii)"], p["art. 8(2)(b)(viii)"]]
    for charge in charges:
        assert charge.subject == w["putin"]
        assert set(charge.modes_of_liability.all()) == {p["art. 25(3)(a)"], p["art. 28(b)"]}
        assert charge.crime_period == "2022-02-24/.."
        assert charge.crime_period_start == datetime.date(2022, 2, 24)
        assert charge.crime_period_end is None
        assert charge.created_by == admin_user

    citation = action.citations.get()
    assert (citation.source, citation.pinpoint) == (w["press_release"], "para. 1")
    assert citation.incident is None
    assert citation.created_by == admin_user


def test_charge_against_someone_not_a_subject_is_refused(admin_client, warrant_world):
    w = warrant_world
    data = warrant_data(w, subjects=[w["putin"]], charge_subject=w["lvova_belova"])
    response = admin_client.post(url(m.AccountabilityAction, "add"), data)
    assert response.status_code == 200
    assert "Maria Lvova-Belova is not among the subjects" in response.content.decode()
    assert not m.AccountabilityAction.objects.exists()
    assert not m.Charge.objects.exists()


def test_add_a_subject_and_their_charges_to_an_existing_action(admin_client, warrant_world):
    w = warrant_world
    data = warrant_data(w, subjects=[w["putin"]], charge_subject=w["putin"])
    assert_saved(admin_client.post(url(m.AccountabilityAction, "add"), data))
    action = m.AccountabilityAction.objects.get()

    data = current_data(admin_client.get(url(m.AccountabilityAction, "change", action.pk)))
    data["subject_links-1-actor"] = str(w["lvova_belova"].pk)  # the empty extra row
    data["charges-2-provision"] = str(w["provision"]["art. 8(2)(a)(vii)"].pk)
    data["charges-2-subject"] = str(w["lvova_belova"].pk)
    data["charges-2-crime_period"] = "2022-02-24/.."
    assert_saved(admin_client.post(url(m.AccountabilityAction, "change", action.pk), data))
    assert action.charges.filter(subject=w["lvova_belova"]).count() == 1
    assert set(action.subjects.all()) == {w["putin"], w["lvova_belova"]}


def test_invalid_crime_period_is_a_form_error(admin_client, warrant_world):
    w = warrant_world
    data = warrant_data(w, subjects=[w["putin"]], charge_subject=w["putin"])
    data["charges-0-crime_period"] = "since the invasion"
    response = admin_client.post(url(m.AccountabilityAction, "add"), data)
    assert response.status_code == 200
    assert "is not a valid EDTF date" in response.content.decode()
    assert not m.AccountabilityAction.objects.exists()


def test_treaty_event_change_page_shows_every_field_and_its_citations(admin_client):
    rome = f.InstrumentFactory(short_title="Rome Statute", kind=m.InstrumentKind.STATUTE)
    event = f.TreatyEventFactory(
        instrument=rome,
        kind=m.TreatyEventKind.WAR_CRIMES_EXCLUSION,
        exclusion_scope=m.ExclusionScope.NATIONALS,
        text="Ukraine does not accept the jurisdiction of the Court over war crimes ...",
    )
    notification = f.CitationFactory(incident=None, treaty_event=event, pinpoint="C.N.1044")
    response = admin_client.get(url(m.TreatyEvent, "change", event.pk))
    content = response.content.decode()

    model_admin = admin.site._registry[m.TreatyEvent]
    shown = set(flatten_fieldsets(model_admin.get_fieldsets(response.wsgi_request, event)))
    editable = {
        field.name
        for field in m.TreatyEvent._meta.get_fields()
        if field.concrete and field.editable and not field.primary_key
    }
    # external_id is the import's key, hidden on every page with fieldsets.
    assert editable - {"external_id"} <= shown
    for name in ("exclusion_scope", "jurisdiction_from", "jurisdiction_to", "provisions", "note"):
        assert f'name="{name}"' in content, name
    assert "Rome Statute declarations" in content
    # Its citations, in an inline of their own.
    assert 'name="citations-0-pinpoint" value="C.N.1044"' in content
    assert notification.source.title in content


def test_an_action_event_is_cited_on_its_own_page(admin_client, admin_user):
    event = f.ActionEventFactory(kind=m.ActionEventKind.MADE_PUBLIC)
    press_release = f.SourceFactory(title="ICC judges issue arrest warrants")
    data = current_data(admin_client.get(url(m.ActionEvent, "change", event.pk)))
    data["citations-0-source"] = str(press_release.pk)
    data["citations-0-pinpoint"] = "para. 1"
    assert_saved(admin_client.post(url(m.ActionEvent, "change", event.pk), data))
    citation = event.citations.get()
    assert (citation.source, citation.pinpoint) == (press_release, "para. 1")
    assert citation.created_by == admin_user


# --- dates: ISO or the month in words, never 07/03/2025 ----------------------------------

DATE_MESSAGE = (
    "Enter the date as YYYY-MM-DD (2025-03-07) or with the month in words (7 March 2025)."
)


def source_data(typed_date, **changes):
    data = {
        "kind": "press_release",
        "title": "Situation in Ukraine",
        "published_on": typed_date,
        "reliability": "A",
        "publication_status": "draft",
        "confidentiality": "public",
        **inline(
            "captures",
            [
                {
                    "captured_at_0": typed_date,
                    "captured_at_1": "18:00",
                    "archive_url": "https://web.archive.org/web/2025/icc",
                }
            ],
        ),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "typed", ["2025-03-07", "7 March 2025", "7 Mar 2025", "March 7, 2025", "Mar 7, 2025"]
)
def test_iso_and_worded_dates_are_stored_right(admin_client, typed):
    assert_saved(admin_client.post(url(m.Source, "add"), source_data(typed)))
    source = m.Source.objects.get()
    assert source.published_on == datetime.date(2025, 3, 7)
    captured = source.captures.get().captured_at
    assert captured == datetime.datetime(2025, 3, 7, 18, tzinfo=datetime.UTC)


@pytest.mark.parametrize("typed", ["07/03/2025", "03/07/2025", "7/3/25"])
def test_a_numeric_day_and_month_is_refused_saying_what_is_taken(admin_client, typed):
    response = admin_client.post(url(m.Source, "add"), source_data(typed))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_on"] == [DATE_MESSAGE]
    (captures,) = response.context["inline_admin_formsets"]
    assert captures.formset.errors[0]["captured_at"] == [DATE_MESSAGE]
    assert escape(DATE_MESSAGE) in response.content.decode()
    assert not m.Source.objects.exists()
    assert not m.SourceCapture.objects.exists()


def instrument_with_a_ratification(deposited_on: str) -> dict:
    return {
        "title": "Rome Statute of the International Criminal Court",
        "short_title": "Rome Statute",
        "slug": "rome-statute",
        "kind": "statute",
        "entry_into_force_rule": "first_of_month_after_days",
        "entry_into_force_delay": "60",
        "publication_status": "draft",
        "confidentiality": "public",
        **inline("provisions", []),
        **inline(
            "treaty_events",
            [
                {
                    "state": f.StateFactory(code="UA").pk,
                    "kind": "ratification",
                    "deposited_on": deposited_on,
                }
            ],
        ),
    }


def test_a_treaty_event_dated_07_03_2025_is_refused(admin_client):
    response = admin_client.post(
        url(m.Instrument, "add"), instrument_with_a_ratification("07/03/2025")
    )
    assert response.status_code == 200
    assert not response.context["adminform"].form.errors  # only the date is wrong
    events = next(
        fs.formset
        for fs in response.context["inline_admin_formsets"]
        if fs.formset.prefix == "treaty_events"
    )
    assert events.errors == [{"deposited_on": [DATE_MESSAGE]}]
    assert not m.Instrument.objects.exists()
    assert not m.TreatyEvent.objects.exists()


def test_a_treaty_event_dated_7_march_2025_is_saved(admin_client):
    data = instrument_with_a_ratification("7 March 2025")
    assert_saved(admin_client.post(url(m.Instrument, "add"), data))
    assert m.TreatyEvent.objects.get().deposited_on == datetime.date(2025, 3, 7)


ART_124 = "war_crimes_exclusion"
ART_12_3 = "jurisdiction_declaration"


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"kind": ART_124}, "exclusion_scope", "An art. 124 declaration needs its scope"),
        ({"kind": ART_12_3}, "jurisdiction_from", "An art. 12(3) declaration needs the start"),
        (
            {"kind": "ratification", "exclusion_scope": "nationals"},
            "exclusion_scope",
            "Only an art. 124 declaration has this scope.",
        ),
        (
            {"kind": "ratification", "jurisdiction_from": "2014-02-20"},
            "jurisdiction_from",
            "Only an art. 12(3) declaration has a period of jurisdiction.",
        ),
        (
            {"kind": ART_12_3, "jurisdiction_from": "2014-02-22", "jurisdiction_to": "2013-11-21"},
            "jurisdiction_to",
            "The period ends before it starts.",
        ),
    ],
)
def test_a_declaration_missing_its_scope_is_a_form_error(admin_client, row, field, message):
    # Entered on the instrument's page, as on its own: an error on the row, not a 500.
    data = instrument_with_a_ratification("2015-09-08")
    data.update({f"treaty_events-0-{name}": value for name, value in row.items()})
    response = admin_client.post(url(m.Instrument, "add"), data)
    assert response.status_code == 200
    (events,) = [
        fs.formset
        for fs in response.context["inline_admin_formsets"]
        if fs.formset.prefix == "treaty_events"
    ]
    assert message in events.errors[0][field][0]
    assert not m.TreatyEvent.objects.exists()


@pytest.mark.parametrize(
    "row",
    [
        {"kind": ART_124, "exclusion_scope": "nationals"},
        {"kind": ART_12_3, "jurisdiction_from": "2013-11-21", "jurisdiction_to": "2014-02-22"},
    ],
)
def test_declarations_with_their_scope_are_saved(admin_client, row):
    data = instrument_with_a_ratification("2015-09-08")
    state = data["treaty_events-0-state"]
    # An art. 124 declaration comes with the ratification (art. 124: "on becoming a party").
    ratification = {"state": state, "kind": "ratification", "deposited_on": "2015-09-08"}
    declaration = {"state": state, "deposited_on": "2015-09-08", **row}
    rows = [ratification, declaration] if row["kind"] == ART_124 else [declaration]
    data.update(inline("treaty_events", rows))
    assert_saved(admin_client.post(url(m.Instrument, "add"), data))
    event = m.TreatyEvent.objects.get(kind=row["kind"])
    assert event.kind == row["kind"]
    assert event.exclusion_scope == row.get("exclusion_scope", "")
    assert (event.jurisdiction_from is None) == ("jurisdiction_from" not in row)


def test_every_date_typed_in_the_admin_is_read_and_refused_alike(rf, admin_user):
    """Each date field of every admin page and inline, protected ones included."""
    request = rf.get("/")
    request.user = admin_user
    checked = set()
    for model_admin in admin.site._registry.values():
        forms_of_page = [model_admin.get_form(request)]
        forms_of_page += [
            i.get_formset(request).form for i in model_admin.get_inline_instances(request)
        ]
        for form in forms_of_page:
            for name, field in form.base_fields.items():
                if isinstance(field, SplitDateTimeField):
                    date_field = field.fields[0]
                elif isinstance(field, DateField):
                    date_field = field
                else:
                    continue
                checked.add((form._meta.model.__name__, name))
                assert date_field.error_messages["invalid"] == DATE_MESSAGE, (form, name)
                assert date_field.clean("7 March 2025") == datetime.date(2025, 3, 7)
    # Dates of the law, the facts, the response, the evidence and protected persons.
    assert {
        ("TreatyEvent", "deposited_on"),
        ("Source", "published_on"),
        ("SourceCapture", "captured_at"),
        ("ProtectedIdentity", "date_of_birth"),
        ("AccountabilityAction", "issued_on"),
    } <= checked


def test_changelist_and_change_page_show_dates_with_the_month_in_words(admin_client):
    event = f.TreatyEventFactory(
        kind=m.TreatyEventKind.SIGNATURE, deposited_on=datetime.date(2022, 3, 1)
    )
    listed = admin_client.get(url(m.TreatyEvent, "changelist")).content.decode()
    assert "1 March 2022" in listed
    assert "March 1, 2022" not in listed

    page = admin_client.get(url(m.TreatyEvent, "change", event.pk)).content.decode()
    # Shown: when it takes effect (a signature: on the day) and when the row was entered.
    assert '<div class="readonly">1 March 2022</div>' in page
    assert f"{event.created_at:%-d %B %Y %H:%M}" in page
    # Typed: the date input holds ISO, which the calendar reads and writes.
    assert 'value="2022-03-01"' in page


# --- changelist query counts -------------------------------------------------------------


def make_incident():
    incident = f.IncidentFactory(controlling_power=f.StateFactory(code="RU", name="Russia"))
    f.InvolvementFactory(incident=incident)
    return incident


def make_action():
    action = f.AccountabilityActionFactory()
    f.ChargeFactory(action=action)
    return action


def make_citation():
    """Citations of every kind of claim, so each related column is exercised."""
    source = f.SourceFactory()
    involvement = f.InvolvementFactory()
    for target in (
        {"incident": involvement.incident},
        {"involvement": involvement},
        {"legal_qualification": f.LegalQualificationFactory()},
        {"action": f.AccountabilityActionFactory()},
        {"charge": f.ChargeFactory()},
        {"treaty_event": f.TreatyEventFactory()},
        {"action_event": f.ActionEventFactory()},
        {"referral": f.SecurityCouncilReferralFactory()},
    ):
        f.CitationFactory(source=source, **{"incident": None, **target})


CHANGELISTS = {
    m.Incident: make_incident,
    m.AccountabilityAction: make_action,
    m.Provision: lambda: f.ProvisionFactory(parent=f.ProvisionFactory()),
    m.TreatyEvent: f.TreatyEventFactory,
    m.Citation: make_citation,
    m.Involvement: f.InvolvementFactory,
    m.ActionEvent: lambda: f.ActionEventFactory(subject=f.ActorFactory()),
}


def changelist_queries(client, model):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", CHANGELISTS, ids=lambda model: model.__name__)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model):
    make = CHANGELISTS[model]
    for _ in range(3):
        make()
    few = changelist_queries(admin_client, model)
    for _ in range(17):
        make()
    assert model.objects.count() >= 20
    assert changelist_queries(admin_client, model) == few


# --- protected persons ---------------------------------------------------------------


@pytest.fixture
def witness():
    person = f.ProtectedPersonFactory(pseudonym="W-0042")
    m.ProtectedIdentity.objects.create(person=person, full_name="Olena Secretname")
    m.ProtectedContact.objects.create(person=person, kind="phone", value="+380 44 123 4567")
    return person


def staff_user(*, identity_permission):
    user = f.UserFactory(is_staff=True)
    permissions = Permission.objects.filter(content_type__app_label="cases")
    if not identity_permission:
        permissions = permissions.exclude(codename="view_protected_identity")
    user.user_permissions.set(permissions)
    return user


def test_staff_without_the_permission_see_only_the_pseudonym(client, witness):
    client.force_login(staff_user(identity_permission=False))
    content = client.get(url(m.ProtectedPerson, "change", witness.pk)).content.decode()
    assert "W-0042" in content
    assert "Olena Secretname" not in content
    assert "+380 44 123 4567" not in content
    # Nor can they find the person by name, or open the identity tables.
    found = client.get(url(m.ProtectedPerson, "changelist"), {"q": "Secretname"})
    assert "W-0042" not in found.content.decode()
    identity = witness.identity
    assert client.get(url(m.ProtectedIdentity, "change", identity.pk)).status_code == 403
    assert client.get(url(m.ProtectedContact, "changelist")).status_code == 403


def test_staff_without_the_permission_can_still_edit_the_pseudonym(client, witness):
    client.force_login(staff_user(identity_permission=False))
    data = current_data(client.get(url(m.ProtectedPerson, "change", witness.pk)))
    data["role"] = "victim_witness"
    assert_saved(client.post(url(m.ProtectedPerson, "change", witness.pk), data))
    witness.refresh_from_db()
    assert witness.role == "victim_witness"
    assert witness.identity.full_name == "Olena Secretname"


def test_staff_with_the_permission_see_the_identity(client, witness):
    client.force_login(staff_user(identity_permission=True))
    content = client.get(url(m.ProtectedPerson, "change", witness.pk)).content.decode()
    assert "Olena Secretname" in content
    assert "+380 44 123 4567" in content
    found = client.get(url(m.ProtectedPerson, "changelist"), {"q": "Secretname"})
    assert "W-0042" in found.content.decode()


def test_incident_cannot_be_its_own_parent(admin_client):
    incident = f.IncidentFactory()
    data = current_data(admin_client.get(url(m.Incident, "change", incident.pk)))
    data["parent"] = str(incident.pk)
    response = admin_client.post(url(m.Incident, "change", incident.pk), data)
    assert response.status_code == 200
    assert "cannot be part of itself" in response.context["adminform"].form.errors["parent"][0]
    incident.refresh_from_db()
    assert incident.parent is None


def test_provision_cannot_be_its_own_parent(admin_client):
    provision = f.ProvisionFactory()
    data = current_data(admin_client.get(url(m.Provision, "change", provision.pk)))
    data["parent"] = str(provision.pk)
    response = admin_client.post(url(m.Provision, "change", provision.pk), data)
    assert response.status_code == 200
    assert "cannot be its own parent" in response.context["adminform"].form.errors["parent"][0]


def test_actor_cannot_be_a_member_of_itself(admin_client):
    actor = f.ActorFactory()
    data = current_data(admin_client.get(url(m.Actor, "change", actor.pk)))
    data.update(inline("memberships", [{"organisation": actor.pk, "period": "2021"}]))
    response = admin_client.post(url(m.Actor, "change", actor.pk), data)
    assert response.status_code == 200
    assert "cannot be a member of itself" in response.content.decode()
    assert not m.Membership.objects.exists()


def test_action_dates_out_of_order_name_the_field(admin_client, warrant_world):
    w = warrant_world
    data = warrant_data(w, subjects=[w["putin"]], charge_subject=w["putin"])
    data["announced_on"] = "2023-03-01"
    response = admin_client.post(url(m.AccountabilityAction, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "announced before it was issued" in errors["announced_on"][0]
    assert not m.AccountabilityAction.objects.exists()


def test_instrument_in_force_before_adoption_names_the_field(admin_client):
    data = {
        "title": "Convention",
        "short_title": "C",
        "slug": "c",
        "kind": "treaty",
        "adopted_on": "1949-08-12",
        "entry_into_force_on": "1948-01-01",
        "entry_into_force_rule": "months_after_deposit",
        "entry_into_force_delay": "0",
        "publication_status": "draft",
        "confidentiality": "public",
        **inline("provisions", []),
        **inline("treaty_events", []),
    }
    response = admin_client.post(url(m.Instrument, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "before it was adopted" in errors["entry_into_force_on"][0]
    assert "number of days or months" in errors["entry_into_force_delay"][0]
    assert not m.Instrument.objects.exists()


def test_the_same_identifier_twice_is_a_form_error(admin_client):
    row = {"scheme": "wikidata", "value": "Q7747"}
    data = {
        "name": "Vladimir Putin",
        "kind": "person",
        "publication_status": "draft",
        "confidentiality": "public",
        **inline("other_names", []),
        **inline("identifiers", [row, row]),
        **inline("memberships", []),
    }
    response = admin_client.post(url(m.Actor, "add"), data)
    assert response.status_code == 200
    assert "This identifier is entered twice." in response.content.decode()
    assert not m.Actor.objects.exists()


def test_the_same_ratification_twice_is_a_form_error(admin_client):
    instrument = f.InstrumentFactory()
    f.StateFactory(code="UA", name="Ukraine")
    data = current_data(admin_client.get(url(m.Instrument, "change", instrument.pk)))
    row = {"state": "UA", "kind": "ratification", "deposited_on": "1954-05-03"}
    data.update(inline("treaty_events", [row, row]))
    response = admin_client.post(url(m.Instrument, "change", instrument.pk), data)
    assert response.status_code == 200
    assert "already entered" in response.content.decode()
    assert not m.TreatyEvent.objects.exists()


def test_renaming_an_actor_updates_its_incidents_search_document(admin_client):
    actor = f.ActorFactory(name="Maria Lvova-Belova")  # a draft: published ones are locked
    involvement = f.InvolvementFactory(actor=actor)
    data = current_data(admin_client.get(url(m.Actor, "change", actor.pk)))
    data.update(inline("other_names", [{"name": "Львова-Белова", "kind": "native"}]))
    assert_saved(admin_client.post(url(m.Actor, "change", actor.pk), data))
    involvement.incident.refresh_from_db()
    assert "Lvova-Belova" not in involvement.incident.search_names  # not public yet

    services.publish(record=actor, reviewer=f.UserFactory(is_superuser=True))
    involvement.incident.refresh_from_db()
    assert "Львова-Белова" in involvement.incident.search_names


def test_deleting_an_involvement_updates_the_search_document(admin_client):
    involvement = f.InvolvementFactory(actor=f.ActorFactory(name="Unit 1234", published=True))
    services.refresh_search_names(incidents=[involvement.incident_id])
    response = admin_client.post(url(m.Involvement, "delete", involvement.pk), {"post": "yes"})
    assert response.status_code == 302
    involvement.incident.refresh_from_db()
    assert "Unit 1234" not in involvement.incident.search_names


def test_a_link_typed_without_its_scheme_is_taken_as_https(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    source_form = admin.site._registry[m.Source].get_form(request)
    assert source_form.base_fields["url"].clean("example.org/report") == (
        "https://example.org/report"
    )
    capture_inline = next(
        i
        for i in admin.site._registry[m.Source].get_inline_instances(request)
        if i.model is m.SourceCapture
    )
    capture_form = capture_inline.get_formset(request).form
    assert capture_form.base_fields["archive_url"].clean("web.archive.org/x") == (
        "https://web.archive.org/x"
    )


def test_a_denunciation_without_a_ratification_is_refused_on_its_kind(admin_client):
    data = instrument_with_a_ratification("2020-01-01")
    data["treaty_events-0-kind"] = "denunciation"
    response = admin_client.post(url(m.Instrument, "add"), data)
    assert response.status_code == 200
    events = next(
        fs.formset
        for fs in response.context["inline_admin_formsets"]
        if fs.formset.prefix == "treaty_events"
    )
    [message] = events.errors[0]["kind"]
    assert message.startswith("A denunciation needs an earlier ratification")
    assert not m.TreatyEvent.objects.exists()


def test_a_signature_and_its_withdrawal_entered_together_are_taken(admin_client):
    data = instrument_with_a_ratification("2000-09-13")
    state = data["treaty_events-0-state"]
    data.update(
        {
            "treaty_events-0-kind": "signature",
            **dict(
                inline(
                    "treaty_events",
                    [
                        {"state": state, "kind": "signature", "deposited_on": "2000-09-13"},
                        {
                            "state": state,
                            "kind": "signature_withdrawal",
                            "deposited_on": "2016-11-30",
                        },
                    ],
                ).items()
            ),
        }
    )
    assert_saved(admin_client.post(url(m.Instrument, "add"), data))
    assert m.TreatyEvent.objects.count() == 2


def test_view_on_site_is_only_for_those_who_may_view_the_record(client):
    """Django's own "r/" redirect sent any staff member to a hidden record's public
    address; ours answers 404 to staff without the model's view permission."""
    draft = f.IncidentFactory(publication_status=m.PublicationStatus.DRAFT)
    content_type = ContentType.objects.get_for_model(m.Incident)
    address = reverse("admin:view_on_site", args=[content_type.pk, draft.pk])
    public_address = draft.get_absolute_url()
    staff = f.UserFactory(is_staff=True)
    client.force_login(staff)

    refused = client.get(address)
    assert refused.status_code == 404
    assert public_address.encode() not in refused.content
    assert client.get(reverse("admin:view_on_site", args=[content_type.pk, "x"])).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[999999, draft.pk])).status_code == 404

    staff.user_permissions.add(Permission.objects.get(codename="view_incident"))
    allowed = client.get(address)
    assert allowed.status_code == 302
    assert allowed["Location"].endswith(public_address)
