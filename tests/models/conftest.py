"""The instruments of reference-facts.md with their real dates and rules, shared by the
tests of the law (treaty status, treaty acts, ICC jurisdiction)."""

import datetime

import pytest

from cases.models import EntryIntoForceRule, InstrumentKind, StateRelation, TreatyEventKind
from tests.factories import InstrumentFactory, StateFactory, TreatyEventFactory

D = datetime.date


@pytest.fixture
def gc4():
    return InstrumentFactory(
        slug="gc-iv",
        short_title="GC IV",
        adopted_on=D(1949, 8, 12),
        entry_into_force_on=D(1950, 10, 21),
        entry_into_force_rule=EntryIntoForceRule.MONTHS_AFTER_DEPOSIT,
        entry_into_force_delay=6,
        withdrawal_delay_months=12,
    )


@pytest.fixture
def ap1():
    return InstrumentFactory(
        slug="ap-i",
        short_title="AP I",
        adopted_on=D(1977, 6, 8),
        entry_into_force_on=D(1978, 12, 7),
        entry_into_force_rule=EntryIntoForceRule.MONTHS_AFTER_DEPOSIT,
        entry_into_force_delay=6,
        withdrawal_delay_months=12,
    )


@pytest.fixture
def rome():
    return InstrumentFactory(
        slug="rome-statute",
        short_title="Rome Statute",
        kind=InstrumentKind.STATUTE,
        adopted_on=D(1998, 7, 17),
        entry_into_force_on=D(2002, 7, 1),
        entry_into_force_rule=EntryIntoForceRule.FIRST_OF_MONTH_AFTER_DAYS,
        entry_into_force_delay=60,
        withdrawal_delay_months=12,
        published=True,  # the ICC jurisdiction answer reads only a public statute
    )


@pytest.fixture
def genocide():
    return InstrumentFactory(
        slug="genocide-convention",
        short_title="Genocide Convention",
        adopted_on=D(1948, 12, 9),
        entry_into_force_on=D(1951, 1, 12),
        entry_into_force_rule=EntryIntoForceRule.DAYS_AFTER_DEPOSIT,
        entry_into_force_delay=90,
        withdrawal_delay_months=None,
    )


# The states, and their acts under the Rome Statute (reference-facts.md).


@pytest.fixture
def ussr():
    return StateFactory(code="SU", name="Union of Soviet Socialist Republics")


@pytest.fixture
def russia(ussr):
    return StateFactory(
        code="RU",
        name="Russian Federation",
        predecessor=ussr,
        predecessor_relation=StateRelation.CONTINUATION,
    )


@pytest.fixture
def ukraine():
    return StateFactory(code="UA", name="Ukraine")


@pytest.fixture
def ukraine_rome(ukraine, rome):
    TreatyEventFactory(
        state=ukraine, instrument=rome, kind=TreatyEventKind.SIGNATURE, deposited_on=D(2000, 1, 20)
    )
    TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.JURISDICTION_DECLARATION,
        deposited_on=D(2014, 4, 17),
        jurisdiction_from=D(2013, 11, 21),
        jurisdiction_to=D(2014, 2, 22),
    )
    TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.JURISDICTION_DECLARATION,
        deposited_on=D(2015, 9, 8),
        jurisdiction_from=D(2014, 2, 20),
    )
    TreatyEventFactory(
        state=ukraine,
        instrument=rome,
        kind=TreatyEventKind.RATIFICATION,
        deposited_on=D(2024, 10, 25),
    )
    return ukraine


@pytest.fixture
def russia_rome(russia, rome):
    TreatyEventFactory(
        state=russia, instrument=rome, kind=TreatyEventKind.SIGNATURE, deposited_on=D(2000, 9, 13)
    )
    TreatyEventFactory(
        state=russia,
        instrument=rome,
        kind=TreatyEventKind.SIGNATURE_WITHDRAWAL,
        deposited_on=D(2016, 11, 30),
    )
    return russia
