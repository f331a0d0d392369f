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
from django.core.exceptions import ValidationError
from django.db import models


@functools.lru_cache(maxsize=4096)
def edtf_bounds(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    """The earliest and latest day an EDTF string can mean; None for an open end.

    Raises ValidationError with a message a staff member can act on. Cached: the parser
    takes a few ms a string, and one admin save asks three times (the form's validation, the
    model's, the field's pre_save). An error is not cached, so its message is always new.
    """
    text = text.strip()
    if not text:
        return None, None
    try:
        parsed = edtf.parse_edtf(text)
    except Exception as exc:  # the parser raises several exception types
        raise ValidationError(
            "“%(value)s” is not a valid EDTF date. Examples: 2022-02-24, 2022-05~ "
            "(approximately May 2022), 2022-XX (some month of 2022), "
            "2022-02-24/.. (from 24 February 2022, ongoing), 2022-02-24/2022-03-10.",
            code="invalid_edtf",
            params={"value": text},
        ) from exc
    start, _, end = text.partition("/")
    lower = None if start in {"", ".."} else _to_date(parsed.lower_strict())
    upper = None if "/" in text and end in {"", ".."} else _to_date(parsed.upper_strict())
    if lower and upper and upper < lower:
        raise ValidationError(
            "“%(value)s” ends (%(upper)s) before it starts (%(lower)s).",
            code="edtf_reversed",
            params={"value": text, "lower": lower.isoformat(), "upper": upper.isoformat()},
        )
    return lower, upper


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
    """An EDTF string as a reader says it: "2022-02-24/.." -> "from 24 February 2022
    onwards", "2022-05~" -> "about May 2022", "2022-XX" -> "some month of 2022". A form
    this does not know is shown as it is."""
    text = (text or "").strip()
    if "/" not in text:
        return _single_in_words(text) or text
    start, end = text.split("/", 1)
    first, last = _single_in_words(start), _single_in_words(end)
    if first and end == "..":
        return f"from {first} onwards"
    if first and end == "":
        return f"from {first} (end unknown)"
    if last and start == "..":
        return f"until {last}"
    if last and start == "":
        return f"until {last} (start unknown)"
    if first and last:
        return f"{first} – {last}"
    return text


def _single_in_words(text: str) -> str | None:
    match = _SINGLE.match(text)
    if not match:
        return None
    year, month, day, qualifier = match.group("year", "month", "day", "q")
    if "X" in year:
        words = f"the {year[:3]}0s"
    elif month in (None, "XX"):
        words = f"some month of {year}" if month == "XX" else year
    else:
        name = datetime.date(2000, int(month), 1).strftime("%B") if 1 <= int(month) <= 12 else None
        if name is None:
            return None
        if day in (None, "XX"):
            words = f"{'some day of ' if day == 'XX' else ''}{name} {year}"
        else:
            words = f"{int(day)} {name} {year}"
    if qualifier in {"~", "%"}:
        words = f"about {words}"
    if qualifier in {"?", "%"}:
        words = f"{words} (uncertain)"
    return words
