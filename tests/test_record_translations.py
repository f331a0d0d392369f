"""Records in several languages (issue 16, items 2-5; docs/i18n.md "Records in several
languages"): the reader's language where it exists, else the original with a note; a
translation of a live record waits in a change set like any edit."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases import models as m
from cases.models.changesets import ChangeSet
from tests.changesets.admin_steps import form_of, save, workflow
from tests.factories import AccountabilityActionFactory, ActorFactory, IncidentFactory
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


def test_the_snippet_is_cut_from_the_summary_the_reader_sees(django_assert_num_queries):
    IncidentFactory(
        published=True,
        title="Shelling of a school",
        summary="A school for children was shelled in the morning.",
        title_fr="Bombardement d'une école",
        summary_fr="Une école pour enfants a été bombardée le matin.",
    )
    client = Client()
    client.get("/search/", {"q": "enfants"})  # the first request's own queries, once
    with CaptureQueriesContext(connection) as queries:
        english = client.get("/search/", {"q": "enfants"}).content.decode()
    with django_assert_num_queries(len(queries)):  # the snippet costs no query
        french = client.get("/fr/search/", {"q": "enfants"}).content.decode()
    # (a fragment around the match: ts_headline leaves out the short first word)
    assert '<p class="snippet">école pour <mark>enfants</mark> a été bombardée le matin</p>' in (
        french
    )
    # the English reader sees the original, its snippet cut from it
    assert '<p class="snippet">A school for children was shelled in the morning.</p>' in english
    # a reader whose language has no translation: the original, marked with its language
    ukrainian = page("/uk/search/?q=children")
    assert (
        '<p class="snippet" lang="en" dir="ltr">school for <mark>children</mark> was shelled'
    ) in ukrainian


def test_a_french_original_is_cut_with_french_stemming():
    IncidentFactory(
        published=True,
        original_language="fr",
        title="Bombardement d'une école",
        summary="Les enfants de l'école ont été évacués.",
        summary_en="The school's children were evacuated.",
    )
    assert "<mark>enfants</mark> de l&#x27;école ont été évacués" in page("/fr/search/?q=enfant")
    assert "school&#x27;s <mark>children</mark> were" in page("/search/?q=child")


def found_action(address: str, action) -> bool:
    content = page(address).replace("/fr/", "/").replace("/uk/", "/")
    with translation.override("en"):  # a French request leaves French active
        path = action.get_absolute_url()
    return f'href="{path}"' in content.split("<main")[1]


def test_an_actions_translations_are_searched_each_with_its_own_stemming():
    issuer = ActorFactory(published=True, name="Pre-Trial Chamber II")
    action = AccountabilityActionFactory(
        published=True,
        issuing_body=issuer,
        title="Arrest warrant for a commander",
        summary="For the deportation of children.",
        title_fr="Mandat d'arrêt contre un commandant",
        summary_fr="Pour la déportation d'enfants.",
        title_uk="Ордер на арешт командира",
    )
    other = AccountabilityActionFactory(
        published=True, issuing_body=issuer, title="Sanctions on a bank"
    )
    assert found_action("/search/?q=commandants", action)  # French plural, French stem
    assert found_action("/fr/search/?q=mandats", action)
    assert found_action("/search/?q=командира", action)  # Ukrainian: the word as written
    assert found_action("/search/?q=enfants", action)  # the French summary
    assert found_action("/search/?q=commanders", action)  # English as before
    assert not found_action("/search/?q=commandants", other)
    # a hidden action's translation never matches
    for hidden in [{}, {"published": True, "confidential": True}, {"withdrawn": True}]:
        draft = AccountabilityActionFactory(
            issuing_body=issuer, title="Hidden", title_fr="Mandats cachés", **hidden
        )
        assert not found_action("/fr/search/?q=cachés", draft)


def test_a_translated_child_incident_costs_no_query_more(django_assert_num_queries):
    parent = IncidentFactory(published=True, title="Campaign of strikes")
    IncidentFactory(
        published=True, parent=parent, title="Strike", title_fr="Frappe", translated_by_fr="M"
    )
    address = parent.get_absolute_url()
    client = Client()
    client.get(address)
    with CaptureQueriesContext(connection) as english:
        client.get(address)
    with django_assert_num_queries(len(english)):
        french = client.get(f"/fr{address}").content.decode()
    assert ">Frappe</a>" in french
