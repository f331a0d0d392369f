"""Lists, details, filters, search, pagination and errors of the partner API."""

import datetime

import pytest

from cases import models as m
from tests import factories as f

from .builders import public_incident

pytestmark = pytest.mark.django_db


def ids(response) -> list:
    return [row["id"] for row in response.json()["results"]]


def test_incident_detail_embeds_what_a_partner_needs(api):
    incident = public_incident(title="Deportation of children")

    data = api.get(f"/api/v1/incidents/{incident.pk}/").json()

    assert data["title"] == "Deportation of children"
    assert data["country"] == {
        "code": "UA",
        "url": "http://testserver/api/v1/states/UA/",
        "html_url": "http://testserver/states/UA/",
        "name": "Ukraine",
    }
    [involvement] = data["involvements"]
    assert involvement["actor"]["name"] == "Official of Deportation of children"
    assert involvement["role"] == "direct_perpetrator"
    assert involvement["citations"][0]["pinpoint"] == "p. 3"
    [qualification] = data["legal_qualifications"]
    assert qualification["provision"]["label"].startswith("art. ")
    assert qualification["provision"]["instrument"]["slug"].startswith("instrument-")
    assert qualification["citations"][0]["pinpoint"] == "para. 40"
    [citation] = data["citations"]
    assert citation["pinpoint"] == "para. 12"
    assert citation["source"]["url"].startswith("https://example.org/press/")
    assert citation["source"]["title"].startswith("Press release")
    assert [a["title"] for a in data["actions"]] == [incident.actions.get().title]
    assert {law["state"]["code"] for law in data["law"]} == {"UA", "RU"}


def test_every_resource_has_a_list_and_a_detail(api):
    incident = public_incident()
    action = incident.actions.get()
    provision = m.Provision.objects.get()
    category = incident.categories.get()
    source = m.Source.objects.get()
    actor = m.Actor.objects.filter(involvements__incident=incident).get()
    details = {
        "incidents": incident.pk,
        "actions": action.pk,
        "actors": actor.pk,
        "sources": source.pk,
        "instruments": provision.instrument.slug,
        "provisions": provision.pk,
        "categories": category.slug,
        "states": "UA",
    }
    for resource, key in details.items():
        listing = api.get(f"/api/v1/{resource}/")
        assert listing.status_code == 200, resource
        assert listing.json()["results"], resource
        detail = api.get(f"/api/v1/{resource}/{key}/")
        assert detail.status_code == 200, resource


def test_filters_narrow_the_incident_list(api):
    kyiv = public_incident(title="Shelling of a school", subdivision="UA-30", date="2022-03-05")
    other = public_incident(title="Filtration camp", date="2023-06~")
    f.IncidentFactory(title="Draft incident")  # never listed

    def listed(**params):
        response = api.get("/api/v1/incidents/", params)
        assert response.status_code == 200, response.json()
        return ids(response)

    assert listed() == [kyiv.pk, other.pk]
    assert listed(subdivision="UA-30") == [kyiv.pk]
    assert listed(country="UA") == [kyiv.pk, other.pk]
    assert listed(date_from="2023-01-01") == [other.pk]
    assert listed(date_to="2022-12-31") == [kyiv.pk]
    assert listed(date_from="2022-03-01", date_to="2022-03-31") == [kyiv.pk]
    assert listed(category=kyiv.categories.get().slug) == [kyiv.pk]
    provision = kyiv.legal_qualifications.get().provision
    assert listed(provision=provision.pk) == [kyiv.pk]
    assert listed(instrument=provision.instrument.slug) == [kyiv.pk]
    assert listed(actor=kyiv.involvements.get().actor_id) == [kyiv.pk]
    assert listed(action_kind="arrest_warrant") == [kyiv.pk, other.pk]
    assert listed(action_kind="verdict") == []
    assert listed(action_kind="arrest_warrant", action_status="lifted") == []
    assert listed(verification_status="alleged") == [kyiv.pk, other.pk]
    assert listed(verification_status="verified") == []
    assert listed(q="school") == [kyiv.pk]
    assert listed(ordering="-id") == [other.pk, kyiv.pk]


def test_category_filter_includes_narrower_categories(api):
    broad = f.ViolationCategoryFactory(slug="crimes-against-civilians")
    narrow = f.ViolationCategoryFactory(slug="deportation", parent=broad)
    incident = f.IncidentFactory(published=True)
    incident.categories.add(narrow)

    response = api.get("/api/v1/incidents/", {"category": "crimes-against-civilians"})

    assert ids(response) == [incident.pk]


def test_search_uses_the_full_text_search_of_the_pages(api):
    children = public_incident(title="Deportation of children from Kherson")
    public_incident(title="Shelling of a hospital")

    assert ids(api.get("/api/v1/incidents/", {"q": "deported children"})) == [children.pk]
    assert ids(api.get("/api/v1/incidents/", {"q": '"children from" -hospital'})) == [children.pk]
    # Names of involved actors are searched too.
    assert ids(api.get("/api/v1/incidents/", {"q": "Official"})) != []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "not-a-date"}, "date_from"),
        ({"date_to": "2022-13-45"}, "date_to"),
        ({"category": "no-such-category"}, "category"),
        ({"instrument": "no-such-instrument"}, "instrument"),
        ({"country": "XX"}, "country"),
        ({"actor": "abc"}, "actor"),
        ({"provision": "99999999999999999999"}, "provision"),
        ({"verification_status": "rumoured"}, "verification_status"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"ordering": "title"}, "ordering"),
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "many"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api, params, field):
    response = api.get("/api/v1/incidents/", params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert field in error["fields"]
    assert field in error["message"]


DATE_PARAMETERS = [
    ("incidents", "date_from"),
    ("incidents", "date_to"),
    ("actions", "issued_from"),
    ("actions", "issued_to"),
    ("sources", "published_from"),
    ("sources", "published_to"),
]


@pytest.mark.parametrize(("resource", "param"), DATE_PARAMETERS)
def test_date_parameters_are_yyyy_mm_dd_only(api, resource, param):
    # The staff admin also reads "7 March 2025" (ihl/formats); the API's date parameters
    # stay ISO 8601, like every date DRF reads, and never read 07/03/2025 as 3 July.
    assert api.get(f"/api/v1/{resource}/", {param: "2025-03-07"}).status_code == 200
    for typed in ("07/03/2025", "7 March 2025", "Mar 7, 2025"):
        response = api.get(f"/api/v1/{resource}/", {param: typed})
        assert response.status_code == 400, typed
        assert param in response.json()["error"]["fields"]


def test_cursor_pagination_walks_every_record_once(api):
    created = [f.IncidentFactory(published=True).pk for _ in range(7)]

    seen, url = [], "/api/v1/incidents/?page_size=3"
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    assert seen == created


def test_search_results_page_by_relevance(api):
    for n in range(5):
        f.IncidentFactory(published=True, title=f"Deportation {'deportation ' * n}case {n}")

    seen, url = [], "/api/v1/incidents/?q=deportation&page_size=2"
    while url:
        page = api.get(url).json()
        seen += [row["title"] for row in page["results"]]
        url = page["next"]

    assert len(seen) == 5
    assert seen[0].endswith("case 4")


def test_unknown_ids_and_paths_give_the_json_error_body(api):
    urls = [
        "/api/v1/incidents/999999/",
        "/api/v1/incidents/abc/",
        "/api/v1/no-such-thing/",
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["status"] == 404
        assert response.json()["error"]["message"]


def test_states_law_gives_the_status_on_a_date(api):
    ukraine = f.StateFactory(code="UA", name="Ukraine")
    rome = f.InstrumentFactory(
        published=True,
        slug="rome-statute",
        short_title="Rome Statute",
        entry_into_force_on=datetime.date(2002, 7, 1),
        entry_into_force_rule=m.EntryIntoForceRule.FIRST_OF_MONTH_AFTER_DAYS,
        entry_into_force_delay=60,
    )
    f.TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=m.TreatyEventKind.JURISDICTION_DECLARATION,
        deposited_on=datetime.date(2015, 9, 8),
        jurisdiction_from=datetime.date(2014, 2, 20),
        text="Accepts jurisdiction from 20 February 2014.",
    )
    f.TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=m.TreatyEventKind.RATIFICATION,
        deposited_on=datetime.date(2024, 10, 25),
    )

    def status(on):
        data = api.get("/api/v1/states/UA/law/", {"on": on}).json()
        [entry] = [s for s in data["statuses"] if s["instrument"]["slug"] == "rome-statute"]
        return entry

    # The declaration of 2015 shows that Ukraine was not a party in 2013.
    before = status("2013-01-01")
    assert before["status"] == "not_bound"
    assert before["basis"]["kind"] == "jurisdiction_declaration"
    assert before["since"] is None
    in_2022 = status("2022-03-01")
    assert in_2022["status"] == "jurisdiction_accepted"
    assert in_2022["jurisdiction_declarations"][0]["jurisdiction_from"] == "2014-02-20"
    assert in_2022["basis"]["deposited_on"] == "2015-09-08"
    assert in_2022["reason"].startswith("Not a party on 1 March 2022; its declaration under")
    assert status("2025-01-01") == {
        **status("2025-01-01"),
        "status": "bound",
        "since": "2025-01-01",
    }
    bad = api.get("/api/v1/states/UA/law/", {"on": "soon"})
    assert bad.status_code == 400
    assert "on" in bad.json()["error"]["fields"]


def test_incident_law_covers_the_states_involved_on_its_date(api):
    instrument = f.InstrumentFactory(published=True, slug="gc-iv")
    incident = public_incident(
        instrument=instrument,
        date="2022-02-24/..",
        controlling_power=f.StateFactory(code="RU", name="Russian Federation"),
    )
    f.TreatyEventFactory(
        state=m.State.objects.get(code="RU"),
        instrument=instrument,
        deposited_on=datetime.date(1954, 5, 10),
    )

    law = api.get(f"/api/v1/incidents/{incident.pk}/").json()["law"]

    by_state = {entry["state"]["code"]: entry for entry in law}
    assert by_state["RU"]["roles"] == ["controlling_power", "state_of_involved_actor"]
    assert by_state["UA"]["roles"] == ["territorial_state"]
    assert by_state["RU"]["on"] == "2022-02-24"
    [ru_gc] = [s for s in by_state["RU"]["statuses"] if s["instrument"]["slug"] == "gc-iv"]
    assert ru_gc["status"] == "bound"
    [ua_gc] = [s for s in by_state["UA"]["statuses"] if s["instrument"]["slug"] == "gc-iv"]
    assert ua_gc["status"] == "no_record"  # no act of Ukraine is entered: not "not bound"
    assert ua_gc["basis"] is None
    assert "not a finding" in ua_gc["reason"]
