"""Picking rows by label: the same answer as comparing every row as text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.categories import is_one_of

LABELS = ["drugs", "violence", "missing", None, "anti-social behaviour", "drugs"]


@pytest.mark.parametrize(
    "wanted",
    [
        ("drugs",),
        ("violence", "missing"),
        ("nan",),
        ("drugs", "nan"),
        ("not a theme",),
        (),
    ],
)
@pytest.mark.parametrize("categorical", [True, False])
def test_rows_picked_are_those_whose_text_is_wanted(wanted, categorical):
    column = pd.Series(LABELS, dtype="category" if categorical else object)
    expected = column.astype(str).isin(set(wanted)).to_numpy()
    picked = is_one_of(column, wanted)
    assert picked.dtype == bool
    assert np.array_equal(picked, expected)


def test_unused_categories_and_order_do_not_matter():
    column = pd.Series(
        pd.Categorical(["b", "a", "b"], categories=["c", "b", "a"], ordered=True)
    )
    assert list(is_one_of(column, {"b", "c"})) == [True, False, True]
