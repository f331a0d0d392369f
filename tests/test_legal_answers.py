"""The incident page, the state page and the API give the same legal answers, on the demo
data, and those answers are the ones reference-facts.md gives."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from cases.models import Incident, TreatyStatusKind


def on_state_page(history_entry, on: datetime.date) -> str:
    """The status the state page shows for a day: the last change on or before it."""
    if history_entry is None:
        return TreatyStatusKind.NO_RECORD
    changes, _ = history_entry
    before = [status for day, status in changes if day <= on]
    assert before, f"the state page shows no status on {on}"
    return before[-1].kind


def test_incident_page_state_pages_and_api_agree_on_every_answer(client, demo):
    incident = Incident.objects.get(title__startswith="Deportation and transfer of Ukrainian")
    page = client.get(incident.get_absolute_url())
    html = page.content.decode()
    on = page.context["dates"][0]
    detail = client.get(f"/api/v1/incidents/{incident.pk}/").json()
    in_detail = {
        (entry["state"]["code"], status["instrument"]["slug"]): status
        for entry in detail["law"]
        for status in entry["statuses"]
    }
    assert {entry["on"] for entry in detail["law"]} == {on.isoformat()}

    answers = {}
    for state, cells in page.context["treaty_rows"]:
        by_state = client.get(f"/api/v1/states/{state.code}/law/", {"on": on}).json()
        in_state_api = {s["instrument"]["slug"]: s for s in by_state["statuses"]}
        history = {
            i.slug: entry for i, _, entry in client.get(state.get_absolute_url()).context["history"]
        }
        for instrument, statuses in cells:
            status, key = statuses[0], (state.code, instrument.slug)
            assert in_detail[key]["status"] == status.kind, key
            assert in_state_api[instrument.slug]["status"] == status.kind, key
            assert in_detail[key]["reason"] == in_state_api[instrument.slug]["reason"]
            assert in_detail[key]["reason"] == status.reason
            assert on_state_page(history[instrument.slug], on) == status.kind, key
            assert escape(status.reason) in html
            answers[key] = status.kind

    # The answers of reference-facts.md, on 24 February 2022.
    assert answers == {
        ("UA", "gc-iv"): TreatyStatusKind.BOUND,
        ("UA", "ap-i"): TreatyStatusKind.BOUND,
        ("UA", "rome-statute"): TreatyStatusKind.JURISDICTION_ACCEPTED,
        ("UA", "genocide-convention"): TreatyStatusKind.BOUND,
        ("RU", "gc-iv"): TreatyStatusKind.BOUND,
        ("RU", "ap-i"): TreatyStatusKind.BOUND,
        ("RU", "rome-statute"): TreatyStatusKind.NOT_BOUND,
        ("RU", "genocide-convention"): TreatyStatusKind.BOUND,
    }

    # The ICC's jurisdiction: the same answer on the page, in the detail and on its own.
    [on_page, *_] = page.context["icc"]
    alone = client.get(
        "/api/v1/icc-jurisdiction/", {"on": on, "territory": "UA", "nationality": "RU"}
    ).json()
    assert on_page.answer == detail["icc_jurisdiction"]["answer"] == alone["answer"] == "yes"
    assert [g.article for g in on_page.grounds] == ["art. 12(3)"]
    assert detail["icc_jurisdiction"]["grounds"] == alone["grounds"]
    assert alone["grounds"][0]["treaty_act"]["deposited_on"] == "2015-09-08"
    assert escape(on_page.grounds[0].text) in html


def test_no_state_is_called_not_bound_for_want_of_a_record(client, demo):
    # The United Kingdom's acts are not in the demo: its page says so, neutrally.
    html = client.get("/states/GB/").content.decode()
    assert html.count("No treaty act of United Kingdom under this instrument is recorded") == 4
    law = client.get("/api/v1/states/GB/law/", {"on": "2022-02-24"}).json()
    kinds = {s["instrument"]["slug"]: s["status"] for s in law["statuses"]}
    assert kinds.pop("customary-ihl") == "customary"
    assert set(kinds.values()) == {"no_record"}


def test_icc_jurisdiction_endpoint_refuses_bad_input(client, demo):
    def error(params):
        response = client.get("/api/v1/icc-jurisdiction/", params)
        assert response.status_code == 400
        return response.json()["error"]["fields"]

    assert "on" in error({"territory": "UA"})
    assert error({"on": "2022-02-30", "territory": "UA"})["on"]
    assert error({"on": "2022-02-24", "territory": "XX"}) == {
        "territory": ["No state has the code XX."]
    }
    assert "nationality" in error({"on": "2022-02-24", "nationality": ["RU", "ZZ"]})
    response = client.get("/api/v1/icc-jurisdiction/", {"on": "2022-02-24", "nationalty": "RU"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_parameter"
    assert "nationalty" in response.json()["error"]["fields"]


def test_darfur_referral_answers_for_sudan(client, demo):
    answer = client.get("/api/v1/icc-jurisdiction/", {"on": "2004-01-01", "territory": "SD"})
    grounds = answer.json()["grounds"]
    assert [g["article"] for g in grounds] == ["art. 13(b)"]
    assert grounds[0]["referral"]["resolution"] == "S/RES/1593 (2005)"


def test_icc_jurisdiction_queries_do_not_grow_with_the_states_asked(client, demo):
    def queries(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/icc-jurisdiction/", params).status_code == 200
        return len(captured)

    one = queries({"on": "2022-02-24", "territory": "UA", "nationality": "RU"})
    three = queries({"on": "2022-02-24", "territory": "UA", "nationality": ["RU", "BY", "GB"]})
    assert one == three
    # The Darfur referral brings its states in the same, fixed, number of queries.
    assert queries({"on": "2004-01-01", "territory": "SD", "nationality": ["RU", "BY"]}) <= one + 1
