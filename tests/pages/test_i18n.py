"""The interface in five languages: addresses, the first visit, the switcher and hreflang,
dates and numbers in the reader's language, and the API and admin answering in the language
asked for (docs/i18n.md). Translations come from the compiled catalogs (make messages)."""

import datetime
import json
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.edtf import edtf_in_words
from cases.templatetags.cases_tags import num
from tests.factories import IncidentFactory
from tests.pages.conftest import SECRET


def _path(record) -> str:
    with translation.override("en"):
        return record.get_absolute_url()


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


def test_a_request_without_accept_language_is_english_at_the_old_address(client, world):
    response = client.get("/search/")
    html = _html(response)
    assert _html_tag(html) == '<html lang="en" dir="ltr">'
    assert "<h1>Search incidents</h1>" in html
    # Nothing to remember: English is what an unprefixed address means.
    assert "django_language" not in response.cookies


@pytest.mark.parametrize(
    ("language", "heading", "direction"),
    [
        ("uk", "Пошук інцидентів", "ltr"),
        ("fr", "Rechercher des incidents", "ltr"),
        ("es", "Buscar incidentes", "ltr"),
        ("ar", "البحث في الحوادث", "rtl"),
    ],
)
def test_each_language_has_its_prefix_lang_and_direction(
    client, world, language, heading, direction
):
    html = _html(client.get(f"/{language}/search/"))
    assert _html_tag(html) == f'<html lang="{language}" dir="{direction}">'
    assert f"<h1>{heading}</h1>" in html
    assert "<h1>Search incidents</h1>" not in html


def test_the_first_visit_follows_accept_language(client, world):
    response = client.get("/incidents/?page=1", HTTP_ACCEPT_LANGUAGE="uk-UA,uk;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/uk/incidents/?page=1"
    vary = response["Vary"]
    assert "Accept-Language" in vary
    assert "Cookie" in vary


def test_a_browser_preferring_an_unsupported_language_gets_english(client, world):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert _html_tag(_html(response)) == '<html lang="en" dir="ltr">'


def test_a_reader_who_chose_english_is_not_sent_back(client, world):
    # The Ukrainian page remembers its language; following the switcher's English link then
    # serves English (the cookie says a choice was made) and remembers that instead.
    first = client.get("/uk/", HTTP_ACCEPT_LANGUAGE="uk")
    assert first.cookies["django_language"].value == "uk"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="uk")
    assert _html_tag(_html(english)) == '<html lang="en" dir="ltr">'
    assert english.cookies["django_language"].value == "en"


def test_an_unknown_address_is_not_redirected_into_a_language(client, world):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404


def test_the_switcher_and_hreflang_link_the_same_page_in_every_language(client, world):
    url = _path(world.incident)
    html = _html(client.get(f"/fr{url}"))
    for code, prefix in [("en", ""), ("uk", "/uk"), ("fr", "/fr"), ("es", "/es"), ("ar", "/ar")]:
        assert (
            f'<link rel="alternate" hreflang="{code}" href="http://testserver{prefix}{url}">'
            in html
        )
        assert f'<a href="{prefix}{url}" lang="{code}" hreflang="{code}"' in html
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{url}">' in html
    switcher = html[
        html.index('<nav class="languages"') : html.index(
            "</nav>", html.index('<nav class="languages"')
        )
    ]
    assert 'lang="fr" hreflang="fr" dir="ltr" aria-current="true">Français</a>' in switcher
    assert 'dir="rtl">العربية</a>' in switcher


def test_the_switcher_keeps_the_search(client, world):
    html = _html(client.get("/uk/search/", {"q": "deportation", "country": "UA"}))
    assert '<a href="/es/search/?q=deportation&amp;country=UA" lang="es"' in html


def test_dates_and_reported_dates_are_in_the_readers_words(client, world):
    # The world's incident: 2022-02-24/2023-03-17.
    url = _path(world.incident)
    html = _html(client.get(f"/uk{url}"))
    assert "24 лютого 2022 – 17 березня 2023" in html
    html = _html(client.get(f"/es{url}"))
    assert "24 de febrero de 2022 – 17 de marzo de 2023" in html
    html = _html(client.get(f"/fr{url}"))
    assert "24 février 2022 – 17 mars 2023" in html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["from 24 February 2022 onwards", "about May 2022", "some month of 2022"]),
        ("uk", ["від 24 лютого 2022 і далі", "приблизно Травень 2022", "якийсь місяць 2022 року"]),
        ("fr", ["à partir du 24 février 2022", "vers mai 2022", "un mois de 2022"]),
        ("es", ["desde el 24 de febrero de 2022", "hacia mayo de 2022", "algún mes de 2022"]),
        ("ar", ["منذ 24 فبراير، 2022 فصاعدًا", "نحو مايو 2022", "شهر ما من عام 2022"]),
    ],
)
def test_edtf_in_words_speaks_the_active_language(language, words):
    with translation.override(language):
        assert [edtf_in_words(t) for t in ["2022-02-24/..", "2022-05~", "2022-XX"]] == words


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "1,234,567"),
        ("uk", "1\xa0234\xa0567"),
        ("fr", "1\xa0234\xa0567"),
        ("es", "1\xa0234\xa0567"),
    ],
)
def test_numbers_are_grouped_as_the_language_groups_them(language, shown):
    with translation.override(language):
        assert num(1234567) == shown


def test_a_count_takes_the_plural_form_of_its_language(client, world):
    html = _html(client.get("/uk/incidents/"))
    count = re.search(r'<h2 id="list-title">(.*?)</h2>', html).group(1)
    assert re.fullmatch(r"\d+ інцидент(|и|ів)", count), count


def test_a_search_message_names_the_field_in_the_readers_language(client, world):
    html = unescape(_html(client.get("/fr/search/", {"country": "XX"})))
    assert "Pays : « XX » n'est pas un pays de cette base de données." in html


def test_hidden_records_stay_hidden_in_every_language(client, world):
    hidden = [
        record
        for name, record in vars(world).items()
        if name.startswith("hidden_") and hasattr(record, "get_absolute_url")
    ]
    assert hidden
    for language in ["uk", "ar"]:
        for record in hidden:
            response = client.get(f"/{language}{_path(record)}")
            assert response.status_code in (404, 410), record
            assert SECRET.encode() not in response.content
        search = client.get(f"/{language}/search/", {"q": SECRET})
        results = search.context["results"]
        assert (results.total, results.incidents, results.timeline) == (0, [], [])
        assert search.context["actors"] == search.context["actions"] == []


@pytest.mark.parametrize("url", ["/", "/search/?q=deportation", "INCIDENT"])
def test_a_translated_page_costs_no_more_queries_than_the_english_one(client, world, url):
    if url == "INCIDENT":
        url = _path(world.incident)
    counts = {}
    for prefix in ["", "/uk", "/ar"]:
        client.get(f"{prefix}{url}")  # warm the per-process caches (content types, ...)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{prefix}{url}").status_code == 200
        counts[prefix] = len(queries)
    assert counts["/uk"] == counts[""] == counts["/ar"], counts


def test_robots_keep_crawlers_off_the_export_in_every_language(client, world):
    text = client.get("/robots.txt").content.decode()
    for prefix in ["", "/uk", "/fr", "/es", "/ar"]:
        assert f"Disallow: {prefix}/search/export.csv\n" in text


def test_the_api_and_admin_keep_their_addresses(client, world):
    assert client.get("/uk/api/v1/incidents/").status_code == 404
    assert client.get("/fr/admin/login/").status_code == 404
    response = client.get("/api/v1/incidents/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 200  # not redirected into a language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "Unknown parameter: contry. This endpoint accepts: "),
        ("fr", "Paramètre inconnu : contry. Ce point d'accès accepte : "),
        ("uk", "Невідомий параметр: contry. Ця кінцева точка приймає: "),
        ("es", "Parámetro desconocido: contry. Este punto de acceso acepta: "),
        ("ar", "معامل غير معروف: contry. تقبل نقطة الوصول هذه: "),
    ],
)
def test_api_errors_are_in_the_requested_language(client, world, language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get("/api/v1/incidents/", {"contry": "UA"}, **headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_parameter"  # codes stay English: programs read them
    assert error["message"].startswith(message), error["message"]


def test_an_api_field_error_is_in_the_requested_language(client, world):
    response = client.get("/api/v1/incidents/", {"page_size": "0"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["page_size"]
    assert re.fullmatch(r"Debe ser un número entero de 1 a \d+\.", message), message


def test_the_admin_follows_accept_language(client, world):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert 'lang="uk"' in html
    assert "Увійти" in html


def test_a_treaty_status_reason_is_in_the_readers_language(world):
    from cases.models.law import TreatyStatus

    events = list(world.ua.treaty_events.filter(instrument=world.rome))
    with translation.override("fr"):
        status = TreatyStatus.compute(
            state=world.ua, instrument=world.rome, on=datetime.date(2025, 6, 1), events=events
        )
        assert status.label == "Liée"
        assert "en vigueur depuis le 1 janvier 2025" in status.reason


def test_the_map_and_timeline_of_a_search_are_in_the_readers_language(client, world):
    html = unescape(_html(client.get("/fr/search/")))
    assert 'aria-label="Carte des lieux ci-dessous"' in html
    assert "<summary>Les chiffres sous forme de tableau</summary>" in html
    assert "Map of the places below" not in html


def test_a_year_that_is_not_one_is_refused_in_the_readers_language(client, world):
    # The field's message is made once, at import: it must still follow each request.
    html = unescape(_html(client.get("/es/search/", {"year": "soon"})))
    assert "Introduzca un número entero (un año), o «unknown»" in html
    english = unescape(_html(client.get("/search/", {"year": "soon"})))
    assert "Enter a whole number (a year), or “unknown”" in english


def test_the_admin_home_and_the_audit_trail_follow_the_staff_members_language(admin_client):
    home = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "<caption>Журнал аудиту</caption>" in home
    assert "<caption>Факти</caption>" in home
    unusual = admin_client.get("/admin/audit/auditevent/unusual-reads/", HTTP_ACCEPT_LANGUAGE="fr")
    html = unescape(unusual.content.decode())
    assert "Identités consultées au cours des dernières 24 heures" in html
    assert "Échecs de connexion au cours des dernières 24 heures" in html
    trail = admin_client.get("/admin/audit/auditevent/", HTTP_ACCEPT_LANGUAGE="es")
    assert "Inicio de sesión fallido" in unescape(trail.content.decode())  # an action's label


def _script_catalog(client, path: str, **headers) -> tuple[dict, dict, str]:
    """The words and formats a page's scripts read: Django's JavaScript catalog, which
    writes both as JSON into a script (the catalog is absent when it is empty)."""
    response = client.get(path, **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    words = re.search(r"const newcatalog = (\{.*?\});\n", body, re.S)
    formats = re.search(r"django\.formats = (\{.*?\});\n", body, re.S)
    return (json.loads(words.group(1)) if words else {}), json.loads(formats.group(1)), body


def test_the_maps_script_speaks_the_readers_language(client, world, django_assert_num_queries):
    html = unescape(_html(client.get("/uk/search/")))
    # The catalog of the page's language, read before the map's script (both deferred).
    assert html.index('<script src="/uk/jsi18n/" defer></script>') < html.index("js/map.js")
    assert "<summary>Дані у вигляді таблиці</summary>" in html  # the timeline's figures
    assert "точно або поблизу (у межах кількох км)" in html  # the map's legend
    with django_assert_num_queries(0):
        words, formats, body = _script_catalog(client, "/uk/jsi18n/")
    assert words["All incidents in this region or country"] == (
        "Усі інциденти в цьому регіоні чи країні"
    )
    # Four forms and the Ukrainian rule that picks one: 1, 2-4, 5-20, fractions.
    assert words["%(count)s incident"] == [
        "%(count)s інцидент",
        "%(count)s інциденти",
        "%(count)s інцидентів",
        "%(count)s інциденту",
    ]
    assert "n % 10 >= 2 && n % 10 <= 4" in body
    assert (formats["THOUSAND_SEPARATOR"], formats["NUMBER_GROUPING"]) == ("\xa0", 3)
    # Asked for again on each page, and sent again only after a release (a restart).
    response = client.get("/uk/jsi18n/")
    assert response["Cache-Control"] == "no-cache"
    again = client.get("/uk/jsi18n/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert (again.status_code, again.content) == (304, b"")
    # English: no catalog, the scripts' own words; a count grouped by commas.
    words, formats, _ = _script_catalog(client, "/jsi18n/")
    assert "All incidents in this region or country" not in words
    assert (formats["THOUSAND_SEPARATOR"], formats["NUMBER_GROUPING"]) == (",", 3)
    # Arabic groups no digits, as its pages do (num: 1234).
    words, formats, _ = _script_catalog(client, "/ar/jsi18n/")
    assert len(words["%(count)s place"]) == 6
    assert formats["NUMBER_GROUPING"] == 0


def test_the_actor_pickers_script_speaks_the_staff_members_language(admin_client):
    # The admin's own catalog (every change form loads it) holds the project's words too.
    words, _, _ = _script_catalog(admin_client, "/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="fr")
    assert words["Create “%(name)s” as %(kind)s"] == "Créer « %(name)s » comme %(kind)s"
    assert words["The actor could not be created: try again."] == (
        "L'acteur n'a pas pu être créé : réessayez."
    )


def test_staff_messages_are_in_the_staff_members_language(admin_client, world):
    # A page title built in the admin, and the publication service's refusals.
    url = reverse("admin:cases_incident_withdraw", args=[world.incident.pk])
    html = unescape(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    assert f"<h1>Retirer « {world.incident} »</h1>" in html
    draft = IncidentFactory()
    with translation.override("uk"):
        problems = services.quality_problems(draft)
    assert problems == [
        "Зазначте щонайменше одне джерело для інциденту.",
        "Зазначте правову кваліфікацію (положення) або категорію порушення.",
    ]


def test_the_maps_links_are_in_the_language_of_its_page(client, world):
    # Each pop-up links its incidents in the page's language, whichever map was asked first.
    def links(path: str) -> set[str]:
        places = client.get(path).json()["places"]
        return {re.sub(r"\d+", "N", i["url"]) for p in places for i in p["incidents"]}

    assert links("/fr/search/map.json") == {"/fr/incidents/N/"}
    assert links("/search/map.json") == {"/incidents/N/"}
    assert links("/uk/search/map.json") == {"/uk/incidents/N/"}
