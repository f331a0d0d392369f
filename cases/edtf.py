"""Uncertain dates as reported (EDTF strings) and the date bounds that filters use.

A record stores the reported form ("2022-02-24/..", "2022-05~", "2022-XX") in an
`EDTFField`, which on save fills two indexed DateFields with the earliest and latest
day the text can mean. An open end ("..") or an unknown end ("2022-02-24/") leaves that
bound empty, meaning "unbounded".
"""

import datetime
import functools
import math
import re

import edtf
import edtf.parser.grammar
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@functools.lru_cache(maxsize=4096)
def edtf_bounds(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    """The earliest and latest day an EDTF string can mean; None for an open end.

    Raises ValidationError with a message a staff member can act on. Cached: one admin
    save asks three times (the form's validation, the model's, the field's pre_save). An
    error is not cached, so its message is always new.
    """
    text = text.strip()
    if not text:
        return None, None
    start, _, end = text.partition("/")
    try:
        parsed = _parse(text)
        # The library reads some strings it cannot place in the calendar ("2023-02-29",
        # "2022-02-2X"): it fails on their bounds, so they are not dates either.
        lower = None if start in {"", ".."} else _to_date(parsed.lower_strict())
        upper = None if "/" in text and end in {"", ".."} else _to_date(parsed.upper_strict())
    except Exception as exc:  # the parser raises several exception types
        raise ValidationError(
            gettext_lazy(
                "“%(value)s” is not a valid EDTF date. Examples: 2022-02-24, 2022-05~ "
                "(approximately May 2022), 2022-XX (some month of 2022), "
                "2022-02-24/.. (from 24 February 2022, ongoing), 2022-02-24/2022-03-10."
            ),
            code="invalid_edtf",
            params={"value": text},
        ) from exc
    if lower and upper and upper < lower:
        raise ValidationError(
            gettext_lazy("“%(value)s” ends (%(upper)s) before it starts (%(lower)s)."),
            code="edtf_reversed",
            params={"value": text, "lower": lower.isoformat(), "upper": upper.isoformat()},
        )
    return lower, upper


# The library's grammar is "level 0 ^ level 1 ^ level 2": the longest match wins, and of
# equal ones the first. So a string that a lower level's grammar reads whole is parsed as
# the whole grammar would parse it, in a fifth of the time (1 to 4 ms instead of 6 to 27:
# the whole grammar tries every level's alternatives). tests/test_edtf_parse.py compares.
_LOWER_LEVELS = (edtf.parser.grammar.level0Expression, edtf.parser.grammar.level1Expression)


def _parse(text: str):
    for level in _LOWER_LEVELS:
        try:
            return level.parse_string(text, parse_all=True)[0]
        except Exception:  # not of this level: the whole grammar says what is wrong
            continue
    return edtf.parse_edtf(text)


def _to_date(value) -> datetime.date | None:
    if isinstance(value, float) and math.isinf(value):
        return None
    return datetime.date(value.tm_year, value.tm_mon, value.tm_mday)


def validate_edtf(value: str) -> None:
    edtf_bounds(value)


class EDTFField(models.CharField):
    """An EDTF string that keeps two DateFields of the same model equal to its bounds.

    Declare the bound fields after this field: Django computes field values in
    declaration order, and bulk_create() goes through pre_save() as well.
    """

    derives_bounds = True

    def __init__(self, *args, lower_field: str, upper_field: str, **kwargs):
        self.lower_field = lower_field
        self.upper_field = upper_field
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)
        self.validators.append(validate_edtf)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["lower_field"] = self.lower_field
        kwargs["upper_field"] = self.upper_field
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if not self.derives_bounds:  # a history version (cases.models.base.History)
            return value
        lower, upper = edtf_bounds(value or "")
        setattr(model_instance, self.lower_field, lower)
        setattr(model_instance, self.upper_field, upper)
        return value


_SINGLE = re.compile(
    r"^(?P<year>\d{4}|\d{3}X)(?:-(?P<month>\d{2}|XX))?(?:-(?P<day>\d{2}|XX))?(?P<q>[~?%]?)$"
)


def edtf_in_words(text: str) -> str:
    """An EDTF string as a reader says it, in the active language: "2022-02-24/.." -> "from
    24 February 2022 onwards" ("від 24 лютого 2022 і далі"), "2022-05~" -> "about May 2022",
    "2022-XX" -> "some month of 2022". Day and month come from the language's date formats
    (ihl/formats). A form this does not know is shown as it is."""
    text = (text or "").strip()
    if "/" not in text:
        return _single_in_words(text) or text
    start, end = text.split("/", 1)
    first, last = _single_in_words(start), _single_in_words(end)
    if first and end == "..":
        return _("from %(start)s onwards") % {"start": first}
    if first and end == "":
        return _("from %(start)s (end unknown)") % {"start": first}
    if last and start == "..":
        return _("until %(end)s") % {"end": last}
    if last and start == "":
        return _("until %(end)s (start unknown)") % {"end": last}
    if first and last:
        return f"{first} – {last}"
    return text


def _single_in_words(text: str) -> str | None:
    match = _SINGLE.match(text)
    if not match:
        return None
    year, month, day, qualifier = match.group("year", "month", "day", "q")
    if "X" in year:
        words = _("the %(decade)ss") % {"decade": f"{year[:3]}0"}
    elif month in (None, "XX"):
        words = _("some month of %(year)s") % {"year": year} if month == "XX" else year
    else:
        try:
            first_day = datetime.date(int(year), int(month), 1)
        except ValueError:
            return None
        if day in (None, "XX"):
            month_year = date_format(first_day, "YEAR_MONTH_FORMAT")
            words = _("some day of %(month)s") % {"month": month_year} if day else month_year
        else:
            try:
                words = date_format(first_day.replace(day=int(day)), "DATE_FORMAT")
            except ValueError:
                return None
    if qualifier in {"~", "%"}:
        words = _("about %(date)s") % {"date": words}
    if qualifier in {"?", "%"}:
        words = _("%(date)s (uncertain)") % {"date": words}
    return words
