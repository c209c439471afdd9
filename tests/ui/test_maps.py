"""Tests for ui.maps: layers, legend, offline tiles and no incident coordinates."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.crs import BNG, bng_to_lonlat
from hotspots.result import HotspotResult
from ui.maps import (
    LAYER_AREA,
    LAYER_CELLS,
    LAYER_HOTSPOTS,
    LAYER_SPACES,
    SERVICES_PREFIX,
    build_map,
    cell_classes,
)

# Incidents that produced the result below; their coordinates must never reach the map.
INCIDENT_XY = np.array([[265_137.0, 192_913.0], [265_311.0, 193_077.0]])


def _cells() -> gpd.GeoDataFrame:
    """Four 250 m cells: strong hot, hot, cold, not significant (one suppressed n)."""
    boxes = shapely.box(
        [265_000, 265_250, 265_500, 265_750],
        [192_750] * 4,
        [265_250, 265_500, 265_750, 266_000],
        [193_000] * 4,
    )
    return gpd.GeoDataFrame(
        {
            "cell_id": [0, 1, 2, 3],
            "n": ["31", "<5", "0", "6"],
            "n_shown": [31.0, np.nan, 0.0, 6.0],
            "gistar": [4.2, 2.1, -2.2, 0.3],
            "p_value": [0.001, 0.02, 0.03, 0.7],
            "significant": [True, True, True, False],
            "hotspot_id": ["H01", "H01", "", ""],
        },
        geometry=boxes,
        crs=BNG,
    )


def _hotspots() -> gpd.GeoDataFrame:
    """One hotspot over the two hot cells, labelled at a named public place."""
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ["H01"],
            "name": ["Castle Square"],
            "incidents": ["35"],
            "incidents_shown": [35.0],
            "cells": [2],
            "strength": [3.15],
            "categories": ["violence 30; drugs <5"],
            "peak_day": ["Sat"],
            "peak_band": ["evening"],
            "peak_times": ["Sat evening"],
            "label_x": [265_700.0],
            "label_y": [192_650.0],
        },
        geometry=[shapely.box(265_000, 192_750, 265_500, 193_000)],
        crs=BNG,
    )


@pytest.fixture
def result() -> HotspotResult:
    """A hand-made result with one hotspot and four cells."""
    return HotspotResult(
        cells=_cells(),
        hotspots=_hotspots(),
        status="ok",
        message="1 hotspot found.",
        choices={"cell_size_m": 250},
    )


@pytest.fixture
def services() -> gpd.GeoDataFrame:
    """Two services in different categories, one with opening hours."""
    return gpd.GeoDataFrame(
        {
            "name": ["Info-Nation", "Zone Clinic"],
            "category": ["youth and diversionary", "sexual health"],
            "opening_hours": ["Mo-Fr 10:00-17:00", ""],
        },
        geometry=gpd.points_from_xy([265_600, 265_900], [192_600, 193_200]),
        crs=BNG,
    )


@pytest.fixture
def spaces() -> gpd.GeoDataFrame:
    """One community space."""
    return gpd.GeoDataFrame(
        {"name": ["St Thomas Community Centre"], "category": ["community centre"]},
        geometry=gpd.points_from_xy([266_100], [193_300]),
        crs=BNG,
    )


@pytest.fixture
def area() -> gpd.GeoDataFrame:
    """A study area box around everything."""
    return gpd.GeoDataFrame(
        geometry=[shapely.box(264_500, 192_000, 267_000, 194_000)], crs=BNG
    )


def _layer_names(fmap: folium.Map) -> list[str]:
    return [
        child.layer_name
        for child in fmap._children.values()
        if isinstance(child, folium.map.Layer) and child.control
    ]


def test_layers_present(result, services, spaces, area):
    """Cells, hotspots, one layer per service category, spaces and area are drawn."""
    fmap = build_map(result, services, spaces, area, tiles=False)
    names = _layer_names(fmap)
    assert LAYER_CELLS in names
    assert LAYER_HOTSPOTS in names
    assert LAYER_SPACES in names
    assert LAYER_AREA in names
    assert f"{SERVICES_PREFIX}sexual health" in names
    assert f"{SERVICES_PREFIX}youth and diversionary" in names
    assert any(isinstance(c, folium.LayerControl) for c in fmap._children.values())


def test_only_significant_cells_drawn(result):
    """The non-significant cell is not in the cells layer; suppressed n is kept."""
    html = build_map(result, None, None, None, tiles=False).get_root().render()
    assert html.count('"kind": "strong hot cell"') == 1
    assert html.count('"kind": "hot cell"') == 1
    assert html.count('"kind": "cold cell"') == 1
    assert '"n": "\\u003c5"' in html  # folium escapes "<" inside scripts
    assert '"n": "6"' not in html


def test_cell_classes_do_not_rely_on_colour(result):
    """Hot cells are solid and cold cells dashed, each named in words."""
    classes = cell_classes(result.cells)
    assert classes["kind"].tolist() == ["strong hot cell", "hot cell", "cold cell"]
    assert classes["dash"].tolist() == ["", "", "4 3"]


def test_hotspot_popup_and_label(result):
    """The hotspot carries its id, name, suppressed counts and peak times."""
    html = build_map(result, None, None, None, tiles=False).get_root().render()
    assert '"name": "Castle Square"' in html
    assert "drugs \\u003c5" in html
    assert '"peak_times": "Sat evening"' in html
    assert '"className": "cmet-label-icon"' in html
    assert "H01: Castle Square" in html


def test_legend_names_symbols_in_words(result, services):
    """The legend explains hotspots, hot/cold cells and each service category."""
    html = build_map(result, services, None, None, tiles=False).get_root().render()
    assert 'class="cmet-legend"' in html
    for words in ("hotspot area", "Hot cell", "Cold cell (dashed)", "sexual health"):
        assert words in html


def test_offline_has_no_tiles(result):
    """tiles=False draws no basemap; tiles=True uses OpenStreetMap with credit."""
    offline = build_map(result, None, None, None, tiles=False).get_root().render()
    online = build_map(result, None, None, None, tiles=True).get_root().render()
    assert "tile.openstreetmap.org" not in offline
    assert "tile.openstreetmap.org" in online
    assert "openstreetmap.org/copyright" in online  # attribution is shown


def test_no_incident_coordinates(result, services, spaces, area):
    """Neither projected nor lon/lat coordinates of any incident appear in the HTML."""
    html = build_map(result, services, spaces, area, tiles=False).get_root().render()
    lon, lat = bng_to_lonlat(INCIDENT_XY[:, 0], INCIDENT_XY[:, 1])
    for x, y, lo, la in zip(
        INCIDENT_XY[:, 0], INCIDENT_XY[:, 1], lon, lat, strict=True
    ):
        assert f"{x:.0f}" not in html
        assert f"{y:.0f}" not in html
        assert f"{lo:.4f}" not in html
        assert f"{la:.4f}" not in html


def test_too_few_result_still_draws_context(services, area):
    """An inconclusive result with empty frames still gives services and area."""
    empty = HotspotResult(
        cells=_cells().iloc[0:0],
        hotspots=_hotspots().iloc[0:0],
        status="too_few",
        message="Too few incidents to say.",
    )
    fmap = build_map(empty, services, None, area, tiles=False)
    names = _layer_names(fmap)
    assert LAYER_CELLS not in names
    assert LAYER_HOTSPOTS not in names
    assert LAYER_AREA in names
    assert isinstance(fmap.get_root().render(), str)


def test_map_fits_study_area(result, area):
    """The view is fitted to the study area's bounds in lon/lat."""
    fmap = build_map(result, None, None, area, tiles=False)
    fits = [c for c in fmap._children.values() if isinstance(c, folium.FitBounds)]
    lon, lat = bng_to_lonlat(np.array([264_500.0, 267_000.0]), [192_000.0, 194_000.0])
    (south, west), (north, east) = fits[0].bounds
    assert south == pytest.approx(lat.min(), abs=1e-3)
    assert west == pytest.approx(lon.min(), abs=1e-3)
    assert north == pytest.approx(lat.max(), abs=1e-3)
    assert east == pytest.approx(lon.max(), abs=1e-3)
