"""Gi* weights and p-values against hand-computed and library values."""

from __future__ import annotations

import numpy as np
import pytest
from libpysal.weights import lat2W
from scipy import stats

from hotspots.gistar import gi_star, gi_star_z, lattice_weights, window_p_values
from hotspots.grid import _distinct_metres, choose_cell_size, make_grid


def test_lattice_weights_match_libpysal_queen_with_self():
    """On a full 4x5 lattice the weights equal libpysal's queen lattice plus self."""
    rows, cols = np.divmod(np.arange(20), 5)
    ours = lattice_weights(rows, cols).toarray()
    theirs = lat2W(4, 5, rook=False).full()[0] + np.eye(20)
    np.testing.assert_array_equal(ours, theirs)


def test_cells_outside_the_study_area_are_not_neighbours():
    """A masked-out cell breaks contiguity; a lone cell has only itself."""
    rows = np.array([0, 0, 5])
    cols = np.array([0, 1, 5])
    w = lattice_weights(rows, cols).toarray()
    np.testing.assert_array_equal(w, [[1, 1, 0], [1, 1, 0], [0, 0, 1]])


def test_make_grid_counts_points_per_cell():
    """Points land in the cells a hand calculation gives."""
    x = np.array([5.0, 15.0, 15.0, 95.0])
    y = np.array([5.0, 5.0, 6.0, 95.0])
    grid = make_grid(x, y, 10.0)
    idx = grid.cell_index(x, y)
    assert grid.counts[idx[0]] == 1
    assert grid.counts[idx[1]] == 2
    assert idx[1] == idx[2]
    assert grid.counts.sum() == 4


def test_poisson_p_values_match_scipy_for_underdispersed_counts():
    """When counts are not over-dispersed the window test is an exact Poisson test."""
    rows, cols = np.divmod(np.arange(100), 10)
    counts = np.tile([1, 2], 50)  # variance below the mean: Poisson branch
    counts[55] = 9
    w = lattice_weights(rows, cols)
    p, model = window_p_values(counts, w)
    assert model["null_model"] == "Poisson"
    window_sum = (w @ counts)[55]
    expected = 2 * stats.poisson.sf(window_sum - 1, 9 * counts.mean())
    assert p[55] == pytest.approx(expected)


def test_negative_binomial_p_values_are_calibrated_by_simulation():
    """Under the fitted null, a cell's p-value is uniform: P(p <= 0.05) ~ 0.05."""
    rng = np.random.default_rng(4)
    rows, cols = np.divmod(np.arange(40 * 40), 40)
    w = lattice_weights(rows, cols)
    rejected = []
    for _ in range(30):
        counts = rng.negative_binomial(1.5, 0.5, len(rows))
        p, model = window_p_values(counts, w)
        assert model["null_model"].startswith("negative binomial")
        rejected.append(np.mean(p <= 0.05))
    assert 0.02 < np.mean(rejected) <= 0.06


def test_gi_star_z_matches_esda_direction_and_flags_a_planted_peak():
    """A single strong peak is hot, with positive z; flat neighbours are not."""
    rows, cols = np.divmod(np.arange(30 * 30), 30)
    counts = np.random.default_rng(1).poisson(1.0, 900)
    peak = 15 * 30 + 15
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            counts[peak + dr * 30 + dc] += 12
    result = gi_star(counts, lattice_weights(rows, cols), alpha=0.05)
    assert result.hot[peak]
    assert result.z[peak] > 5
    assert result.hot.sum() <= 25


def test_cell_size_rules_are_reported():
    """Sparse points get the sparsity rule; the size is a multiple of 50 m in range."""
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 10_000, 200), rng.uniform(0, 10_000, 200)
    choice = choose_cell_size(x, y, 1e8)
    assert choice["cell_size_m"] % 50 == 0
    assert 100 <= choice["cell_size_m"] <= 1000
    assert choice["cell_size_rule"]
    assert choice["sparsity_rule_m"] == pytest.approx((1e8 / 200) ** 0.5, rel=1e-3)


def test_gi_star_z_equals_esda_g_local_star_binary():
    """Our direct Gi* z equals esda's G_Local(star, binary) on a holed lattice."""
    from esda.getisord import G_Local
    from libpysal.weights import WSP

    rng = np.random.default_rng(3)
    rows, cols = np.divmod(np.flatnonzero(rng.random(30 * 30) > 0.1), 30)
    w = lattice_weights(rows, cols)
    counts = rng.negative_binomial(1.5, 0.4, len(rows))
    esda_z = G_Local(
        counts.astype(float),
        WSP(w).to_W(silence_warnings=True),
        transform="B",
        star=None,
        permutations=0,
    ).Zs
    np.testing.assert_allclose(gi_star_z(counts, w), esda_z, atol=1e-12)


def test_distinct_locations_equal_numpy_unique_rows():
    """The integer-key shortcut gives np.unique's rows, in the same order."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-30, 400, 5000)
    y = rng.uniform(1e6, 1e6 + 60, 5000)
    expected = np.unique(np.column_stack([x, y]).round(0), axis=0)
    np.testing.assert_array_equal(_distinct_metres(x, y), expected)


@pytest.mark.parametrize("seed", [0, 1])
def test_spacing_on_a_sample_is_close_to_every_location(monkeypatch, seed):
    """Above the sample size the spacing rule is within 2% of the exact one."""
    import hotspots.grid as grid

    rng = np.random.default_rng(seed)
    n = 60_000
    centres = rng.uniform(0, 20_000, (30, 2))
    clustered = centres[rng.integers(0, 30, n // 2)] + rng.normal(0, 150, (n // 2, 2))
    xy = np.vstack([clustered, rng.uniform(0, 20_000, (n // 2, 2))])
    exact = choose_cell_size(xy[:, 0], xy[:, 1], 4e8)
    assert exact["spacing_rule_locations"].startswith("all ")
    monkeypatch.setattr(grid, "SPACING_SAMPLE", 5_000)
    sampled = choose_cell_size(xy[:, 0], xy[:, 1], 4e8)
    assert sampled["spacing_rule_locations"].startswith("5,000 of ")
    assert sampled["spacing_rule_m"] != exact["spacing_rule_m"]
    assert sampled["spacing_rule_m"] == pytest.approx(exact["spacing_rule_m"], rel=0.02)
    assert sampled["cell_size_m"] == exact["cell_size_m"]
    assert choose_cell_size(xy[:, 0], xy[:, 1], 4e8) == sampled  # the same each time
