"""The data-quality page finds what is missing or suspicious, in a fixed number of queries."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import models as m
from cases.exchange import quality
from tests import factories as f

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
        f.ActionEventFactory()  # without a citation


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

    incidents, _, qualifications, *_ = quality.facts_without_citations()
    assert "Covered" not in titles(incidents)
    assert "Early 0" in titles(incidents)
    assert qualifications.total == 1  # the early one's
    assert titles(quality.published_without_qualification()) == ["Unqualified 0"]
    assert "Hashed" not in titles(quality.sources_without_hash())
    assert "Unhashed 0" in titles(quality.sources_without_hash())
    duplicates = quality.duplicate_actors()
    assert duplicates.total == 1
    assert "Maria Lvova-Belova 0" in duplicates.rows[0][0]
    outside = quality.outside_treaty_period()
    assert len(outside.rows) == 1
    assert outside.rows[0][0].startswith("Early 0")
    assert "Ukraine: not bound" in outside.rows[0][0]


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
        f.ActionEventFactory()
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
