"""Action events in the exchange format: exported with their states and citations, imported
with the lifecycle's rules, and the actions' status and dates brought up to date."""

import datetime
import json

import pytest
from django.core.management import call_command

from cases import models as m
from cases.exchange import quality
from cases.exchange.export import export
from cases.exchange.importer import import_path
from tests import factories as f

from .test_import_export import empty_database, read_csv, snapshot

pytestmark = pytest.mark.django_db

Kind = m.ActionEventKind


def write_ndjson(path, lines: list[dict]) -> None:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))


def test_the_demo_s_events_round_trip_exactly(db, tmp_path):
    """Export, import into an empty database, export again: the same bytes, the ICC
    warrants' events and their citations included, the actions' derived values unchanged."""
    call_command("load_demo", verbosity=0)
    putin = m.AccountabilityAction.objects.get(title="ICC arrest warrant for Vladimir Putin")
    putin.subject_links.create(actor=m.Actor.objects.get(name="Maria Lvova-Belova"))
    refused = m.ActionEvent.objects.create(
        action=putin, kind=Kind.EXECUTION_REFUSED, occurred_on=datetime.date(2024, 9, 3)
    )
    refused.states.add(m.State.objects.get(code="UA"), m.State.objects.get(code="RU"))
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    export(first)
    events = read_csv(first, "action_events.csv")
    assert len(events) == 9
    assert {row["states"] for row in events} == {"", "RU|UA"}
    cited = [row for row in read_csv(first, "citations.csv") if row["action_event"]]
    assert len(cited) == 8
    derived = sorted(
        m.AccountabilityAction.objects.values_list(
            "title", "status", "seal_status", "applied_on", "issued_on", "announced_on"
        )
    )

    empty_database()
    report = import_path(first, create_vocabulary=True)
    assert report.ok, report.problems
    assert report.created["action_events"] == 9
    export(second)

    assert first.read_bytes() == second.read_bytes()
    assert (
        sorted(
            m.AccountabilityAction.objects.values_list(
                "title", "status", "seal_status", "applied_on", "issued_on", "announced_on"
            )
        )
        == derived
    )


@pytest.fixture
def warrant(db):
    f.StateFactory(code="UA", name="Ukraine")
    chamber = f.ActorFactory(external_id="actor:chamber", name="ICC Pre-Trial Chamber II")
    lvova = f.ActorFactory(external_id="actor:lvova", name="Maria Lvova-Belova")
    action = f.AccountabilityActionFactory(
        external_id="action:lvova",
        issuing_body=chamber,
        issued_on=None,
        status=m.ActionStatus.ACTIVE,
        seal_status=m.SealStatus.PUBLIC,
    )
    action.subject_links.create(actor=lvova)
    return action


def event_line(id, kind, on, **more) -> dict:
    return {
        "type": "action_event",
        "id": id,
        "action": "action:lvova",
        "kind": kind,
        "occurred_on": on,
        **more,
    }


def test_imported_events_decide_the_action_s_status_and_dates(warrant, tmp_path):
    path = tmp_path / "events.ndjson"
    write_ndjson(
        path,
        [
            event_line("ev:1", "applied", "2023-02-22"),
            event_line("ev:2", "issued_under_seal", "2023-03-17"),
            event_line("ev:3", "made_public", "2023-03-17"),
            event_line("ev:4", "arrest", "2024-09-02", subject="actor:lvova", states=["UA"]),
        ],
    )
    report = import_path(path)
    assert report.ok, report.problems
    warrant.refresh_from_db()
    assert warrant.status == m.ActionStatus.EXECUTED
    assert warrant.seal_status == m.SealStatus.UNSEALED
    assert (warrant.applied_on, warrant.issued_on, warrant.announced_on) == (
        datetime.date(2023, 2, 22),
        datetime.date(2023, 3, 17),
        datetime.date(2023, 3, 17),
    )
    assert list(m.ActionEvent.objects.get(external_id="ev:4").states.values_list("code")) == [
        ("UA",)
    ]

    # The same file again: nothing to write, the action is not touched.
    stamp = warrant.updated_at
    again = import_path(path)
    assert again.ok
    assert again.unchanged["action_events"] == 4
    warrant.refresh_from_db()
    assert warrant.updated_at == stamp


def test_an_action_row_that_contradicts_its_events_gives_way_to_them(warrant, tmp_path):
    f.ActionEventFactory(
        action=warrant, external_id="ev:1", kind=Kind.ISSUED, occurred_on=datetime.date(2024, 3, 5)
    )
    path = tmp_path / "action.ndjson"
    write_ndjson(
        path,
        [
            {
                "type": "action",
                "id": "action:lvova",
                "kind": "arrest_warrant",
                "title": warrant.title,
                "issuing_body": "actor:chamber",
                "status": "withdrawn",
                "issued_on": "2020-01-01",
            }
        ],
    )
    assert import_path(path).ok
    warrant.refresh_from_db()
    assert (warrant.status, warrant.issued_on) == ("active", datetime.date(2024, 3, 5))


def test_bad_event_rows_are_reported_by_row_and_column(warrant, tmp_path):
    f.ActionEventFactory(
        action=warrant,
        external_id="ev:0",
        kind=Kind.APPLIED,
        occurred_on=datetime.date(2023, 2, 22),
    )
    f.ActorFactory(external_id="actor:putin", name="Vladimir Putin")
    path = tmp_path / "bad.ndjson"
    write_ndjson(
        path,
        [
            event_line("ev:1", "non_compliance", "2024-09-03"),
            event_line("ev:2", "arrest", "2024-09-02", subject="actor:putin"),
            event_line("ev:3", "issued", "2023-01-01"),
            event_line("ev:4", "issued", "2023-13-01"),
        ],
    )
    before = snapshot()
    report = import_path(path)
    found = {(p.row, p.column): p.problem for p in report.problems}
    assert "Name the state" in found[(1, "states")]
    assert "Vladimir Putin is not among the subjects" in found[(2, "subject")]
    assert "before the application (22 February 2023)" in found[(3, "occurred_on")]
    assert "date" in found[(4, "occurred_on")]
    assert snapshot() == before


def test_events_out_of_order_within_one_batch_are_reported(warrant, tmp_path):
    """Rows of one batch do not see each other while validated: the service sees them all
    once written, and names the event."""
    path = tmp_path / "order.ndjson"
    write_ndjson(
        path,
        [
            event_line("ev:1", "issued_under_seal", "2023-03-17"),
            event_line("ev:2", "made_public", "2023-03-10"),
        ],
    )
    before = snapshot()
    report = import_path(path)
    assert not report.ok
    (problem,) = report.problems
    assert (problem.file, problem.column) == ("action_events", "occurred_on")
    assert "id ev:2" in problem.problem
    assert "before the issue (17 March 2023)" in problem.problem
    assert snapshot() == before


def test_events_without_a_citation_are_a_quality_problem(warrant):
    cited = f.ActionEventFactory(action=warrant, kind=Kind.ISSUED)
    f.CitationFactory(incident=None, action_event=cited)
    uncited = f.ActionEventFactory(
        action=warrant, kind=Kind.MADE_PUBLIC, occurred_on=datetime.date(2023, 3, 20)
    )
    title = "Events of accountability actions without a citation"
    [check] = [c for c in quality.facts_without_citations() if c.title == title]
    assert check.total == 1
    assert check.rows == [(str(uncited), uncited)]
