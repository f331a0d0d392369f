"""manage.py generate_demo: synthetic incidents that are valid, varied, searchable, repeatable."""

import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command
from django.db.models import F, Max, Min
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services
from cases.edtf import edtf_bounds
from cases.models import (
    AccountabilityAction,
    ActionSubject,
    ActorName,
    Charge,
    Citation,
    Incident,
    Involvement,
    LegalQualification,
    PublicationStatus,
    State,
    Tombstone,
)
from cases.search import Filters, search_actions, search_incidents, search_page
from tests.factories import InstrumentFactory

COUNT = 200


@pytest.fixture
def generated(db):
    call_command("generate_demo", incidents=COUNT, seed=7, verbosity=0)
    return Incident.objects.order_by("pk")


@pytest.fixture
def run_ended(generated):
    return timezone.now()


def test_creates_the_incidents_with_dates_bounded_as_their_edtf_says(generated):
    assert generated.count() == COUNT
    for date, earliest, latest in generated.values_list("date", "date_earliest", "date_latest"):
        assert edtf_bounds(date) == (earliest, latest), date
    dates = list(generated.values_list("date", flat=True))
    assert any(d.endswith("/..") for d in dates)
    assert any(d.endswith("~") for d in dates)
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    assert any("/" in d and not d.endswith("..") for d in dates)


def test_places_are_real_countries_with_subdivisions_inside_them(generated):
    assert State.objects.get(code="UA").name == "Ukraine"
    rows = list(generated.values_list("country_id", "subdivision"))
    assert all(country for country, _ in rows)
    assert all(sub.startswith(f"{country}-") for country, sub in rows if sub)
    assert sum(1 for _, sub in rows if sub) > COUNT / 2


def test_text_is_long_and_varied(generated):
    for title, description in generated.values_list("title", "description"):
        assert 8 <= len(title.split()) <= 12, title
        assert len(description.split()) >= 300
    words = {
        word.lower()
        for text in generated.values_list("description", flat=True)
        for word in re.findall(r"[^\W\d_]+", text)
    }
    assert len(words) > 1500


def test_incidents_have_law_actors_categories_and_cited_sources(generated):
    assert LegalQualification.objects.filter(incident__in=generated).exists()
    assert Involvement.objects.filter(incident__in=generated).count() >= COUNT
    assert all(incident.categories.exists() for incident in generated[:20])
    assert ActorName.objects.filter(name__regex=r"[А-Яа-яІіЄєЇї]").exists()
    citations = Citation.objects.all()
    assert citations.count() >= COUNT
    for citation in citations:
        targets = [
            citation.incident_id,
            citation.involvement_id,
            citation.legal_qualification_id,
            citation.action_id,
        ]
        assert sum(target is not None for target in targets) == 1
    assert citations.filter(involvement__isnull=False).exists()
    assert citations.filter(action__isnull=False).exists()


def test_actions_have_subjects_charges_and_incidents_with_the_visibility_mix(generated):
    actions = AccountabilityAction.objects.all()
    assert actions.count() == 8  # one per 25 incidents
    assert len(set(actions.values_list("kind", flat=True))) >= 2
    assert all(action.incidents.exists() for action in actions)
    assert ActionSubject.objects.exists()
    for charge in Charge.objects.select_related("provision__instrument"):
        assert charge.provision.instrument.slug in {"rome-statute", "genocide-convention"}
        if charge.subject_id:  # a subject of its action, as Charge.clean() requires
            assert charge.action.subject_links.filter(actor_id=charge.subject_id).exists()
        assert edtf_bounds(charge.crime_period) == (
            charge.crime_period_start,
            charge.crime_period_end,
        )
    assert not actions.public().filter(seal_status="under_seal").exists()
    for action in actions.exclude(issued_on=None):
        assert action.issued_on >= min(
            i.date_earliest or action.issued_on for i in action.incidents.all()
        )


@pytest.mark.django_db
def test_actions_mix_public_and_hidden_as_incidents_do():
    call_command("generate_demo", incidents=2000, seed=2, verbosity=0)
    actions = AccountabilityAction.objects.all()
    assert actions.count() == 80
    assert 0.75 * 80 < actions.public().count() < 80
    assert set(actions.values_list("kind", flat=True)) >= {"arrest_warrant", "indictment"}
    assert ActionSubject.objects.filter(action__kind="arrest_warrant").exists()
    assert Charge.objects.count() >= 80
    assert ActionSubject.objects.count() >= 60
    reasons = set(Tombstone.objects.values_list("resource", "reason"))
    assert {("incidents", "withdrawn"), ("incidents", "deleted"), ("actions", "deleted")} <= reasons


def test_timestamps_are_spread_and_changed_at_covers_what_a_record_shows(generated, run_ended):
    for model in (Incident, AccountabilityAction):
        assert not model.objects.filter(changed_at__gt=run_ended).exists()  # none in future
        span = model.objects.aggregate(first=Min("updated_at"), last=Max("updated_at"))
        assert (span["last"] - span["first"]).days > 365
        assert model.objects.values("updated_at").distinct().count() == model.objects.count()
        assert not model.objects.filter(changed_at__lt=F("updated_at")).exists()
        assert not model.objects.filter(updated_at__lt=F("created_at")).exists()
    # A part's edit is its record's change, an action's own edit its incidents'.
    for involvement in Involvement.objects.select_related("incident")[:200]:
        assert involvement.updated_at <= involvement.incident.changed_at
    for action in AccountabilityAction.objects.prefetch_related("incidents", "charges"):
        for incident in action.incidents.all():
            assert incident.changed_at >= action.updated_at
            assert action.changed_at >= incident.updated_at
        for charge in action.charges.all():
            assert action.changed_at >= charge.updated_at
    assert Incident.objects.filter(changed_at__gt=F("updated_at")).exists()


def test_tombstones_name_records_that_were_public_and_are_not(generated):
    tombstones = Tombstone.objects.all()
    reasons = set(tombstones.values_list("reason", flat=True))
    assert "deleted" in reasons
    assert reasons - {"deleted"}  # withdrawn (1%) or unpublished: see the larger run below
    for resource, model in (("incidents", Incident), ("actions", AccountabilityAction)):
        ids = [
            int(pk)
            for pk in tombstones.filter(resource=resource).values_list("object_id", flat=True)
        ]
        assert ids
        remaining = model.objects.filter(pk__in=ids)
        # Deleted ones are gone; the others hidden, never drafts (a draft was never public).
        assert remaining.count() < len(ids)
        assert not remaining.public().exists()
        assert not remaining.filter(publication_status__in=["draft", "in_review"]).exists()
        withdrawn = model.objects.filter(publication_status=PublicationStatus.WITHDRAWN)
        assert set(withdrawn.values_list("pk", flat=True)) <= set(ids)
        assert all(withdrawn.values_list("withdrawal_reason", flat=True))


def test_action_facet_and_action_search_find_generated_actions(generated):
    page = search_page(Filters(), sort="newest", page=1)
    facet = {value.value: value.count for value in page.facets["action_kind"]}
    assert facet
    for kind, count in facet.items():
        assert count == Incident.objects.public().with_action(kind=kind).count()
    action = (
        AccountabilityAction.objects.public()
        .filter(
            issuing_body__publication_status="published", issuing_body__confidentiality="public"
        )
        .order_by("pk")
        .first()
    )
    word = max(re.findall(r"[A-Za-z]+", action.title), key=len)
    assert action in search_actions(word)
    assert (
        search_incidents(Incident.objects.public(), action.reference)
        .filter(actions=action)
        .exists()
    )


@pytest.mark.django_db
def test_hidden_generated_actions_stay_out_of_the_api():
    call_command("generate_demo", incidents=2000, seed=2, verbosity=0)
    client = APIClient()
    hidden = AccountabilityAction.objects.exclude(pk__in=AccountabilityAction.objects.public())
    assert hidden.exists()
    listed, url = set(), "/api/v1/actions/?page_size=100"
    while url:
        body = client.get(url).json()
        listed |= {row["id"] for row in body["results"]}
        url = body["next"]
    assert listed == set(AccountabilityAction.objects.public().values_list("pk", flat=True))
    for action in hidden:
        assert client.get(f"/api/v1/actions/{action.pk}/").status_code == 404
        assert not Incident.objects.filter(search_names__contains=action.reference).exists()
    for incident in Incident.objects.public().filter(actions__in=hidden).distinct()[:10]:
        shown = {a["id"] for a in client.get(f"/api/v1/incidents/{incident.pk}/").json()["actions"]}
        assert not shown & set(hidden.values_list("pk", flat=True))


def test_most_incidents_are_public_and_some_are_not(generated):
    public = generated.public().count()
    assert 0.8 * COUNT < public < COUNT


def test_generated_incidents_are_found_by_search(generated):
    title = generated.public().first().title
    word = max(re.findall(r"[A-Za-z]+", title), key=len)
    assert generated.filter(search_vector=SearchQuery(word, config="english")).exists()
    assert search_incidents(Incident.objects.public(), word).exists()


def test_search_names_are_what_refresh_search_names_would_write(generated):
    written = dict(generated.values_list("pk", "search_names"))
    services.refresh_search_names(incidents=Incident.objects.all())
    assert dict(generated.values_list("pk", "search_names")) == written


def test_a_reused_draft_instruments_labels_stay_out_of_search_names(db):
    draft = InstrumentFactory(slug="ap-ii", short_title="Draft AP II")
    call_command("generate_demo", incidents=60, seed=1, verbosity=0)
    assert LegalQualification.objects.filter(provision__instrument=draft).exists()
    assert not Incident.objects.filter(search_names__contains="Draft AP II").exists()
    written = dict(Incident.objects.values_list("pk", "search_names"))
    services.refresh_search_names(incidents=Incident.objects.all())
    assert dict(Incident.objects.values_list("pk", "search_names")) == written


def test_same_seed_gives_the_same_data_and_a_second_run_appends(db):
    call_command("generate_demo", incidents=15, seed=3, verbosity=0)
    call_command("generate_demo", incidents=15, seed=3, verbosity=0)
    call_command("generate_demo", incidents=15, seed=4, verbosity=0)
    titles = list(Incident.objects.order_by("pk").values_list("title", flat=True))
    assert len(titles) == 45
    assert titles[:15] == titles[15:30]
    assert titles[:15] != titles[30:]


@pytest.mark.parametrize("count", [0, -5])
def test_a_count_below_one_is_refused_naming_the_option(db, count):
    with pytest.raises(CommandError, match="--incidents"):
        call_command("generate_demo", incidents=count, verbosity=0)
    assert not Incident.objects.exists()
