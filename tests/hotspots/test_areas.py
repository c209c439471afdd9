"""Hotspot areas: breakdowns by label against pandas' cross-tabulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.disclosure import breakdown_text
from hotspots.areas import _mix


def _crosstab_mix(group, labels, n_groups, threshold):
    """The reference: ``pd.crosstab`` of the member rows' labels as text."""
    member = group >= 0
    table = pd.crosstab(group[member], labels[member].astype(str).to_numpy()).reindex(
        index=range(n_groups), fill_value=0
    )
    columns = [str(c) for c in table.columns]
    return [breakdown_text(columns, row, threshold) for row in table.to_numpy()]


@pytest.mark.parametrize("dtype", ["category", "object", "str"])
def test_mix_equals_a_crosstab_of_the_member_rows(dtype):
    """Random labels (some missing, one category never used, groups without
    rows): each group's breakdown is the cross-tabulation's, in its order."""
    rng = np.random.default_rng(3)
    words = np.array(["violence", "drugs", "Weapon", "anti-social", "zz", "drugs "])
    for _ in range(20):
        n = int(rng.integers(0, 300))
        values = pd.Series(rng.choice(words, n), dtype=object)
        values[rng.random(n) < 0.05] = None
        if dtype == "category":
            labels = values.astype(pd.CategoricalDtype([*words, "unused"]))
        else:
            labels = values.astype(dtype)
        group = rng.integers(-1, 6, n)
        n_groups = 8
        assert _mix(group, labels, n_groups, 5) == _crosstab_mix(
            group, labels, n_groups, 5
        )
