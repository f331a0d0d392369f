"""manage.py load_demo: the real demo dataset loads, is right, is public and is idempotent."""

import datetime

import pytest
from django.apps import apps
from django.contrib.postgres.search import SearchQuery

from cases.models import (
    AccountabilityAction,
    ActionKind,
    ActorName,
    Charge,
    Incident,
    Instrument,
    SealStatus,
    State,
    TreatyStatusKind,
)
from tests.demo_data import clear_cases_tables, load, snapshot

Date = datetime.date


def test_command_prints_counts_and_is_quiet_with_v0(db):
    clear_cases_tables()  # rolled back with the test: other tests keep their data
    first = load()
    assert "Charge: 10 created, 0 changed" in first
    assert "Incident: 3 created, 0 changed" in first
    assert load() == "Demo data already up to date: nothing changed.\n"
    assert load(verbosity=0) == ""


def test_second_run_changes_no_row_and_no_value(demo):
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 100
    load(verbosity=0)
    assert snapshot() == before


def test_rerun_restores_an_edited_value_and_touches_only_that_row(demo):
    warrant = AccountabilityAction.objects.get(title="ICC arrest warrant for Vladimir Putin")
    AccountabilityAction.objects.filter(pk=warrant.pk).update(applied_on=Date(2023, 1, 1))
    before, versions = without_stamps(snapshot(history=False)), warrant.history.count()
    out = load()
    assert "AccountabilityAction: 0 created, 1 changed" in out
    warrant.refresh_from_db()
    assert warrant.applied_on == Date(2023, 2, 22)
    assert warrant.history.count() == versions + 1  # the repair is on the record's history
    after = without_stamps(snapshot(history=False))
    changed = [
        (table, old, new)
        for table in before
        for old, new in zip(before[table], after[table], strict=True)
        if old != new
    ]
    assert [(table, old["id"]) for table, old, _ in changed] == [
        ("cases_accountabilityaction", warrant.pk)
    ]


def without_stamps(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The rows without changed_at: the database's bookkeeping, which a trigger moves on the
    records that show a changed row too (the warrant's incident lists it), not a row the
    loader wrote. That a rerun which changes nothing moves no stamp is checked above."""
    return {
        table: [{k: v for k, v in row.items() if k != "changed_at"} for row in rows]
        for table, rows in tables.items()
    }


def test_putin_warrant_has_both_charges_with_modes_and_period(demo):
    warrant = AccountabilityAction.objects.get(
        kind=ActionKind.ARREST_WARRANT, reference="ICC-01/22", subjects__name="Vladimir Putin"
    )
    assert (warrant.applied_on, warrant.issued_on, warrant.announced_on) == (
        Date(2023, 2, 22),
        Date(2023, 3, 17),
        Date(2023, 3, 17),
    )
    assert warrant.seal_status == SealStatus.UNSEALED
    assert warrant.issuing_body.name == "ICC Pre-Trial Chamber II"
    assert [i.title for i in warrant.incidents.all()] == [
        "Deportation and transfer of Ukrainian children from occupied areas of Ukraine "
        "to the Russian Federation"
    ]
    charges = warrant.charges.order_by("provision__label")
    assert [c.provision.label for c in charges] == ["art. 8(2)(a)(vii)", "art. 8(2)(b)(viii)"]
    for charge in charges:
        assert charge.provision.instrument.slug == "rome-statute"
        assert sorted(m.label for m in charge.modes_of_liability.all()) == [
            "art. 25(3)(a)",
            "art. 28(b)",
        ]
        assert charge.crime_period_start == Date(2022, 2, 24)
        assert charge.crime_period_end is None
        assert charge.citations.filter(source__publisher="International Criminal Court").exists()


def test_one_warrant_per_person_and_the_uk_designation(demo):
    warrants = AccountabilityAction.objects.filter(kind=ActionKind.ARREST_WARRANT)
    assert sorted(warrants.values_list("subjects__name", flat=True)) == [
        "Maria Lvova-Belova",
        "Sergei Kobylash",
        "Viktor Sokolov",
        "Vladimir Putin",
    ]
    kobylash = Charge.objects.filter(action__subjects__name="Sergei Kobylash")
    assert sorted(kobylash.values_list("provision__label", flat=True)) == [
        "art. 7(1)(k)",
        "art. 8(2)(b)(ii)",
        "art. 8(2)(b)(iv)",
    ]
    assert {(c.crime_period_start, c.crime_period_end) for c in kobylash} == {
        (Date(2022, 10, 10), Date(2023, 3, 9))
    }
    designation = AccountabilityAction.objects.get(kind=ActionKind.SANCTIONS)
    assert designation.issued_on == Date(2022, 6, 16)
    assert [s.name for s in designation.subjects.all()] == ["Maria Lvova-Belova"]


def test_names_in_other_scripts_exist_and_find_the_incident(demo):
    assert ActorName.objects.filter(
        actor__name="Maria Lvova-Belova", language="uk", name="Марія Львова-Бєлова"
    ).exists()
    assert ActorName.objects.filter(
        actor__name="Vladimir Putin", language="ru", name="Владимир Владимирович Путин"
    ).exists()
    for text in ("Львова-Бєлова", "Путин"):
        found = Incident.objects.public().filter(
            search_vector=SearchQuery(text, config="simple", search_type="websearch")
        )
        assert [i.title for i in found] == [
            "Deportation and transfer of Ukrainian children from occupied areas of Ukraine "
            "to the Russian Federation"
        ]


def test_partisans_incident_is_placed_in_zaporizhzhia(demo):
    incident = Incident.objects.get(title__contains="three Ukrainian partisans")
    assert (incident.country_id, incident.subdivision, incident.controlling_power_id) == (
        "UA",
        "UA-23",
        "RU",
    )
    assert incident.verification_status == "alleged"
    assert "Zaporozhye" in incident.description
    assert incident.date_latest == Date(2023, 3, 17)


def test_everything_loaded_is_public(demo):
    publishable = [
        model
        for model in apps.get_app_config("cases").get_models()
        if hasattr(model.objects, "public")
    ]
    assert len(publishable) >= 10
    for model in publishable:
        total = model.objects.count()
        assert total > 0, model.__name__
        assert model.objects.public().count() == total, model.__name__


def status(code: str, slug: str, on: Date):
    return State.objects.get(code=code).treaty_status(Instrument.objects.get(slug=slug), on)


@pytest.mark.parametrize(
    ("code", "slug", "on", "expected"),
    [
        ("UA", "rome-statute", Date(2024, 12, 31), TreatyStatusKind.JURISDICTION_ACCEPTED),
        ("UA", "rome-statute", Date(2025, 1, 1), TreatyStatusKind.BOUND),
        ("RU", "rome-statute", Date(2010, 1, 1), TreatyStatusKind.SIGNATORY),
        # The notification date is marked (verify); the answer holds for any date between
        # the presidential order of 16 Nov 2016 and the end of 2016.
        ("RU", "rome-statute", Date(2017, 1, 1), TreatyStatusKind.NOT_BOUND),
        ("RU", "gc-iv", Date(2022, 2, 24), TreatyStatusKind.BOUND),
        ("RU", "ap-i", Date(2022, 2, 24), TreatyStatusKind.BOUND),
        ("RU", "ap-i", Date(2019, 1, 1), TreatyStatusKind.BOUND),
        # Belarus has not signed (reference-facts.md), but no act of it is recorded: the
        # site says so rather than infer "not bound" from silence.
        ("BY", "rome-statute", Date(2024, 1, 1), TreatyStatusKind.NO_RECORD),
        # The Genocide Convention, through the Soviet republics' ratifications (verify).
        ("RU", "genocide-convention", Date(2022, 2, 24), TreatyStatusKind.BOUND),
        ("UA", "genocide-convention", Date(2022, 2, 24), TreatyStatusKind.BOUND),
        ("GB", "genocide-convention", Date(2022, 2, 24), TreatyStatusKind.NO_RECORD),
        ("RU", "customary-ihl", Date(2022, 2, 24), TreatyStatusKind.CUSTOMARY),
    ],
)
def test_expected_treaty_answers(demo, code, slug, on, expected):
    assert status(code, slug, on).kind == expected


def test_ukraine_rome_statute_binds_from_1_january_2025(demo):
    answer = status("UA", "rome-statute", Date(2025, 1, 1))
    assert answer.since == Date(2025, 1, 1)
    assert [d.provisions.get().label for d in answer.declarations] == ["art. 124"]
    assert answer.declarations[0].exclusion_scope == "nationals"
    # The 2015 declaration still covers the day; the 2014 one ended on 22 February 2014.
    assert [d.deposited_on for d in answer.jurisdiction_declarations] == [Date(2015, 9, 8)]


def test_russia_bound_by_gc_iv_through_the_ussr_with_its_reservations(demo):
    answer = status("RU", "gc-iv", Date(2022, 2, 24))
    assert answer.via.code == "SU"
    assert answer.since == Date(1954, 11, 10)
    assert len(answer.reservations) == 1
    assert sorted(p.label for p in answer.reservations[0].provisions.all()) == [
        "art. 11",
        "art. 45",
    ]


def test_russia_art_90_declaration_in_force_until_withdrawn_in_2019(demo):
    before = status("RU", "ap-i", Date(2019, 1, 1))
    assert before.since == Date(1990, 3, 29)
    assert [d.provisions.get().label for d in before.declarations] == ["art. 90"]
    after = status("RU", "ap-i", Date(2022, 2, 24))
    assert after.declarations == ()
