"""The memo of costly steps: reuse for equal arrays, never for different ones."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geodata.crs import BNG
from geodata.points import point_xy
from hotspots import contexts, detect, timeline, units
from hotspots.cellindex import rebuild_units
from hotspots.contexts import find_contexts
from hotspots.detect import detect_hotspots
from hotspots.memo import ArrayMemo, digest, read_only
from hotspots.params import HotspotParams
from hotspots.simulate import planted_incidents
from hotspots.timeline import hotspot_trends
from tests.hotspots.test_timeline import PANEL
from tests.hotspots.test_timeline import _incidents as timeline_incidents


def _counting(memo: ArrayMemo, calls: list):
    def ask(arrays, extra=()):
        return memo.get_or_make(arrays, extra, lambda: calls.append(1) or len(calls))

    return ask


def test_equal_arrays_reuse_and_different_ones_do_not():
    """A copy of the same values is a hit; one changed value, or extra, is a miss."""
    calls: list = []
    ask = _counting(ArrayMemo(size=4), calls)
    x = np.arange(1000.0)
    assert ask((x,)) == 1
    assert ask((x.copy(),)) == 1
    changed = x.copy()
    changed[500] += 1e-9
    assert ask((changed,)) == 2
    assert ask((x,), extra=50) == 3
    assert len(calls) == 3


def test_least_recently_used_is_forgotten_first():
    """With room for two, the entry not asked for longest is made again."""
    calls: list = []
    ask = _counting(ArrayMemo(size=2), calls)
    a, b, c = (np.full(3, v) for v in (1.0, 2.0, 3.0))
    ask((a,))
    ask((b,))
    ask((a,))  # a is now the most recent
    ask((c,))  # forgets b
    ask((a,))
    assert len(calls) == 3
    ask((b,))
    assert len(calls) == 4


def test_digest_tells_dtype_and_shape_apart():
    """The same bytes as another dtype or shape are different arrays."""
    x = np.arange(6, dtype=np.int64)
    assert digest((x,)) != digest((x.view(np.float64),))
    assert digest((x,)) != digest((x.reshape(2, 3),))
    assert digest((x,)) == digest((x.copy(),))
    with pytest.raises(ValueError, match="at least 1"):
        ArrayMemo(size=0)


def test_contexts_reuse_the_tree_when_only_the_threshold_changes(calls):
    """Threshold 10 after 5 reuses the tree, and equals working it out afresh."""
    made = calls(contexts, "_located_tree")
    centres = np.array([[1500.0, 1500.0], [3500.0, 3000.0]])
    incidents = planted_incidents(3000, centres, 60, seed=4)
    x, y = incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy()
    find_contexts(x, y, threshold=5, places=None)
    reused, reused_choices = find_contexts(x, y, threshold=10, places=None)
    assert len(made) == 1
    contexts._TREES.clear()
    fresh, fresh_choices = find_contexts(x, y, threshold=10, places=None)
    assert len(made) == 2
    assert len(fresh) >= 1
    assert_geodataframe_equal(reused, fresh)
    assert reused_choices == fresh_choices


def test_contexts_work_the_tree_out_again_for_other_incidents(calls):
    """Different incidents, or a different minimum size, are never a hit."""
    made = calls(contexts, "_located_tree")
    incidents = planted_incidents(2000, np.array([[1500.0, 1500.0]]), 60, seed=5)
    x, y = incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy()
    find_contexts(x, y, threshold=5, places=None)
    find_contexts(x[:-1], y[:-1], threshold=5, places=None)
    find_contexts(x, y, threshold=5, places=None, min_cluster_size=30)
    assert len(made) == 3


def test_units_are_reused_when_only_threshold_or_rate_change(calls):
    """Threshold 7, then FDR 0.1, after 5 reuse the cells, and equal a fresh run."""
    made = calls(detect, "_build_units")
    centres = np.array([[1500.0, 1500.0], [3500.0, 3000.0]])
    incidents = planted_incidents(3000, centres, 60, seed=4)
    detect_hotspots(incidents, HotspotParams(threshold=5))
    reused = detect_hotspots(incidents, HotspotParams(threshold=7))
    detect_hotspots(incidents, HotspotParams(alpha=0.1))
    assert len(made) == 1
    detect._UNITS.clear()
    fresh = detect_hotspots(incidents, HotspotParams(threshold=7))
    assert len(made) == 2
    assert len(fresh.hotspots) >= 1
    assert_geodataframe_equal(reused.cells, fresh.cells)
    assert_geodataframe_equal(reused.hotspots, fresh.hotspots)
    assert reused.choices == fresh.choices


def test_units_are_made_again_for_other_cells_or_incidents(calls):
    """Another cell size, kind of unit, study area or set of incidents is a miss."""
    made = calls(detect, "_build_units")
    incidents = planted_incidents(2000, np.array([[1500.0, 1500.0]]), 60, seed=5)
    area = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 5000, 5000)], crs=BNG)
    detect_hotspots(incidents, HotspotParams(cell_size=100))
    detect_hotspots(incidents, HotspotParams(cell_size=150))
    detect_hotspots(incidents, HotspotParams(cell_size=100, units="hex"))
    detect_hotspots(incidents, HotspotParams(cell_size=100), area=area)
    detect_hotspots(incidents.iloc[:-1], HotspotParams(cell_size=100))
    assert len(made) == 5


def test_other_incidents_over_one_area_share_the_cells_and_weights(calls):
    """A theme's incidents over the same area reuse the lattice, and equal afresh."""
    made = calls(units, "_cells_and_weights")
    centres = np.array([[1500.0, 1500.0], [3500.0, 3000.0]])
    incidents = planted_incidents(3000, centres, 60, seed=8)
    area = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 5000, 5000)], crs=BNG)
    params = HotspotParams(cell_size=100)
    detect_hotspots(incidents, params, area=area)
    half = incidents.iloc[::2]
    shared = detect_hotspots(half, params, area=area)
    assert len(made) == 1
    units._LATTICES.clear()
    detect._UNITS.clear()
    fresh = detect_hotspots(half, params, area=area)
    assert len(made) == 2
    assert_geodataframe_equal(shared.cells, fresh.cells)
    assert_geodataframe_equal(shared.hotspots, fresh.hotspots)
    detect_hotspots(half, HotspotParams(cell_size=150), area=area)
    smaller = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 4000, 4000)], crs=BNG)
    detect_hotspots(half, params, area=smaller)
    assert len(made) == 4
    _, weights = next(iter(units._LATTICES._values.values()))
    with pytest.raises(ValueError, match="read-only"):
        weights.data[0] = 2.0


def test_remembered_units_cannot_be_changed_in_place():
    incidents = planted_incidents(2000, np.array([[1500.0, 1500.0]]), 60, seed=6)
    x, y = incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy()
    built, _ = detect._build_units(x, y, None, None, HotspotParams())
    with pytest.raises(ValueError, match="read-only"):
        built.counts[0] += 1


def test_area_units_with_other_names_are_made_again(calls):
    """The same polygons under other names are other units: labels must follow."""
    made = calls(detect, "_build_units")
    incidents = planted_incidents(2000, np.array([[1500.0, 1500.0]]), 60, seed=7)
    boxes = [shapely.box(i * 1000, 0, i * 1000 + 1000, 5000) for i in range(5)]
    english = gpd.GeoDataFrame(
        {"name": [f"Ward {i}" for i in range(5)]}, geometry=boxes, crs=BNG
    )
    welsh = english.assign(name=[f"Ward {i} (cy)" for i in range(5)])
    x, y = incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy()
    params = HotspotParams(units="areas")
    first = detect._make_units(x, y, None, english, params, {})
    again = detect._make_units(x, y, None, english.copy(), params, {})
    renamed = detect._make_units(x, y, None, welsh, params, {})
    assert len(made) == 2
    assert again is first
    assert list(renamed.names) == list(welsh["name"])


def _trend_run(incidents, params: HotspotParams):
    """The map and its trends for the timeline tests' planted histories."""
    result = detect_hotspots(incidents, params)
    return hotspot_trends(incidents, result, params, PANEL)


def test_cell_trends_are_reused_for_a_new_threshold_only(calls):
    """Threshold 7 after 5 reuses the tests and equals a fresh run; FDR 0.1 does not."""
    made = calls(timeline, "_tested")
    incidents = timeline_incidents(0)
    _trend_run(incidents, HotspotParams(cell_size=250, threshold=5))
    reused = _trend_run(incidents, HotspotParams(cell_size=250, threshold=7))
    assert len(made) == 1
    _trend_run(incidents, HotspotParams(cell_size=250, alpha=0.1))
    _trend_run(incidents.iloc[:-1], HotspotParams(cell_size=250))
    assert len(made) == 3
    timeline._CELL_TRENDS.clear()
    fresh = _trend_run(incidents, HotspotParams(cell_size=250, threshold=7))
    assert len(made) == 4
    assert (fresh.cells["trend"] != "none").any()
    pd.testing.assert_frame_equal(reused.cells, fresh.cells)
    pd.testing.assert_frame_equal(reused.hotspots, fresh.hotspots)
    assert_geodataframe_equal(reused.emerging, fresh.emerging)


def test_remembered_cell_trends_cannot_be_changed_in_place():
    incidents = timeline_incidents(4)
    params = HotspotParams(cell_size=250)
    result = detect_hotspots(incidents, params)
    weights, cell_index = rebuild_units(result.cells, *point_xy(incidents))
    main_hot = (result.cells["significant"] & (result.cells["gistar"] > 0)).to_numpy()
    period_index = np.zeros(len(incidents), dtype=int)
    trends = timeline.cell_trends(
        cell_index, period_index, weights, 3, 0.05, main_hot=main_hot
    )
    for array in trends:
        with pytest.raises(ValueError, match="read-only"):
            array[0] = array[0]


def test_empty_arrays_have_a_digest_told_apart_by_shape():
    assert digest([np.empty((0, 2))]) == digest([np.zeros((0, 2))])
    assert digest([np.empty((0, 2))]) != digest([np.empty((0, 3))])
    assert digest([np.empty((0, 2))]) != digest([np.empty((0, 2), dtype=np.int64)])


def test_read_only_marks_only_the_arrays():
    array, other = np.arange(3), [1, 2]
    read_only(array, other, None)
    with pytest.raises(ValueError, match="read-only"):
        array[0] = 5
    other[0] = 5  # not an array: left as it was
    assert other == [5, 2]
