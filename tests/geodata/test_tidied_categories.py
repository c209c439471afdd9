"""Categories are tidied on their distinct values, exactly as row by row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.read import _tidied_categories


def _tidy(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.lower()


@pytest.mark.parametrize("dtype", ["str", object])
def test_same_as_tidying_every_row(dtype):
    """Codes, categories and missing values match the row-by-row clean-up."""
    rng = np.random.default_rng(3)
    raw = pd.Series(
        rng.choice(["Drugs", " drugs", "ASB ", "asb", "", "  ", None, "Knife"], 500),
        dtype=dtype,
    )
    expected = _tidy(raw).astype("category")
    got = pd.Series(_tidied_categories(raw, _tidy))
    assert list(got.cat.categories) == list(expected.cat.categories)
    assert got.isna().sum() == expected.isna().sum() > 0
    assert (
        got.astype(object).fillna("<NA>") == expected.astype(object).fillna("<NA>")
    ).all()


def test_blank_values_become_one_category():
    """Empty and white-space values tidy to the one blank category."""
    got = _tidied_categories(pd.Series(["", "  ", "a"], dtype="str"), _tidy)
    assert list(got.categories) == ["", "a"]
    assert list(got.codes) == [0, 0, 1]
