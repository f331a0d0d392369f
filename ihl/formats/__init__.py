"""Date formats of the staff admin and the pages, for every language (FORMAT_MODULE_PATH).

With localisation always on (Django 5), a language's own format module wins over the
DATE_INPUT_FORMATS and DATE_FORMAT settings; Django's `en` one reads "07/03/2025" as
3 July. Each language of settings.LANGUAGES therefore has a module here,
`ihl/formats/<code>/formats.py`, that takes these definitions (tests/test_formats.py
checks every language has one).

Typed dates: ISO 8601 first (the admin's date widget and calendar write the first input
format), then the month in words, day first or month first, full or abbreviated. No
other numeric form: 07/03/2025 is 7 March to some and 3 July to others, and is refused.
Python reads the month names in English, whatever the interface language.
"""

# Day first, then month first: 7 March 2025, 7 Mar 2025, March 7, 2025, Mar 7 2025, ...
WORDED_DATE_FORMATS = [
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%d %b, %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
]
TIMES = ["%H:%M:%S", "%H:%M"]

DATE_INPUT_FORMATS = ["%Y-%m-%d", *WORDED_DATE_FORMATS]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    *(f"{day} {time}" for day in WORDED_DATE_FORMATS for time in TIMES),
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]

# Shown as on the public pages: 1 March 2022, 1 March 2022 14:30 (24-hour clock).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday, as in ISO 8601, on the admin's calendar
