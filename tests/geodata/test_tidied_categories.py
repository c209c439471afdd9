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


def test_a_missing_category_is_not_counted_as_blank_when_none_is_blank():
    """A null category (GeoJSON) is kept as missing, as before, not dropped."""
    import json

    from geodata.read import read_incidents

    features = [
        {
            "type": "Feature",
            "properties": {
                "date": f"2025-01-0{i + 1}",
                "category": None if i == 0 else "drugs",
            },
            "geometry": {"type": "Point", "coordinates": [-3.94 + i * 0.001, 51.62]},
        }
        for i in range(5)
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    frame, reports = read_incidents([("a.geojson", data)])
    assert len(frame) == 5
    assert reports[0].dropped == {}
    assert frame["category"].isna().sum() == 1
