"""Blank and repeated rows are found exactly, in any column order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.read import _all_blank, _repeated_rows


def _random_table(seed: int, n: int = 400) -> pd.DataFrame:
    """Return a small table of strings with many partial and whole repeats."""
    rng = np.random.default_rng(seed)
    pick = lambda values: rng.choice(values, n)  # noqa: E731
    return pd.DataFrame(
        {
            "date": pick(["01/02/2025", "02/02/2025", "", " "]),
            "time": pick(["21:30", "22:00", ""]),
            "category": pick(["drugs", "ASB", ""]),
            "latitude": pick(["51.62", "51.620", "51.63", ""]),
            "longitude": pick(["-3.94", "-3.95", ""]),
        },
        dtype="str",
    )


@pytest.mark.parametrize("seed", range(20))
def test_repeated_rows_match_pandas_duplicated(seed):
    """Every column order gives exactly pandas' whole-row duplicated()."""
    table = _random_table(seed)
    columns = [table[c] for c in table.columns]
    expected = table.duplicated().to_numpy()
    assert expected.sum() > 0
    assert (_repeated_rows(columns) == expected).all()
    assert (_repeated_rows(columns[::-1]) == expected).all()


def test_a_row_differing_only_in_the_last_column_is_not_repeated():
    """Rows alike in all but the last column are both kept."""
    table = pd.DataFrame(
        {"a": ["x", "x", "x"], "b": ["1", "1", "1"], "c": ["p", "q", "p"]}, dtype="str"
    )
    assert _repeated_rows([table[c] for c in table.columns]).tolist() == [
        False,
        False,
        True,
    ]


@pytest.mark.parametrize("seed", range(10))
def test_blank_rows_are_those_empty_in_every_column(seed):
    """Only rows empty or white space in every column are blank."""
    table = _random_table(seed)
    columns = [table[c] for c in table.columns]
    expected = (table.apply(lambda c: c.str.strip()) == "").all(axis=1).to_numpy()
    assert (_all_blank(columns) == expected).all()
    assert _all_blank([pd.Series(["a", " "], dtype="str")]).tolist() == [False, True]
