"""Units rebuilt from a map's cells: the map's own weights and point lookup."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.crs import BNG
from hotspots.cellindex import _tree_units, rebuild_units
from hotspots.simulate import ORIGIN, random_incidents, study_square
from hotspots.units import area_units, hex_units, square_units


def _points() -> tuple[np.ndarray, np.ndarray]:
    """400 random points in the study square, 20 exactly on 300 m cell edges
    and corners, and 5 outside the square."""
    incidents = random_incidents(400, seed=3)
    x = incidents.geometry.x.to_numpy()
    y = incidents.geometry.y.to_numpy()
    edge = ORIGIN[0] + 300.0 * np.arange(1, 11)
    x = np.r_[x, edge, edge, np.full(5, ORIGIN[0] - 400.0)]
    y = np.r_[y, np.full(10, ORIGIN[1] + 1234.5), edge - ORIGIN[0] + ORIGIN[1], y[:5]]
    return x, y


@pytest.mark.parametrize("build", [square_units, hex_units])
def test_rebuilt_units_equal_the_maps_own(build):
    """Weights and each point's unit, edges and outside points included, equal
    what square_units and hex_units gave the map."""
    x, y = _points()
    units = build(x, y, 300.0, study_square().geometry.iloc[0])
    weights, unit = rebuild_units(units.frame(), x, y)
    assert (weights != units.weights).nnz == 0
    np.testing.assert_array_equal(unit, units.incident_unit)
    assert (unit[-5:] == -1).all()


@pytest.mark.parametrize("build", [square_units, hex_units])
def test_lattice_arithmetic_agrees_with_a_polygon_query(build):
    """Off the edges, the arithmetic lookup and an STRtree query agree exactly,
    also for cells in shuffled order and a lattice with holes."""
    x, y = _points()
    units = build(x, y, 250.0, study_square().geometry.iloc[0])
    cells = units.frame()
    cells = cells[cells["cell_id"] % 7 != 3].sample(frac=1.0, random_state=1)
    weights, unit = rebuild_units(cells, x[:400], y[:400])
    tree_weights, tree_unit = _tree_units(cells.geometry.to_numpy(), x[:400], y[:400])
    assert (weights != tree_weights).nnz == 0
    np.testing.assert_array_equal(unit, tree_unit)
    assert (unit == -1).any()


def test_other_polygons_use_a_polygon_query():
    """Two rectangles and an L-shape (not a lattice): point lookup by polygon,
    touching shapes are neighbours, points in none get -1."""
    shapes = [
        shapely.box(0, 0, 100, 50),
        shapely.box(100, 0, 200, 50),
        shapely.Polygon([(0, 50), (200, 50), (200, 60), (10, 60), (10, 200), (0, 200)]),
    ]
    cells = gpd.GeoDataFrame({"cell_id": [0, 1, 2]}, geometry=shapes, crs=BNG)
    weights, unit = rebuild_units(
        cells, np.array([50.0, 150.0, 5.0, 150.0]), np.array([25.0, 25.0, 150.0, 150.0])
    )
    np.testing.assert_array_equal(unit, [0, 1, 2, -1])
    assert weights.toarray().tolist() == [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
    areas = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=shapes, crs=BNG)
    assert (weights != area_units(np.zeros(1), np.zeros(1), areas).weights).nnz == 0
