"""cases.edtf parses a string with the library's level 0 or level 1 grammar when that reads
it whole, before its whole grammar: the result must be the one the whole grammar gives."""

import edtf
import pytest

from cases.edtf import _parse

VALID = [
    # level 0
    "2022", "2022-02", "2022-02-24", "1999-12-31", "2024-02-29", "0500",
    "2022-02-24/2022-03-10", "2022-02/2023-05", "2022/2023", "2022-02-24T10:00:00",
    # level 1
    "2022-02-24/..", "2022-02-24/", "../2022-03-01", "/2022-03-01", "2022-05~", "2022?",
    "2022-02-24%", "2022-XX", "2022-02-XX", "202X", "2022-21", "2022~/2023",
    "2022-05~/2022-06-01", "Y170000002", "-2022",
    # level 2
    "2022-?02-24", "?2022-02-24", "2004-06-~11", "2004?-06-11", "2022-02-1X", "2004-XX-XX",
    "2022-02-24/2022-03-XX", "[2022, 2023]", "[..2022]", "{2022, 2023}", "2022-33", "Y17E7",
]  # fmt: skip
INVALID = ["2022-13", "2022-02-30", "24/02/2022", "spring 2022", "2022-2", "2022-1X", "x"]


def outcome(method, *args):
    """What a call gives, or the type of what it raises (the library raises more than its
    EDTFParseException: an AttributeError for "2022-1X", a ValueError for the bounds of
    "2022-02-2X")."""
    try:
        return method(*args)
    except Exception as exc:
        return type(exc)


def parsed(parse, text: str):
    result = outcome(parse, text)
    if isinstance(result, type):
        return result
    return type(result), repr(result), outcome(result.lower_strict), outcome(result.upper_strict)


@pytest.mark.parametrize("text", VALID)
def test_same_result_as_the_whole_grammar(text):
    expected = parsed(edtf.parse_edtf, text)
    assert isinstance(expected, tuple)  # the library reads it
    assert parsed(_parse, text) == expected


@pytest.mark.parametrize("text", INVALID)
def test_refused_as_by_the_whole_grammar(text):
    expected = parsed(edtf.parse_edtf, text)
    assert isinstance(expected, type)  # the library refuses it
    assert parsed(_parse, text) == expected
