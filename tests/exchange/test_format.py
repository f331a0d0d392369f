"""The importer's fast EDTF bounds agree with cases.edtf.edtf_bounds()."""

import pytest
from django.core.exceptions import ValidationError

from cases.edtf import edtf_bounds
from cases.exchange.format import cached_edtf_bounds

FORMS = [
    "2022-02-24", "2022-02-24~", "2022-02-24?", "2022-02-24%", "2022-02", "2022-02~",
    "2024-02", "2023-02", "2022", "2022?", "2022-XX", "2022-02-XX", "1999-12-31",
    "2022-02-24/..", "2022-02-24/", "../2022-03-01", "/2022-03-01", "2022-02/2023-05",
    "2022-02-24/2022-03-10", "2022~/2023", "2022-05~/2022-06-01",
]  # fmt: skip


@pytest.mark.parametrize("text", FORMS)
def test_fast_bounds_equal_the_parser(text):
    cached_edtf_bounds.cache_clear()
    assert cached_edtf_bounds(text) == edtf_bounds(text)


@pytest.mark.parametrize("text", ["2022-13", "2022-02-30", "2023/2022", "yesterday", "2022-2"])
def test_invalid_forms_raise_like_the_parser(text):
    with pytest.raises(ValidationError):
        edtf_bounds(text)
    with pytest.raises(ValidationError):
        cached_edtf_bounds(text)
