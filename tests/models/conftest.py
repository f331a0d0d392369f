"""The instruments of reference-facts.md with their real dates and rules, shared by the
tests of the law (treaty status, treaty acts, ICC jurisdiction)."""

import datetime

import pytest

from cases.models import EntryIntoForceRule, InstrumentKind
from tests.factories import InstrumentFactory

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
