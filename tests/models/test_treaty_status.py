"""'Was state S bound by instrument I on date D?' - the expected answers of reference-facts.md
and the edge days of each entry-into-force and withdrawal rule."""

import datetime

import pytest

from cases.models import (
    ExclusionScope,
    InstrumentKind,
    StateRelation,
    TreatyEventKind,
    TreatyStatusKind,
)
from tests.factories import InstrumentFactory, ProvisionFactory, StateFactory, TreatyEventFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def ussr_gc4(ussr, gc4):
    reservation = TreatyEventFactory(
        state=ussr, instrument=gc4, kind=TreatyEventKind.RESERVATION, deposited_on=D(1949, 12, 12)
    )
    reservation.provisions.set(
        [ProvisionFactory(instrument=gc4, label=label) for label in ("art. 11", "art. 45")]
    )
    TreatyEventFactory(
        state=ussr, instrument=gc4, kind=TreatyEventKind.SIGNATURE, deposited_on=D(1949, 12, 12)
    )
    TreatyEventFactory(
        state=ussr, instrument=gc4, kind=TreatyEventKind.RATIFICATION, deposited_on=D(1954, 5, 10)
    )
    return reservation


@pytest.fixture
def ussr_ap1(ussr, russia, ap1):
    TreatyEventFactory(
        state=ussr, instrument=ap1, kind=TreatyEventKind.RATIFICATION, deposited_on=D(1989, 9, 29)
    )
    declaration = TreatyEventFactory(
        state=ussr, instrument=ap1, kind=TreatyEventKind.DECLARATION, deposited_on=D(1989, 9, 29)
    )
    TreatyEventFactory(
        state=russia,
        instrument=ap1,
        kind=TreatyEventKind.DECLARATION_WITHDRAWAL,
        deposited_on=D(2019, 10, 23),
        withdraws=declaration,
    )
    return declaration


# The expected-answers table of reference-facts.md.


def test_ukraine_rome_statute_before_ratification_took_effect(ukraine_rome, rome):
    status = ukraine_rome.treaty_status(rome, D(2024, 12, 31))
    assert status.kind == TreatyStatusKind.JURISDICTION_ACCEPTED
    # Only the declaration whose period covers the day applies: the 2015 one, onwards.
    scopes = [(d.jurisdiction_from, d.jurisdiction_to) for d in status.jurisdiction_declarations]
    assert scopes == [(D(2014, 2, 20), None)]
    assert status.basis.deposited_on == D(2015, 9, 8)
    assert status.declarations == ()


def test_ukraine_bound_by_rome_statute_from_1_january_2025(ukraine_rome, rome):
    status = ukraine_rome.treaty_status(rome, D(2025, 1, 1))
    assert status.kind == TreatyStatusKind.BOUND
    assert status.since == D(2025, 1, 1)
    assert status.via is None


def test_russia_signatory_of_rome_statute_in_2010(russia_rome, rome):
    status = russia_rome.treaty_status(rome, D(2010, 1, 1))
    assert status.kind == TreatyStatusKind.SIGNATORY
    assert status.since == D(2000, 9, 13)


def test_russia_not_bound_by_rome_statute_after_withdrawing_signature(russia_rome, rome):
    assert russia_rome.treaty_status(rome, D(2017, 1, 1)).kind == TreatyStatusKind.NOT_BOUND


def test_russia_bound_by_gc4_through_the_ussr_with_its_reservations(russia, gc4, ussr_gc4):
    status = russia.treaty_status(gc4, D(2022, 2, 24))
    assert status.kind == TreatyStatusKind.BOUND
    assert status.via.code == "SU"
    assert status.since == D(1954, 11, 10)
    assert [r.pk for r in status.reservations] == [ussr_gc4.pk]
    labels = {p.label for r in status.reservations for p in r.provisions.all()}
    assert labels == {"art. 11", "art. 45"}


def test_russia_bound_by_ap1_without_art_90_declaration_in_2022(russia, ap1, ussr_ap1):
    status = russia.treaty_status(ap1, D(2022, 2, 24))
    assert status.kind == TreatyStatusKind.BOUND
    assert status.declarations == ()


def test_russia_bound_by_ap1_with_art_90_declaration_in_2019(russia, ap1, ussr_ap1):
    status = russia.treaty_status(ap1, D(2019, 1, 1))
    assert status.kind == TreatyStatusKind.BOUND
    assert [d.pk for d in status.declarations] == [ussr_ap1.pk]
    assert status.since == D(1990, 3, 29)


# Edge days of each rule.


def test_six_months_after_deposit(russia, gc4, ussr_gc4):
    assert russia.treaty_status(gc4, D(1954, 11, 9)).kind == TreatyStatusKind.SIGNATORY
    assert russia.treaty_status(gc4, D(1954, 11, 10)).kind == TreatyStatusKind.BOUND


def test_first_day_of_month_after_sixtieth_day(ukraine_rome, rome):
    # Deposit 25 Oct 2024; the 60th day after is 24 Dec 2024; in force 1 Jan 2025.
    assert rome.consent_takes_effect(D(2024, 10, 25)) == D(2025, 1, 1)
    # The 60th day falling on the first of a month still moves to the next month.
    assert rome.consent_takes_effect(D(2024, 1, 1)) == D(2024, 4, 1)  # 60th day: 1 Mar 2024
    assert rome.consent_takes_effect(D(2023, 12, 31)) == D(2024, 3, 1)  # 60th day: 29 Feb


def test_ratification_before_the_instrument_entered_into_force(ukraine, rome):
    # An early ratification binds from the statute's own entry into force.
    assert rome.consent_takes_effect(D(1999, 5, 1)) == D(2002, 7, 1)
    TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.RATIFICATION,
        deposited_on=D(1999, 5, 1),
    )
    assert ukraine.treaty_status(rome, D(2002, 6, 30)).kind == TreatyStatusKind.NOT_BOUND
    assert ukraine.treaty_status(rome, D(2002, 7, 1)).kind == TreatyStatusKind.BOUND


def test_ninetieth_day_after_deposit(ukraine, genocide):
    TreatyEventFactory(
        state=ukraine,
        instrument=genocide,
        kind=TreatyEventKind.ACCESSION,
        deposited_on=D(1954, 11, 15),
    )
    assert ukraine.treaty_status(genocide, D(1955, 2, 12)).kind == TreatyStatusKind.NOT_BOUND
    assert ukraine.treaty_status(genocide, D(1955, 2, 13)).kind == TreatyStatusKind.BOUND


def test_denunciation_takes_effect_one_year_after_notification(ukraine, rome):
    TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.RATIFICATION,
        deposited_on=D(2010, 1, 5),
    )
    TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.DENUNCIATION,
        deposited_on=D(2016, 10, 27),
    )
    assert ukraine.treaty_status(rome, D(2017, 10, 26)).kind == TreatyStatusKind.BOUND
    assert ukraine.treaty_status(rome, D(2017, 10, 27)).kind == TreatyStatusKind.NOT_BOUND


def test_effective_date_override_wins(ukraine, gc4):
    TreatyEventFactory(
        state=ukraine,
        instrument=gc4,
        kind=TreatyEventKind.SUCCESSION,
        deposited_on=D(1993, 5, 1),
        effective_on_override=D(1991, 8, 24),
    )
    assert ukraine.treaty_status(gc4, D(1991, 8, 23)).kind == TreatyStatusKind.NOT_BOUND
    assert ukraine.treaty_status(gc4, D(1991, 8, 24)).kind == TreatyStatusKind.BOUND


def test_succession_does_not_inherit_the_predecessors_acts(ussr, gc4, ussr_gc4):
    successor = StateFactory(
        code="EE", name="Estonia", predecessor=ussr, predecessor_relation=StateRelation.SUCCESSION
    )
    # The USSR's acts do not speak for a successor, and none of its own is recorded.
    assert successor.treaty_status(gc4, D(2000, 1, 1)).kind == TreatyStatusKind.NO_RECORD


def test_customary_rules_bind_every_state(ukraine):
    customary = InstrumentFactory(kind=InstrumentKind.CUSTOMARY, entry_into_force_on=None)
    assert ukraine.treaty_status(customary, D(1990, 1, 1)).kind == TreatyStatusKind.CUSTOMARY


def test_treaty_statuses_for_every_instrument_in_two_queries(
    russia, gc4, ap1, rome, ussr_gc4, ussr_ap1, russia_rome, django_assert_max_num_queries
):
    for instrument in (gc4, ap1, rome):
        instrument.publication_status = "published"
        instrument.save()
    with django_assert_max_num_queries(5):
        statuses = {s.instrument.slug: s.kind for s in russia.treaty_statuses(D(2022, 2, 24))}
    assert statuses == {
        "gc-iv": TreatyStatusKind.BOUND,
        "ap-i": TreatyStatusKind.BOUND,
        "rome-statute": TreatyStatusKind.NOT_BOUND,
    }


# "No record" is not "not bound".


def test_no_act_recorded_is_no_record_never_not_bound(ukraine, genocide):
    status = ukraine.treaty_status(genocide, D(2022, 2, 24))
    assert status.kind == TreatyStatusKind.NO_RECORD
    assert status.label == "No treaty act recorded here"
    assert "not a finding that it was not bound" in status.reason
    assert status.basis is None


def test_acts_that_do_not_settle_the_question_give_no_record(ukraine, gc4):
    # A reservation alone says nothing of when (or whether) the state became a party.
    TreatyEventFactory(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.RESERVATION, deposited_on=D(1960, 1, 1)
    )
    status = ukraine.treaty_status(gc4, D(2022, 2, 24))
    assert status.kind == TreatyStatusKind.NO_RECORD
    assert "do not settle" in status.reason


def test_a_later_accession_shows_the_state_was_not_yet_bound(ukraine, genocide):
    TreatyEventFactory(
        state=ukraine,
        instrument=genocide,
        kind=TreatyEventKind.ACCESSION,
        deposited_on=D(1954, 11, 15),
    )
    status = ukraine.treaty_status(genocide, D(1954, 1, 1))
    assert status.kind == TreatyStatusKind.NOT_BOUND
    assert status.basis.kind == TreatyEventKind.ACCESSION
    assert "in effect only from 13 February 1955" in status.reason


def test_before_the_instrument_is_in_force_no_state_is_bound(ukraine, genocide):
    status = ukraine.treaty_status(genocide, D(1950, 1, 1))
    assert status.kind == TreatyStatusKind.NOT_BOUND
    assert "entered into force on 12 January 1951" in status.reason


# Art. 12(3): a declaration covers exactly its declared period, whenever it was lodged.


def test_maidan_period_covered_by_the_declaration_lodged_afterwards(ukraine_rome, rome):
    status = ukraine_rome.treaty_status(rome, D(2014, 1, 1))
    assert status.kind == TreatyStatusKind.JURISDICTION_ACCEPTED
    assert status.basis.deposited_on == D(2014, 4, 17)  # lodged after the day it covers
    assert status.since == D(2013, 11, 21)
    assert "21 November 2013 to 22 February 2014" in status.reason


def test_the_declaration_that_applies_is_named_not_the_one_lodged_first(ukraine_rome, rome):
    status = ukraine_rome.treaty_status(rome, D(2014, 6, 1))
    assert status.kind == TreatyStatusKind.JURISDICTION_ACCEPTED
    assert [d.deposited_on for d in status.jurisdiction_declarations] == [D(2015, 9, 8)]


def test_overlapping_declarations_both_apply(ukraine_rome, rome):
    status = ukraine_rome.treaty_status(rome, D(2014, 2, 21))
    assert [d.deposited_on for d in status.jurisdiction_declarations] == [
        D(2014, 4, 17),
        D(2015, 9, 8),
    ]


def test_before_any_declared_period_a_signatory_is_a_signatory(ukraine_rome, rome):
    assert ukraine_rome.treaty_status(rome, D(2013, 11, 20)).kind == TreatyStatusKind.SIGNATORY


def test_ratification_and_declaration_both_shown(ukraine_rome, rome):
    status = ukraine_rome.treaty_status(rome, D(2025, 6, 1))
    assert status.kind == TreatyStatusKind.BOUND
    assert [d.deposited_on for d in status.jurisdiction_declarations] == [D(2015, 9, 8)]
    assert "Also, its declaration under art. 12(3)" in status.reason


# Withdrawals say when and by which act.


def test_withdrawn_signature_is_dated_and_names_the_notification(russia_rome, rome):
    status = russia_rome.treaty_status(rome, D(2017, 1, 1))
    assert status.kind == TreatyStatusKind.NOT_BOUND
    assert status.since == D(2016, 11, 30)
    assert status.basis.kind == TreatyEventKind.SIGNATURE_WITHDRAWAL
    assert status.reason.startswith("Withdrawal of signature notified on 30 November 2016")


def test_denunciation_is_dated_and_names_the_notification(ukraine, rome):
    TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.RATIFICATION,
        deposited_on=D(2010, 1, 5),
    )
    denunciation = TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.DENUNCIATION,
        deposited_on=D(2016, 10, 27),
    )
    status = ukraine.treaty_status(rome, D(2018, 1, 1))
    assert (status.kind, status.since, status.basis) == (
        TreatyStatusKind.NOT_BOUND,
        D(2017, 10, 27),
        denunciation,
    )


def test_art_124_declaration_in_force_only_once_a_party(ukraine_rome, rome):
    exclusion = TreatyEventFactory(
        state=ukraine_rome,
        instrument=rome,
        kind=TreatyEventKind.WAR_CRIMES_EXCLUSION,
        exclusion_scope=ExclusionScope.NATIONALS,
        deposited_on=D(2024, 10, 25),
    )
    assert ukraine_rome.treaty_status(rome, D(2024, 12, 31)).declarations == ()
    assert ukraine_rome.treaty_status(rome, D(2025, 1, 1)).declarations == (exclusion,)


def test_reservations_bind_only_a_party(russia, gc4, ussr_gc4):
    # Made on signature in 1949; in force once the ratification took effect.
    assert russia.treaty_status(gc4, D(1952, 1, 1)).reservations == ()
    assert russia.treaty_status(gc4, D(1955, 1, 1)).reservations == (ussr_gc4,)


def test_an_override_cannot_bind_before_the_instrument_existed(ukraine, gc4):
    # Saved without clean(), as a careless import might: the date is still clamped.
    event = TreatyEventFactory(
        state=ukraine,
        instrument=gc4,
        kind=TreatyEventKind.SUCCESSION,
        deposited_on=D(1993, 5, 1),
        effective_on_override=D(1940, 1, 1),
    )
    assert event.effective_on == D(1950, 10, 21)
    assert ukraine.treaty_status(gc4, D(1945, 1, 1)).kind == TreatyStatusKind.NOT_BOUND
