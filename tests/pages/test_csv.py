"""The search page's CSV and the API's incident CSV: one file, column for column, that
Excel opens in UTF-8, and nothing in it that is not public."""

import csv
import decimal
import io

import pytest

from cases import models as m
from tests import factories as f
from tests.api.conftest import body, generous_rate_limits  # noqa: F401 (a fixture)

from .conftest import SECRET

pytestmark = pytest.mark.usefixtures("generous_rate_limits")

COLUMNS = [
    "id",
    "url",
    "html_url",
    "title",
    "summary",
    "date",
    "date_earliest",
    "date_latest",
    "country",
    "country_name",
    "subdivision",
    "place_name",
    "latitude",
    "longitude",
    "coordinate_precision",
    "controlling_power",
    "conflict_type",
    "verification_status",
    "categories",
    "actors",
    "provisions",
    "sources",
    "parent",
    "updated_at",
    "original_language",
    *("title_en", "title_uk", "title_fr", "title_es", "title_ar"),
    *("summary_en", "summary_uk", "summary_fr", "summary_es", "summary_ar"),
    *("translated_by_en", "translated_by_uk", "translated_by_fr"),
    *("translated_by_es", "translated_by_ar"),
]


def web_csv(client, **params) -> bytes:
    response = client.get("/search/export.csv", {"sort": "oldest", **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return body(response)


def api_csv(client, **params) -> bytes:
    response = client.get("/api/v1/incidents/export/csv/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return body(response)


def rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def located(world):
    """The deportation with coordinates and a summary in Ukrainian."""
    m.Incident.objects.filter(pk=world.incident.pk).update(
        latitude=decimal.Decimal("47.09514"),
        longitude=decimal.Decimal("37.54131"),
        coordinate_precision=m.CoordinatePrecision.SETTLEMENT,
        summary="Депортація дітей з Маріуполя.",
    )
    return world


def test_both_files_have_the_same_columns_and_rows(client, located):
    web, api = web_csv(client), api_csv(client)

    assert web.startswith("\ufeff".encode())  # the byte-order mark: Excel reads UTF-8
    assert api.startswith("\ufeff".encode())
    assert web.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    assert api.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    # The page's "oldest" and the API's id order agree here: the deportation came first.
    assert web == api


def test_a_row_has_actors_with_roles_provisions_categories_sources_and_place(client, located):
    [row, _] = rows(web_csv(client))
    incident = located.incident

    assert row["id"] == str(incident.pk)
    assert row["url"] == f"http://testserver/api/v1/incidents/{incident.pk}/"
    assert row["html_url"] == f"http://testserver{incident.get_absolute_url()}"
    assert row["summary"] == "Депортація дітей з Маріуполя."
    assert (row["latitude"], row["longitude"]) == ("47.09514", "37.54131")
    assert row["coordinate_precision"] == "settlement"
    assert (row["country"], row["country_name"], row["controlling_power"]) == (
        "UA",
        "Ukraine",
        "RU",
    )
    assert row["verification_status"] == "adjudicated"
    assert row["categories"] == "deportation"
    assert row["actors"] == (
        "Russian Federation (controlling_authority)|Maria Lvova-Belova (direct_perpetrator)"
    )
    assert row["provisions"] == "GC IV art. 49|Rome Statute art. 8(2)(b)(viii)"
    assert row["sources"] == f"ICC press release of 17 March 2023 ({located.press.url})"
    assert row["parent"] == ""


def test_nothing_hidden_reaches_either_file(client, world):
    """The deportation has hidden actors (involved, and asserting a qualification), hidden
    sources citing it, qualifications under hidden instruments' provisions, and hidden
    incidents beside it, in every non-public state."""
    for data in (web_csv(client), api_csv(client), web_csv(client, q="children")):
        assert SECRET not in data.decode("utf-8-sig")
    [row] = rows(web_csv(client, q="Mariupol"))
    assert "Maria Lvova-Belova" in row["actors"]
    assert row["actors"].count("(") == 2


def test_a_hidden_parent_is_not_named(client, world):
    m.Incident.objects.filter(pk=world.incident.pk).update(parent=world.hidden_draft_incident)
    m.Incident.objects.filter(pk=world.other.pk).update(parent=world.incident)

    by_id = {row["id"]: row["parent"] for row in rows(api_csv(client))}

    assert by_id == {str(world.incident.pk): "", str(world.other.pk): str(world.incident.pk)}


def test_the_files_read_their_rows_in_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    """The incidents, then their involvements, qualifications (each with its citations),
    citations and categories: seven queries for a chunk of up to 1,000 incidents."""
    with django_assert_num_queries(7):
        web_csv(client)
    for n in range(5):
        incident = f.IncidentFactory(published=True, title=f"More {n}", date="2022-04-01")
        incident.categories.add(world.deportation)
        f.InvolvementFactory(incident=incident, actor=world.lvova)
        f.LegalQualificationFactory(incident=incident, provision=world.art8)
        f.CitationFactory(source=world.press, incident=incident)
    with django_assert_num_queries(7):
        assert len(rows(web_csv(client))) == 7


def test_a_row_has_the_original_and_every_translation_in_every_language(client, world):
    """`title` and `summary` are the original whatever the page's language, and each
    translation has its column with who translated it: the file is the same from /fr/."""
    m.Incident.objects.filter(pk=world.incident.pk).update(
        original_language="uk",
        title="Депортація дітей",
        title_en="Deportation of children",
        title_fr="Déportation d'enfants",
        summary_fr="Des enfants ont été déportés.",
        translated_by_fr="Marie Dupont",
    )
    [row, other] = rows(web_csv(client))
    assert (row["title"], row["original_language"]) == ("Депортація дітей", "uk")
    assert (row["title_en"], row["title_fr"], row["title_uk"]) == (
        "Deportation of children",
        "Déportation d'enfants",
        "",
    )
    assert row["summary_fr"] == "Des enfants ont été déportés."
    assert (row["translated_by_fr"], row["translated_by_en"]) == ("Marie Dupont", "")
    assert (other["original_language"], other["title_fr"]) == ("en", "")
    # The texts are the same from the French page; only html_url links the French page.
    response = client.get("/fr/search/export.csv", {"sort": "oldest"})
    french = rows(body(response))
    assert [r.pop("html_url") for r in french] == [
        f"http://testserver/fr/incidents/{world.incident.pk}/",
        f"http://testserver/fr/incidents/{world.other.pk}/",
    ]
    assert french == [{k: v for k, v in r.items() if k != "html_url"} for r in (row, other)]
