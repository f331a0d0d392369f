"""The data-quality page finds what is missing or suspicious, in a fixed number of queries."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cases import models as m
from cases.exchange import quality
from tests import factories as f
from tests.test_admin import assert_saved, current_data
from tests.workflow.conftest import approve_kept_edits

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = f.UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_incident"))
    client.force_login(user)
    return user


def make_problems(n: int) -> None:
    """n of each problem, with names that differ per batch."""
    ukraine = f.StateFactory(code="UA", name="Ukraine")
    instrument = f.InstrumentFactory(
        published=True, entry_into_force_on=datetime.date(1950, 10, 21)
    )
    f.TreatyEventFactory(
        state=ukraine, instrument=instrument, deposited_on=datetime.date(1954, 5, 3)
    )
    provision = f.ProvisionFactory(instrument=instrument)
    for i in range(n):
        early = f.IncidentFactory(title=f"Early {i}", date="1951-06-01", published=True)
        f.LegalQualificationFactory(incident=early, provision=provision)
        f.IncidentFactory(title=f"Unqualified {i}", published=True)
        f.SourceFactory(title=f"Unhashed {i}")
        f.ActorFactory(name=f"Maria Lvova-Belova {i}")
        f.ActorFactory(name=f"maria lvova belova {i}")
        uncited_facts_of_law_and_response(i)


def uncited_facts_of_law_and_response(i: int) -> None:
    """A treaty event, an action event and a referral, none cited, each naming its own
    related rows (state, instrument, action): listing them must not read those one by one."""
    f.TreatyEventFactory(state=f.StateFactory(), instrument=f.InstrumentFactory())
    f.ActionEventFactory(action=f.AccountabilityActionFactory(title=f"Warrant {i}"))
    f.SecurityCouncilReferralFactory(situation=f"Situation {i}")


def titles(check) -> list[str]:
    return [text for text, _ in check.rows]


def test_checks_find_each_problem(db):
    make_problems(1)
    good = f.IncidentFactory(title="Covered", date="2022-02-24", published=True)
    provision = m.Provision.objects.get()
    qualification = f.LegalQualificationFactory(incident=good, provision=provision)
    source = f.SourceFactory(title="Hashed")
    m.SourceCapture.objects.create(
        source=source,
        captured_at=datetime.datetime(2023, 3, 17, tzinfo=datetime.UTC),
        archive_url="https://web.archive.org/x",
        sha256="b" * 64,
    )
    f.CitationFactory(source=source, incident=good)
    f.CitationFactory(source=source, incident=None, legal_qualification=qualification)

    event = m.TreatyEvent.objects.get(instrument=provision.instrument)
    f.CitationFactory(source=source, incident=None, treaty_event=event)
    action_event = m.ActionEvent.objects.get()
    f.CitationFactory(source=source, incident=None, action_event=action_event)
    cited_referral = f.SecurityCouncilReferralFactory(situation="Libya")
    f.CitationFactory(source=source, incident=None, referral=cited_referral)
    uncited_event = f.TreatyEventFactory(
        state=m.State.objects.get(code="UA"),
        instrument=event.instrument,
        kind=m.TreatyEventKind.DECLARATION,
        deposited_on=datetime.date(2015, 9, 8),
    )
    uncited_action_event = f.ActionEventFactory(action=action_event.action, kind="made_public")

    uncited = {check.title: check for check in quality.facts_without_citations()}
    incidents = uncited["Incidents without a citation"]
    assert "Covered" not in titles(incidents)
    assert "Early 0" in titles(incidents)
    assert uncited["Legal qualifications without a citation"].total == 1  # the early one's
    # Every treaty event but the cited one: make_problems's other one, and the declaration.
    events = uncited["Treaty events without a citation"]
    others = m.TreatyEvent.objects.exclude(pk=event.pk).order_by("pk")
    assert titles(events) == [str(e) for e in others]
    assert events.total == 2
    assert events.rows[-1] == (
        f"Ukraine – {event.instrument}: Declaration (8 September 2015)",
        uncited_event,
    )
    action_events = uncited["Events of accountability actions without a citation"]
    assert titles(action_events) == [str(uncited_action_event)]
    referrals = uncited["Security Council referrals without a citation"]
    assert [referral.situation for _, referral in referrals.rows] == ["Situation 0"]
    assert referrals.total == 1
    assert titles(quality.published_without_qualification()) == ["Unqualified 0"]
    assert "Hashed" not in titles(quality.sources_without_hash())
    assert "Unhashed 0" in titles(quality.sources_without_hash())
    duplicates = quality.duplicate_actors()
    assert duplicates.total == 1
    assert "Maria Lvova-Belova 0" in duplicates.rows[0][0]
    sudan = f.StateFactory(code="SD", name="Sudan")
    elsewhere = f.IncidentFactory(title="Unrecorded", date="2004", country=sudan, published=True)
    f.LegalQualificationFactory(incident=elsewhere, provision=provision)
    outside, unrecorded = quality.treaty_period_checks()
    assert len(outside.rows) == 1
    assert outside.rows[0][0].startswith("Early 0")
    assert "Ukraine: not bound" in outside.rows[0][0]
    # No act of Sudan is recorded: not "outside the period", but unknown.
    assert titles(unrecorded) == [
        f"Unrecorded — {provision.instrument} on 2004-01-01: Sudan: no treaty act recorded here"
    ]


def test_duplicate_actors_without_trigram_compare_normalised_names(db, monkeypatch):
    monkeypatch.setattr(quality, "has_trigram", lambda: False)
    f.ActorFactory(name="Maria Lvova-Belova")
    f.ActorFactory(name="MARIA LVOVA BELOVA")
    f.ActorFactory(name="Vladimir Putin")
    check = quality.duplicate_actors()
    assert check.total == 1
    assert "pg_trgm is not installed" in check.explanation


def test_page_lists_problems_in_a_fixed_number_of_queries(client, staff):
    make_problems(1)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("admin:exchange-quality"))
    assert response.status_code == 200
    assert "Unqualified 0" in response.content.decode()

    make_problems_more = 4
    ukraine_instrument = m.Provision.objects.get()
    for i in range(make_problems_more):
        early = f.IncidentFactory(title=f"Later early {i}", date="1951-01-01", published=True)
        f.LegalQualificationFactory(incident=early, provision=ukraine_instrument)
        f.SourceFactory()
        f.ActorFactory(name=f"Dup {i}")
        f.ActorFactory(name=f"dup {i}")
        uncited_facts_of_law_and_response(i + 1)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("admin:exchange-quality"))
    assert len(many) == len(few)


def test_duplicate_actors_with_trigram_find_near_spellings(db):
    with connection.cursor() as cursor:  # rolled back with the test
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    f.ActorFactory(name="Maria Lvova-Belova")
    other = f.ActorFactory(name="Commissioner for Children's Rights")
    m.ActorName.objects.create(actor=other, name="Maria Lvova-Bielova")
    f.ActorFactory(name="Vladimir Putin")
    check = quality.duplicate_actors()
    assert check.total == 1
    assert "Lvova-Bielova" in check.rows[0][0]
    assert "trigram" in check.explanation


def test_an_uncited_treaty_event_is_listed_until_cited_on_its_admin_page(admin_client, admin_user):
    event = f.TreatyEventFactory(
        state=f.StateFactory(code="UA", name="Ukraine"),
        instrument=f.InstrumentFactory(short_title="Rome Statute"),
        kind=m.TreatyEventKind.JURISDICTION_DECLARATION,
        deposited_on=datetime.date(2015, 9, 8),
        jurisdiction_from=datetime.date(2014, 2, 20),
    )
    change = reverse("admin:cases_treatyevent_change", args=[event.pk])
    response = admin_client.get(reverse("admin:exchange-quality"))
    assert uncited_treaty_events(response) == [(str(event), change)]
    assert f'<a href="{change}">{escape(str(event))}</a>' in response.content.decode()

    notification = f.SourceFactory(
        kind=m.SourceKind.UN_DOCUMENT, title="Ukraine: declaration under article 12(3)"
    )
    data = current_data(admin_client.get(change))
    data["citations-0-source"] = str(notification.pk)  # the empty row of the inline
    data["citations-0-pinpoint"] = "C.N.1044.2015"
    assert_saved(admin_client.post(change, data))
    assert not event.citations.exists()  # the citation waits for review
    approve_kept_edits(admin_user)
    citation = event.citations.get()
    assert (citation.source, citation.pinpoint) == (notification, "C.N.1044.2015")

    response = admin_client.get(reverse("admin:exchange-quality"))
    assert uncited_treaty_events(response) == []
    assert "Treaty events without a citation: 0" in response.content.decode()


def uncited_treaty_events(response) -> list[tuple[str, str]]:
    (rows,) = [
        rows
        for check, rows in response.context["checks"]
        if check.title == "Treaty events without a citation"
    ]
    return rows
