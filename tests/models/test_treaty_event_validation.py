"""Impossible treaty acts are refused, with an error on the field that is wrong."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import (
    ExclusionScope,
    TreatyEvent,
    TreatyEventKind,
)
from tests.factories import StateFactory, TreatyEventFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def ukraine():
    return StateFactory(code="UA", name="Ukraine")


def errors_of(event: TreatyEvent) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        event.full_clean()
    return raised.value.message_dict


def test_ratification_before_the_instrument_was_adopted(ukraine, gc4):
    event = TreatyEvent(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.RATIFICATION, deposited_on=D(1948, 1, 1)
    )
    assert errors_of(event) == {
        "deposited_on": [
            "GC IV was adopted on 12 August 1949: no act of a state can come before it."
        ]
    }


def test_override_before_the_instrument_entered_into_force(ukraine, gc4):
    event = TreatyEvent(
        state=ukraine,
        instrument=gc4,
        kind=TreatyEventKind.SUCCESSION,
        deposited_on=D(1993, 5, 1),
        effective_on_override=D(1940, 1, 1),
    )
    [message] = errors_of(event)["effective_on_override"]
    assert message.startswith("GC IV entered into force on 21 October 1950")


def test_override_before_deposit_only_for_a_succession(ukraine, gc4):
    retroactive = {"deposited_on": D(1993, 5, 1), "effective_on_override": D(1991, 8, 24)}
    succession = TreatyEvent(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.SUCCESSION, **retroactive
    )
    succession.full_clean()  # a succession reaches back to the date of succession
    accession = TreatyEvent(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.ACCESSION, **retroactive
    )
    assert "only a notification of succession" in errors_of(accession)["effective_on_override"][0]


def test_denunciation_without_a_prior_consent(ukraine, gc4):
    event = TreatyEvent(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.DENUNCIATION, deposited_on=D(1960, 1, 1)
    )
    [message] = errors_of(event)["kind"]
    assert message.startswith("A denunciation needs an earlier ratification")


def test_denunciation_after_a_ratification_is_accepted(ukraine, gc4):
    TreatyEventFactory(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.RATIFICATION, deposited_on=D(1954, 8, 3)
    )
    TreatyEvent(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.DENUNCIATION, deposited_on=D(1960, 1, 1)
    ).full_clean()


def test_a_second_consent_while_bound(ukraine, gc4):
    TreatyEventFactory(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.RATIFICATION, deposited_on=D(1954, 8, 3)
    )
    event = TreatyEvent(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.ACCESSION, deposited_on=D(1993, 1, 1)
    )
    assert "already bound by its ratification of 3 August 1954" in errors_of(event)["kind"][0]


def test_signature_withdrawal_needs_a_signature_and_no_consent(ukraine, rome):
    withdrawal = TreatyEvent(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.SIGNATURE_WITHDRAWAL,
        deposited_on=D(2016, 11, 30),
    )
    assert errors_of(withdrawal)["kind"] == [
        "No signature of Ukraine is recorded before this date to withdraw."
    ]
    TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.RATIFICATION,
        deposited_on=D(2010, 1, 1),
    )
    assert "a party leaves by denunciation" in errors_of(withdrawal)["kind"][0]


def test_art_124_declaration_needs_its_scope_and_a_consent(ukraine, rome):
    event = TreatyEvent(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.WAR_CRIMES_EXCLUSION,
        deposited_on=D(2024, 10, 25),
    )
    errors = errors_of(event)
    assert errors["exclusion_scope"][0].startswith("An art. 124 declaration needs its scope")
    event.exclusion_scope = ExclusionScope.NATIONALS
    assert errors_of(event)["kind"][0].startswith("An art. 124 declaration is made on becoming")
    TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.RATIFICATION,
        deposited_on=D(2024, 10, 25),
    )
    event.full_clean()


def test_scope_only_on_an_art_124_declaration(ukraine, rome):
    event = TreatyEvent(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.SIGNATURE,
        deposited_on=D(2000, 1, 20),
        exclusion_scope=ExclusionScope.BOTH,
    )
    assert "exclusion_scope" in errors_of(event)


def test_jurisdiction_cannot_be_accepted_before_the_statute(ukraine, rome):
    event = TreatyEvent(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.JURISDICTION_DECLARATION,
        deposited_on=D(2014, 4, 17),
        jurisdiction_from=D(2001, 1, 1),
    )
    assert "art. 11(1)" in errors_of(event)["jurisdiction_from"][0]


def test_withdrawal_of_an_act_under_another_instrument(ukraine, gc4, rome):
    declaration = TreatyEventFactory(
        state=ukraine, instrument=gc4, kind=TreatyEventKind.DECLARATION, deposited_on=D(1990, 1, 1)
    )
    event = TreatyEvent(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.DECLARATION_WITHDRAWAL,
        deposited_on=D(2020, 1, 1),
        withdraws=declaration,
    )
    assert errors_of(event)["withdraws"] == ["The act withdrawn must be under the same instrument."]
