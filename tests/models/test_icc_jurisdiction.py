"""Could the ICC exercise jurisdiction, and on what basis? Rome Statute arts. 11, 12(2),
12(3), 13(b), 124 and 127(2), on the facts of reference-facts.md where they exist."""

import datetime

import pytest

from cases.models import (
    ExclusionScope,
    SecurityCouncilReferral,
    TreatyEventKind,
)
from cases.models.jurisdiction import Jurisdiction, icc_jurisdiction
from tests.factories import StateFactory, TreatyEventFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def ukraine(ukraine_rome, rome):
    """Ukraine's acts, with its art. 124 declaration of the day it ratified."""
    TreatyEventFactory(
        state=ukraine_rome,
        instrument=rome,
        kind=TreatyEventKind.WAR_CRIMES_EXCLUSION,
        exclusion_scope=ExclusionScope.NATIONALS,
        deposited_on=D(2024, 10, 25),
    )
    return ukraine_rome


@pytest.fixture
def russia(russia_rome):
    return russia_rome


def articles(answer) -> list[str]:
    return [ground.article for ground in answer.grounds]


def test_deportation_of_children_from_24_february_2022(ukraine, russia):
    # Ukraine's 2015 declaration covers the day; Russia had withdrawn its signature.
    answer = icc_jurisdiction(on=D(2022, 2, 24), territory=ukraine, nationals=[russia])
    assert answer.answer == Jurisdiction.YES
    assert articles(answer) == ["art. 12(3)"]
    assert answer.grounds[0].act.deposited_on == D(2015, 9, 8)
    assert "from 20 February 2014 onwards" in answer.grounds[0].text


def test_maidan_period_through_the_declaration_lodged_afterwards(ukraine):
    answer = icc_jurisdiction(on=D(2014, 1, 20), territory=ukraine)
    assert answer.answer == Jurisdiction.YES
    assert [g.act.deposited_on for g in answer.grounds] == [D(2014, 4, 17)]


def test_before_any_declared_period_the_court_has_no_basis(ukraine, russia):
    answer = icc_jurisdiction(on=D(2013, 1, 1), territory=ukraine, nationals=[russia])
    assert answer.answer == Jurisdiction.NO
    assert answer.grounds == ()


def test_party_from_2025_with_the_declaration_still_shown(ukraine, russia):
    answer = icc_jurisdiction(on=D(2025, 3, 1), territory=ukraine, nationals=[russia])
    assert answer.answer == Jurisdiction.YES
    assert articles(answer) == ["art. 12(2)(a)", "art. 12(3)"]


def test_art_124_excludes_war_crimes_by_ukrainian_nationals_for_seven_years(ukraine):
    answer = icc_jurisdiction(on=D(2025, 3, 1), territory=ukraine, nationals=[ukraine])
    assert answer.answer == Jurisdiction.YES  # crimes against humanity, genocide
    assert articles(answer) == ["art. 12(2)(a) and art. 12(2)(b)", "art. 12(3)"]
    [limit] = answer.limits
    assert limit.article == "art. 124"
    assert "from 1 January 2025 (to 31 December 2031)" in limit.text
    assert "war crimes (art. 8)" in limit.text
    later = icc_jurisdiction(on=D(2032, 1, 1), territory=ukraine, nationals=[ukraine])
    assert later.limits == ()


def test_art_124_of_nationals_does_not_shield_foreign_perpetrators(ukraine, russia):
    answer = icc_jurisdiction(on=D(2025, 3, 1), territory=ukraine, nationals=[russia])
    assert answer.limits == ()


def test_art_124_and_the_earlier_declaration_is_said_to_be_unsettled(ukraine):
    answer = icc_jurisdiction(on=D(2022, 2, 24), territory=ukraine, nationals=[ukraine])
    assert answer.answer == Jurisdiction.YES
    assert answer.limits == ()
    assert any("not settled" in text for text in answer.unknowns)


def test_nothing_before_the_statute_entered_into_force(ukraine):
    answer = icc_jurisdiction(on=D(2002, 6, 30), territory=ukraine)
    assert answer.answer == Jurisdiction.NO
    assert [limit.article for limit in answer.limits] == ["art. 11(1)"]


def test_joining_later_reaches_back_only_through_a_declaration(rome):
    # Art. 11(2): a state that became a party later gives no basis for earlier crimes.
    state = StateFactory(code="XA", name="A later party")
    TreatyEventFactory(
        state=state, instrument=rome, kind=TreatyEventKind.ACCESSION, deposited_on=D(2015, 1, 2)
    )
    answer = icc_jurisdiction(on=D(2014, 6, 1), territory=state, nationals=[state])
    assert answer.answer == Jurisdiction.NO
    assert [limit.article for limit in answer.limits] == ["art. 11(2)"]
    assert "only from 1 April 2015" in answer.limits[0].text


def test_security_council_referral_of_darfur(rome):
    # Resolution 1593 of 31 March 2005: the situation in Darfur since 1 July 2002.
    sudan = StateFactory(code="SD", name="Sudan")
    referral = SecurityCouncilReferral.objects.create(
        instrument=rome,
        resolution="S/RES/1593 (2005)",
        adopted_on=D(2005, 3, 31),
        situation="Darfur, Sudan",
        jurisdiction_from=D(2002, 7, 1),
    )
    referral.states.set([sudan])
    answer = icc_jurisdiction(on=D(2004, 1, 1), territory=sudan)
    assert answer.answer == Jurisdiction.YES
    assert articles(answer) == ["art. 13(b)"]
    assert "S/RES/1593 (2005)" in answer.grounds[0].text
    # Sudan is no party: before the referral's period nothing is known of its acts here.
    before = icc_jurisdiction(on=D(2002, 6, 1), territory=sudan)
    assert before.answer == Jurisdiction.NO


def test_referral_covers_only_its_own_period_and_territory(rome, ukraine):
    libya = StateFactory(code="LY", name="Libya")
    referral = SecurityCouncilReferral.objects.create(
        instrument=rome,
        resolution="S/RES/1970 (2011)",
        adopted_on=D(2011, 2, 26),
        situation="Libya",
        jurisdiction_from=D(2011, 2, 15),
    )
    referral.states.set([libya])
    assert icc_jurisdiction(on=D(2011, 3, 1), territory=libya).answer == Jurisdiction.YES
    earlier = icc_jurisdiction(on=D(2011, 2, 14), territory=libya)
    assert earlier.answer == Jurisdiction.UNKNOWN  # no act of Libya is recorded here
    assert icc_jurisdiction(on=D(2013, 1, 1), territory=ukraine).grounds == ()


def test_crimes_committed_while_a_party_survive_a_withdrawal(rome):
    # Art. 127(2). An invented state: the reference facts record no withdrawal.
    state = StateFactory(code="XB", name="A withdrawing party")
    TreatyEventFactory(
        state=state, instrument=rome, kind=TreatyEventKind.RATIFICATION, deposited_on=D(2004, 9, 21)
    )
    TreatyEventFactory(
        state=state,
        instrument=rome,
        kind=TreatyEventKind.DENUNCIATION,
        deposited_on=D(2016, 10, 27),
    )
    during = icc_jurisdiction(on=D(2015, 4, 26), territory=state)
    assert during.answer == Jurisdiction.YES
    assert articles(during) == ["art. 12(2)(a)", "art. 127(2)"]
    assert "in effect from 27 October 2017" in during.grounds[1].text
    after = icc_jurisdiction(on=D(2018, 1, 1), territory=state, nationals=[state])
    assert after.answer == Jurisdiction.NO
    assert [limit.article for limit in after.limits] == ["art. 127"]


def test_no_record_is_unknown_not_no(rome):
    state = StateFactory(code="XC", name="Nothing recorded")
    answer = icc_jurisdiction(on=D(2020, 1, 1), territory=state)
    assert answer.answer == Jurisdiction.UNKNOWN
    assert any("No act of Nothing recorded" in text for text in answer.unknowns)


def test_unknown_place_is_said(russia):
    answer = icc_jurisdiction(on=D(2020, 1, 1), territory=None, nationals=[russia])
    assert answer.answer == Jurisdiction.UNKNOWN
    assert "territory the crime was committed is not recorded" in answer.unknowns[0]


def test_the_answer_reads_only_a_public_statute(rome, ukraine):
    rome.publication_status = "draft"
    rome.save()
    assert icc_jurisdiction(on=D(2022, 2, 24), territory=ukraine) is None
