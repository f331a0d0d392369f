"""The records' texts in the language asked for (issue 16 item 4; docs/api.md,
"Languages"): `?lang=` or Accept-Language gives each text in that language where it is
translated, else the original, and `languages` says which; `?translations=all` gives every
translation and its translator; nothing unpublished comes through."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import models as m
from cases.models.changesets import ChangeSet
from tests.changesets.admin_steps import form_of, save, workflow
from tests.workflow.conftest import member_of

from .builders import public_incident, record_keys
from .test_bad_input import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """A public incident (English original) with a French title, not a French summary, and
    its action, instrument, provision and category, each with a French text."""
    incident = public_incident(title="Deportation of children", summary="Children were taken.")
    keys = record_keys(incident)
    m.Incident.objects.filter(pk=incident.pk).update(
        title_fr="Déportation d'enfants",
        title_uk="Депортація дітей",
        translated_by_fr="Marie Dupont",
        translated_by_uk="Олена Коваль",
    )
    m.AccountabilityAction.objects.filter(pk=keys["actions"]).update(title_fr="Mandat d'arrêt")
    m.Instrument.objects.filter(slug=keys["instruments"]).update(title_fr="Statut de Rome")
    m.Provision.objects.filter(pk=keys["provisions"]).update(heading_fr="Crimes de guerre")
    m.ViolationCategory.objects.filter(slug=keys["categories"]).update(name_fr="Déportation")
    return keys


def incident_in(api, keys, headers=None, **params) -> tuple[dict, dict]:
    """The incident's detail and its row in the list, asked with `params` and `headers`."""
    detail = api.get(f"/api/v1/incidents/{keys['incidents']}/", params, headers=headers)
    listed = api.get("/api/v1/incidents/", params, headers=headers)
    [row] = listed.json()["results"]
    return detail.json(), row


def test_french_asked_gives_the_french_title_and_the_original_summary_with_its_language(api, world):
    for record in incident_in(api, world, lang="fr"):
        assert record["title"] == "Déportation d'enfants"
        assert record["summary"] == "Children were taken."
        assert record["languages"]["title"] == "fr"
        assert record["languages"]["summary"] == "en"
        assert "translations" not in record


def test_without_a_language_the_originals_are_given_as_before(api, world):
    for record in incident_in(api, world):
        assert record["title"] == "Deportation of children"
        assert record["languages"] == dict.fromkeys(
            record["languages"], "en"
        )  # title, summary (+ description on the detail)
        assert set(record["languages"]) >= {"title", "summary"}


def test_accept_language_ukrainian_gives_the_ukrainian_title(api, world):
    detail, row = incident_in(api, world, headers={"Accept-Language": "uk"})
    assert detail["title"] == row["title"] == "Депортація дітей"
    assert detail["languages"]["title"] == "uk"
    # ?lang= wins over Accept-Language.
    detail, _row = incident_in(api, world, {"Accept-Language": "uk"}, lang="fr")
    assert detail["title"] == "Déportation d'enfants"


def test_an_original_in_another_language_is_given_with_its_language(api, world):
    m.Incident.objects.filter(pk=world["incidents"]).update(
        original_language="uk", title="Депортація дітей", title_uk="", title_fr=""
    )
    detail, row = incident_in(api, world, lang="fr")
    for record in (detail, row):
        assert record["title"] == "Депортація дітей"
        assert record["languages"]["title"] == "uk"


@pytest.mark.parametrize(
    ("resource", "field", "french"),
    [
        ("actions", "title", "Mandat d'arrêt"),
        ("instruments", "title", "Statut de Rome"),
        ("provisions", "heading", "Crimes de guerre"),
        ("categories", "name", "Déportation"),
    ],
)
def test_every_translated_resource_answers_in_french_in_list_and_detail(
    api, world, resource, field, french
):
    key = world[resource]
    detail = api.get(f"/api/v1/{resource}/{key}/", {"lang": "fr"}).json()
    listed = api.get(f"/api/v1/{resource}/", {"lang": "fr", "page_size": 200}).json()["results"]
    [row] = [row for row in listed if row["url"] == detail["url"]]
    for record in (detail, row):
        assert record[field] == french
        assert record["languages"][field] == "fr"


def test_nested_records_are_in_the_language_asked_for_too(api, world):
    action = api.get(f"/api/v1/actions/{world['actions']}/", {"lang": "fr"}).json()
    [incident] = action["incidents"]
    assert incident["title"] == "Déportation d'enfants"
    assert incident["languages"] == {"title": "fr"}
    provision = api.get(f"/api/v1/provisions/{world['provisions']}/", {"lang": "fr"}).json()
    assert provision["instrument"]["title"] == "Statut de Rome"


def test_translations_all_lists_every_translation_and_its_translator(api, world):
    for record in incident_in(api, world, translations="all"):
        assert record["title"] == "Deportation of children"  # still the original
        translations = record["translations"]
        assert translations["fr"]["title"] == "Déportation d'enfants"
        assert translations["fr"]["translated_by"] == "Marie Dupont"
        assert translations["uk"] == {"title": "Депортація дітей", "translated_by": "Олена Коваль"}
        assert set(translations) == {"fr", "uk"}
    # Only the answer's own record: a nested one says its languages, no more.
    action = api.get(f"/api/v1/actions/{world['actions']}/", {"translations": "all"}).json()
    assert action["translations"] == {"fr": {"title": "Mandat d'arrêt", "translated_by": ""}}
    assert "translations" not in action["incidents"][0]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"lang": "de"}, "lang"), ({"lang": ""}, "lang"), ({"translations": "some"}, "translations")],
)
def test_an_unknown_language_or_translations_value_is_a_400_naming_it(api, world, params, field):
    for path in ("/api/v1/incidents/", f"/api/v1/incidents/{world['incidents']}/"):
        error = assert_error(api.get(path, params), 400)
        assert set(error["fields"]) == {field}
        if field == "lang":
            assert "en, uk, fr, es, ar" in error["fields"]["lang"][0]


def test_resources_without_translated_texts_refuse_lang(api, world):
    error = assert_error(api.get("/api/v1/sources/", {"lang": "fr"}), 400)
    assert "lang" in error["fields"]


@pytest.mark.parametrize(
    "resource", ["incidents", "actions", "instruments", "provisions", "categories"]
)
def test_languages_and_all_translations_cost_no_query(
    api, world, django_assert_num_queries, resource
):
    for path in (f"/api/v1/{resource}/", f"/api/v1/{resource}/{world[resource]}/"):
        with CaptureQueriesContext(connection) as default:
            assert api.get(path).status_code == 200
        with django_assert_num_queries(len(default)):
            answer = api.get(path, {"lang": "fr", "translations": "all"})
        assert answer.status_code == 200


def test_the_etag_differs_per_language_and_the_answer_varies_on_accept_language(api, world):
    path = f"/api/v1/incidents/{world['incidents']}/"
    english, ukrainian = api.get(path), api.get(path, HTTP_ACCEPT_LANGUAGE="uk")
    assert english["ETag"] != ukrainian["ETag"]
    assert "Accept-Language" in ukrainian["Vary"]
    # The English ETag does not validate the Ukrainian answer.
    again = api.get(path, HTTP_ACCEPT_LANGUAGE="uk", HTTP_IF_NONE_MATCH=english["ETag"])
    assert again.status_code == 200
    assert again.json()["title"] == "Депортація дітей"


def test_the_schema_documents_lang_and_translations(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/incidents/", "/api/v1/categories/{slug}/"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert sorted(parameters["lang"]["schema"]["enum"]) == ["ar", "en", "es", "fr", "uk"]
        assert parameters["translations"]["schema"]["enum"] == ["all"]
    assert "lang" not in {
        p["name"] for p in schema["paths"]["/api/v1/sources/"]["get"]["parameters"]
    }
    incident = schema["components"]["schemas"]["IncidentDetail"]["properties"]
    assert {"languages", "translations"} <= set(incident)


def test_a_translation_waiting_in_a_change_set_never_reaches_the_api(demo, api, client):
    researcher = member_of("researcher", username="researcher")
    incident = m.Incident.objects.public().get(title__startswith="Campaign of strikes")
    client.force_login(researcher)
    data = form_of(client, m.Incident, incident.pk)
    waiting = "Campagne de frappes en attente de relecture"
    save(client, m.Incident, incident.pk, {**data, "title_fr": waiting, "translated_by_fr": "R"})
    workflow(client, ChangeSet.objects.get(created_by=researcher), "submit")

    detail = f"/api/v1/incidents/{incident.pk}/"
    answers = [
        api.get(detail, {"lang": "fr"}),
        api.get(detail, {"translations": "all"}),
        api.get("/api/v1/incidents/", {"lang": "fr", "translations": "all", "page_size": 200}),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert waiting not in answer.content.decode()
    assert api.get("/api/v1/incidents/", {"q": "attente", "lang": "fr"}).json()["results"] == []
