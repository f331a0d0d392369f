"""Dates are typed as ISO or with the month in words, and shown as "1 March 2022", in every
language of the interface (ihl/formats)."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.utils import formats, translation

LANGUAGES = [code for code, _ in settings.LANGUAGES]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_takes_iso_or_words_and_never_a_numeric_day_and_month(language):
    # A language added to settings.LANGUAGES without its ihl/formats/<code>/formats.py gets
    # Django's own formats (en: 07/03/2025 is 3 July; fr: 7 March) and fails here.
    with translation.override(language):
        dates = formats.get_format("DATE_INPUT_FORMATS")
        datetimes = formats.get_format("DATETIME_INPUT_FORMATS")
        assert dates[0] == "%Y-%m-%d"  # what the admin's calendar writes
        for form in dates[1:]:
            assert "%B" in form or "%b" in form, form
        for form in datetimes:
            assert form.startswith("%Y-%m-%d") or "%B" in form or "%b" in form, form
        assert formats.get_format("SHORT_DATE_FORMAT") == "j M Y"


# The month in words, as each language writes a date (Ukrainian puts the month in the
# genitive, Spanish joins with "de").
SHOWN = {
    "en": "24 February 2022",
    "uk": "24 лютого 2022",
    "fr": "24 février 2022",
    "es": "24 de febrero de 2022",
    "ar": "24 فبراير، 2022",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_shows_a_date_with_the_month_in_its_own_words(language):
    with translation.override(language):
        shown = formats.date_format(datetime.date(2022, 2, 24))
        moment = datetime.datetime(2022, 2, 24, 14, 30, tzinfo=datetime.UTC)
        assert shown == SHOWN[language]
        assert formats.date_format(moment, "DATETIME_FORMAT") == f"{shown} 14:30"


@pytest.mark.parametrize(
    "typed", ["2025-03-07", "7 March 2025", "7 Mar 2025", "March 7, 2025", "Mar 7 2025"]
)
def test_a_date_field_reads_iso_and_worded_dates(typed):
    assert forms.DateField().clean(typed) == datetime.date(2025, 3, 7)


@pytest.mark.parametrize("typed", ["07/03/2025", "03/07/2025", "07/03/25", "7.3.2025", "7-3-2025"])
def test_a_date_field_refuses_numeric_day_and_month(typed):
    with pytest.raises(forms.ValidationError):
        forms.DateField().clean(typed)


@pytest.mark.parametrize(
    "typed", ["2025-03-07 14:30", "2025-03-07 14:30:00", "7 March 2025 14:30", "Mar 7, 2025 14:30"]
)
def test_a_datetime_field_reads_iso_and_worded_dates_with_a_time(typed):
    expected = datetime.datetime(2025, 3, 7, 14, 30, tzinfo=datetime.UTC)
    assert forms.DateTimeField().clean(typed) == expected


def test_a_datetime_field_refuses_numeric_day_and_month():
    with pytest.raises(forms.ValidationError):
        forms.DateTimeField().clean("07/03/2025 14:30")


def test_dates_are_shown_with_the_month_in_words():
    assert formats.date_format(datetime.date(2022, 3, 1)) == "1 March 2022"
    moment = datetime.datetime(2022, 3, 1, 14, 30, tzinfo=datetime.UTC)
    assert formats.date_format(moment, "DATETIME_FORMAT") == "1 March 2022 14:30"
