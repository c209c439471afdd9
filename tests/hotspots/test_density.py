"""Kernel density surface: shape, total, flatness, bandwidth rule, disclosure."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geodata.errors import InputDataError
from hotspots.density import bandwidth_nrd, choose_bandwidth, kernel_density
from hotspots.grid import make_grid
from hotspots.simulate import ORIGIN

X0, Y0 = ORIGIN
CENTRE = (X0 + 5_050.0, Y0 + 4_950.0)


def _square(side: float) -> shapely.Polygon:
    return shapely.box(X0, Y0, X0 + side, Y0 + side)


def _cluster(n: int, spread: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian cluster around CENTRE, in the middle of a 10 km square."""
    rng = np.random.default_rng(seed)
    return CENTRE[0] + rng.normal(0, spread, n), CENTRE[1] + rng.normal(0, spread, n)


def _centres(grid) -> tuple[np.ndarray, np.ndarray]:
    return (
        grid.x0 + (grid.cols + 0.5) * grid.cell_size,
        grid.y0 + (grid.rows + 0.5) * grid.cell_size,
    )


def test_single_cluster_peaks_at_its_centre():
    """The densest cell is the one holding the cluster's centre."""
    x, y = _cluster(500, 150.0)
    grid = make_grid(x, y, 100.0, _square(10_000))
    density, _ = kernel_density(x, y, grid, threshold=5)
    cx, cy = _centres(grid)
    peak = np.nanargmax(density)
    assert abs(cx[peak] - CENTRE[0]) <= 100
    assert abs(cy[peak] - CENTRE[1]) <= 100
    assert len(density) == len(grid.rows)


def test_density_times_area_gives_back_the_incidents():
    """Incidents per km2 summed over cells times the cell area is n within 3%."""
    x, y = _cluster(2000, 200.0, seed=1)
    grid = make_grid(x, y, 100.0, _square(10_000))
    density, info = kernel_density(x, y, grid, threshold=5)
    total = np.nansum(density) * (grid.cell_size / 1000) ** 2
    assert total == pytest.approx(2000, rel=0.03)
    assert info["density_units"] == "incidents per km2"
    assert info["kernel"] == "quartic"


def test_uniform_incidents_give_a_flat_surface():
    """Away from the edges a uniform field reads n / area with little ripple."""
    rng = np.random.default_rng(2)
    x = X0 + rng.uniform(0, 5000, 20_000)
    y = Y0 + rng.uniform(0, 5000, 20_000)
    grid = make_grid(x, y, 100.0, _square(5000))
    density, _ = kernel_density(x, y, grid, bandwidth=400.0, threshold=5)
    cx, cy = _centres(grid)
    inner = (cx > X0 + 500) & (cx < X0 + 4500) & (cy > Y0 + 500) & (cy < Y0 + 4500)
    values = density[inner]
    assert values.mean() == pytest.approx(20_000 / 25, rel=0.03)
    assert values.std() / values.mean() < 0.12


def test_bandwidth_rule_matches_a_hand_computation_on_both_axes():
    """x = 0..900 by 100, y = five 0s and five 1000s, worked by hand.

    x: sd = sqrt(825000 / 9) = 302.765, IQR = 675 - 225 = 450 (450 / 1.34 =
    335.82), so min = 302.765; 10^(-1/5) = 0.630957; bw = 4.24 * 302.765 *
    0.630957 = 809.97. y: sd = 527.046, IQR / 1.34 = 746.27, bw = 1409.99.
    Mean of both = 1109.98; sfhotspot's code would give x's 809.97 alone.
    """
    x = np.arange(10) * 100.0
    y = np.array([0.0] * 5 + [1000.0] * 5)
    assert bandwidth_nrd(x) == pytest.approx(809.97, abs=0.01)
    assert bandwidth_nrd(y) == pytest.approx(1409.99, abs=0.01)
    info = choose_bandwidth(x, y, cell_size=100.0)
    assert info["bandwidth_m"] == pytest.approx(1109.98, abs=0.01)
    assert "mean of x and y" in info["bandwidth_rule"]


def test_automatic_bandwidth_is_reported_by_kernel_density():
    """Without a bandwidth the rule's value is used and returned."""
    x, y = _cluster(300, 400.0, seed=3)
    grid = make_grid(x, y, 100.0)
    _, info = kernel_density(x, y, grid, threshold=5)
    assert info["bandwidth_m"] == pytest.approx(
        (bandwidth_nrd(x) + bandwidth_nrd(y)) / 2
    )


def test_a_lone_incident_is_hidden_not_drawn_as_a_blob():
    """Cells near an isolated incident are NaN; cells near nobody are 0."""
    x, y = _cluster(200, 60.0, seed=4)
    lone = (X0 + 1_520.0, Y0 + 1_480.0)
    x, y = np.append(x, lone[0]), np.append(y, lone[1])
    grid = make_grid(x, y, 100.0, _square(10_000))
    density, info = kernel_density(x, y, grid, bandwidth=300.0, threshold=5)
    cx, cy = _centres(grid)
    near_lone = np.hypot(cx - lone[0], cy - lone[1]) < 300
    near_cluster = np.hypot(cx - CENTRE[0], cy - CENTRE[1]) < 100
    far = np.hypot(cx - lone[0], cy - lone[1]) > 1000
    far &= np.hypot(cx - CENTRE[0], cy - CENTRE[1]) > 1000
    assert near_lone.any()
    assert np.isnan(density[near_lone]).all()
    assert (density[near_cluster] > 0).all()
    assert (density[far] == 0).all()
    assert info["cells_suppressed"] >= near_lone.sum()


def test_bandwidth_below_the_cell_size_is_raised_and_said():
    """A 50 m bandwidth on 100 m cells becomes 100 m, with the reason."""
    x, y = _cluster(100, 100.0, seed=5)
    grid = make_grid(x, y, 100.0)
    _, info = kernel_density(x, y, grid, bandwidth=50.0, threshold=5)
    assert info["bandwidth_m"] == 100.0
    assert "raised from 50 m to the cell size" in info["bandwidth_rule"]


@pytest.mark.parametrize("bandwidth", [0.0, -5.0, float("nan")])
def test_impossible_bandwidth_is_refused(bandwidth):
    """Zero, negative or missing bandwidths are user errors."""
    x, y = _cluster(50, 100.0)
    grid = make_grid(x, y, 100.0)
    with pytest.raises(InputDataError, match="bandwidth must be a positive number"):
        kernel_density(x, y, grid, bandwidth=bandwidth, threshold=5)
