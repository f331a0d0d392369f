"""Ukrainian: the project's input formats (ihl/formats/__init__.py); dates shown with the
month in the genitive, as Ukrainian writes them: 24 лютого 2022. Numbers (separators,
grouping) come from Django's own Ukrainian module."""

from ihl.formats import (
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    TIME_INPUT_FORMATS,
    YEAR_MONTH_FORMAT,
)

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y H:i"
MONTH_DAY_FORMAT = "j E"

__all__ = [
    "DATETIME_FORMAT",
    "DATETIME_INPUT_FORMATS",
    "DATE_FORMAT",
    "DATE_INPUT_FORMATS",
    "FIRST_DAY_OF_WEEK",
    "MONTH_DAY_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "TIME_FORMAT",
    "TIME_INPUT_FORMATS",
    "YEAR_MONTH_FORMAT",
]
