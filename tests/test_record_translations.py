"""Records in several languages (issue 16, items 2-5; docs/i18n.md "Records in several
languages"): the reader's language where it exists, else the original with a note; a
translation of a live record waits in a change set like any edit."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cases import models as m
from cases.models.changesets import ChangeSet
from tests.changesets.admin_steps import form_of, save, workflow
from tests.factories import IncidentFactory
from tests.workflow.conftest import member_of

pytestmark = pytest.mark.django_db


def page(address: str) -> str:
    response = Client().get(address)
    assert response.status_code == 200, (address, response.status_code)
    return response.content.decode()


def test_the_reader_gets_their_language_else_the_original_with_a_note():
    incident = IncidentFactory(
        published=True,
        title="Deportation of children from Kherson",
        title_fr="Déportation d'enfants de Kherson",
        summary_fr="Des civils ont été transférés de force hors d'une ville occupée.",
        translated_by_fr="Marie Dupont",
    )
    french = page(f"/fr/incidents/{incident.pk}/")
    assert "<h1>Déportation d&#x27;enfants de Kherson</h1>" in french
    assert "Traduction de l’original (anglais) par Marie Dupont." in french

    ukrainian = page(f"/uk/incidents/{incident.pk}/")
    assert '<h1 lang="en" dir="ltr">Deportation of children from Kherson</h1>' in ukrainian
    assert "Мова оригіналу: англійська; перекладу (українська) ще немає." in ukrainian

    english = page(f"/incidents/{incident.pk}/")  # the original: no mark, no note
    assert "<h1>Deportation of children from Kherson</h1>" in english
    assert "translation-note" not in english


def test_an_original_in_ukrainian_is_marked_on_an_english_page():
    incident = IncidentFactory(
        published=True, original_language="uk", title="Депортація дітей з Херсона"
    )
    english = page(f"/incidents/{incident.pk}/")
    assert '<h1 lang="uk" dir="ltr">Депортація дітей з Херсона</h1>' in english
    assert "Original language: Ukrainian; not yet translated into English." in english
    arabic = page(f"/ar/search/?q={incident.title}")  # lists mark the text too
    assert '<span lang="uk" dir="ltr">Депортація дітей з Херсона</span>' in arabic


def test_a_translation_in_the_originals_language_or_a_translator_without_text_is_refused():
    incident = IncidentFactory.build(title="Strikes", title_en="Strikes", translated_by_fr="X")
    with pytest.raises(ValidationError) as refused:
        incident.clean()
    assert set(refused.value.message_dict) == {"title_en", "translated_by_fr"}


def test_a_translation_of_a_live_record_waits_for_review(demo, client):
    researcher = member_of("researcher", username="researcher")
    reviewer = member_of("reviewer", username="reviewer")
    incident = m.Incident.objects.public().get(title__startswith="Campaign of strikes")
    address = f"/fr/incidents/{incident.pk}/"
    before = page(address)

    client.force_login(researcher)
    data = form_of(client, m.Incident, incident.pk)
    french = "Campagne de frappes contre les infrastructures énergétiques"
    save(client, m.Incident, incident.pk, {**data, "title_fr": french, "translated_by_fr": "R"})
    change_set = ChangeSet.objects.get(created_by=researcher)
    workflow(client, change_set, "submit")
    assert page(address) == before  # nothing public until the approval
    assert not found("/fr/search/?q=énergétiques", incident)

    client.force_login(reviewer)
    diff = client.get(change_set.get_absolute_url()).content.decode()
    assert "Title (French)" in diff
    assert french in diff
    workflow(client, change_set, "approve")
    assert f"<h1>{french}</h1>" in page(address)
    assert incident.history.latest().title_fr == french


def found(address: str, incident) -> bool:
    content = page(address).replace("/fr/", "/")
    return f'href="{incident.get_absolute_url()}"' in content.split("<main")[1]


def test_each_language_is_searched_with_its_own_stemming():
    incident = IncidentFactory(
        published=True,
        title="Shelling of a children's hospital",
        title_fr="Bombardement de l'hôpital pour enfant",
        title_uk="Обстріл дитячої лікарні",
        title_ar="قصف مستشفى الأطفال",
    )
    other = IncidentFactory(published=True, title="Detention of a journalist")
    assert found("/search/?q=enfants", incident)  # French plural, French stem
    assert found("/search/?q=лікарні", incident)  # Ukrainian: the word as written
    assert found("/search/?q=أطفال", incident)  # Arabic, without the article
    assert found("/search/?q=hospitals", incident)  # English as before
    assert not found("/search/?q=enfants", other)
    hidden = IncidentFactory(title="Hidden", title_fr="Enfants cachés")  # a draft
    assert not found("/fr/search/?q=enfants", hidden)
