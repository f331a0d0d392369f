"""manage.py generate_demo: synthetic incidents that are valid, varied, searchable, repeatable."""

import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command

from cases import services
from cases.edtf import edtf_bounds
from cases.models import ActorName, Citation, Incident, Involvement, LegalQualification, State
from cases.search import search_incidents
from tests.factories import InstrumentFactory

COUNT = 200


@pytest.fixture
def generated(db):
    call_command("generate_demo", incidents=COUNT, seed=7, verbosity=0)
    return Incident.objects.order_by("pk")


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
        targets = [citation.incident_id, citation.involvement_id, citation.legal_qualification_id]
        assert sum(target is not None for target in targets) == 1
    assert citations.filter(involvement__isnull=False).exists()


def test_most_incidents_are_public_and_some_are_not(generated):
    public = generated.public().count()
    assert 0.8 * COUNT < public < COUNT


def test_generated_incidents_are_found_by_search(generated):
    title = generated.public().first().title
    word = max(re.findall(r"[a-z]+", title), key=len)
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
