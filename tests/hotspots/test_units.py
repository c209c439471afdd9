"""Hexagons and the user's own areas as units of analysis."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.crs import BNG
from geodata.errors import InputDataError
from hotspots import HotspotParams, detect_hotspots
from hotspots.simulate import ORIGIN, planted_incidents, study_square
from hotspots.units import area_units, hex_units

CENTRES = np.array([[1000, 1000], [4000, 1200], [2500, 3500]])


def test_hexagons_hold_their_points_and_have_six_neighbours():
    """Each point lies in the hexagon it is counted in; inner hexagons touch six."""
    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 3000, 4000), rng.uniform(0, 3000, 4000)
    units = hex_units(x, y, 200.0, None)
    idx = units.incident_unit
    assert (idx >= 0).all()
    polys = units.geometry[idx]
    assert shapely.covers(polys, shapely.points(np.column_stack([x, y]))).all()
    assert units.counts.sum() == len(x)
    degree = np.asarray(units.weights.sum(axis=1)).ravel()
    assert degree.max() == 7
    assert degree.min() >= 1
    area = shapely.area(units.geometry[0])
    assert area == pytest.approx(200.0**2, rel=1e-6)


def test_hex_units_find_planted_hotspots():
    """Hexagon units find the planted clusters."""
    incidents = planted_incidents(2000, CENTRES, 40, seed=1)
    result = detect_hotspots(incidents, HotspotParams(units="hex"), area=study_square())
    assert result.choices["units"] == "hex"
    assert len(result.hotspots) == len(CENTRES)
    for cx, cy in CENTRES:
        point = shapely.Point(ORIGIN[0] + cx, ORIGIN[1] + cy)
        assert (result.hotspots.distance(point) < 150).any()


def _blocks(n: int, size: float) -> gpd.GeoDataFrame:
    """A n x n block of square 'LSOAs' plus one island far away."""
    boxes = [
        shapely.box(ORIGIN[0] + i * size, ORIGIN[1] + j * size,
                    ORIGIN[0] + (i + 1) * size, ORIGIN[1] + (j + 1) * size)
        for i in range(n) for j in range(n)
    ]  # fmt: skip
    boxes.append(shapely.box(0, 0, 10, 10))
    names = [f"Area {k}" for k in range(len(boxes))]
    return gpd.GeoDataFrame({"LSOA11NM": names}, geometry=boxes, crs=BNG)


def test_user_areas_are_units_with_contiguity_and_islands():
    """Counts per polygon; neighbours share a border or corner; an island has itself."""
    areas = _blocks(3, 1000.0)
    x = np.array([ORIGIN[0] + 500, ORIGIN[0] + 500, ORIGIN[0] + 2500, 5.0, -50.0])
    y = np.array([ORIGIN[1] + 500, ORIGIN[1] + 600, ORIGIN[1] + 2500, 5.0, -50.0])
    units = area_units(x, y, areas)
    assert units.counts.tolist() == [2, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    assert units.incident_unit.tolist() == [0, 0, 8, 9, -1]
    degree = np.asarray(units.weights.sum(axis=1)).ravel()
    assert degree[4] == 9  # centre block: 8 neighbours + itself
    assert degree[0] == 4  # corner block
    assert degree[9] == 1  # island
    assert units.names[0] == "Area 0"


def test_areas_units_need_polygons():
    """Asking for area units without polygons is a clear user error."""
    incidents = planted_incidents(500, CENTRES, 40, seed=1)
    with pytest.raises(InputDataError, match="units 'areas' needs area polygons"):
        detect_hotspots(incidents, HotspotParams(units="areas"))


def test_areas_units_find_a_planted_concentration():
    """On a 20 x 20 block of 250 m areas a planted concentration makes its areas hot.

    With few large areas one hot area is diluted by its eight neighbours; that is
    Gi*'s nature, so the planted concentration spans a few areas here.
    """
    areas = _blocks(20, 250.0).iloc[:-1]
    incidents = planted_incidents(
        3000, np.array([[2250.0, 2250.0]]), 200, spread_m=200, seed=3
    )
    result = detect_hotspots(incidents, HotspotParams(units="areas"), area=areas)
    assert result.status == "ok"
    assert len(result.hotspots) >= 1
    point = shapely.Point(ORIGIN[0] + 2250, ORIGIN[1] + 2250)
    assert result.hotspots.geometry.iloc[0].covers(point)
