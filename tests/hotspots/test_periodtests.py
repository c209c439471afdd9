"""The per-period hot-cell test against refit_hot run one period at a time."""

from __future__ import annotations

import numpy as np
import pytest

from hotspots import periodtests
from hotspots.gistar import gi_star_z, refit_hot
from hotspots.periods import period_counts
from hotspots.periodtests import _bh_by_period, hot_in_periods
from hotspots.pvalues import bh_adjusted
from tests.lattice_cases import SIDE, cluster, lattice


def _refit_hot_by_period(counts, w, alpha, background, max_refits):
    """The reference: ``refit_hot`` one period at a time, as periods did before."""
    z = gi_star_z(counts, w)
    hot = np.zeros(counts.shape, bool)
    for p in range(counts.shape[1]):
        if counts[:, p].sum():
            hot[:, p] = refit_hot(
                counts[:, p], z[:, p], w, alpha, background, max_refits=max_refits
            )[1]
    return z, hot


@pytest.mark.parametrize("max_refits", [0, 1, periodtests.MAX_REFITS])
@pytest.mark.parametrize("seed", range(6))
def test_hot_in_periods_equals_refit_hot_in_every_period(seed, max_refits, monkeypatch):
    """All periods tested together give refit_hot's flags period by period: strong
    and weak contexts that come and go, an empty period, a background too small
    to fit on (seed 5) and a cap on re-fits, so that every path is taken."""
    monkeypatch.setattr(periodtests, "MAX_REFITS", max_refits)
    rng = np.random.default_rng(seed)
    w = lattice()
    n_periods = 8
    cells, periods = [], []
    for p in range(n_periods - 1):  # the last period is empty
        part = [rng.integers(0, SIDE * SIDE, 120)]
        for centre, low, high in ((105, 60, 140), (294, 12, 25), (75, 5, 12)):
            if rng.random() < 0.7:
                part.append(cluster(rng, centre, int(rng.integers(low, high))))
        cells += part
        periods += [np.full(sum(len(c) for c in part), p)]
    counts = period_counts(
        np.concatenate(cells), np.concatenate(periods), SIDE * SIDE, n_periods
    )
    background = rng.random(SIDE * SIDE) < (0.05 if seed == 5 else 0.8)
    refitted = False
    for bg in (background, np.ones(SIDE * SIDE, bool)):
        z, expected = _refit_hot_by_period(counts, w, 0.05, bg, max_refits)
        got = hot_in_periods(counts, z, w, 0.05, bg)
        assert expected.any()
        np.testing.assert_array_equal(got, expected)
        refitted |= (expected != _refit_hot_by_period(counts, w, 0.05, bg, 0)[1]).any()
    assert refitted or max_refits == 0


def test_bh_by_period_equals_bh_adjusted_with_ties():
    """Benjamini-Hochberg on distinct p-values with repeats equals it on all cells."""
    rng = np.random.default_rng(4)
    n_cells = 50
    for _ in range(20):
        p_cells = rng.choice(
            [0.001, 0.01, 0.02, 0.2, 1.0, *rng.random(5)], (n_cells, 3)
        )
        keys = [np.unique(p_cells[:, j], return_counts=True) for j in range(3)]
        p = np.concatenate([k[0] for k in keys])
        repeats = np.concatenate([k[1] for k in keys])
        period = np.repeat(np.arange(3), [len(k[0]) for k in keys])
        got = _bh_by_period(p, period, repeats, n_cells)
        for j in range(3):
            expected = bh_adjusted(p_cells[:, j])
            lookup = dict(zip(p[period == j], got[period == j], strict=True))
            np.testing.assert_array_equal([lookup[v] for v in p_cells[:, j]], expected)
