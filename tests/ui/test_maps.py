"""Tests for ui.maps and its layers: change classes, legend, offline tiles, Welsh
labels, deprivation and density, and no incident coordinates.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.crs import BNG, bng_to_lonlat
from hotspots.result import HotspotResult
from i18n import t
from ui.layers import density_classes
from ui.legend import legend_html
from ui.maps import build_map, cell_classes, hotspot_at

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
            "density": [120.0, np.nan, 4.0, 30.0],
        },
        geometry=boxes,
        crs=BNG,
    )


def _hotspots() -> gpd.GeoDataFrame:
    """Two hotspots labelled at named public places: one growing, one fading."""
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ["H01", "H02"],
            "name": ["Castle Square", "Blaenymaes"],
            "incidents": ["35", "<5"],
            "incidents_shown": [35.0, np.nan],
            "cells": [2, 1],
            "strength": [3.15, 2.0],
            "categories": ["violence 30; drugs <5", "drugs <5"],
            "peak_day": ["Sat", "Fri"],
            "peak_band": ["evening", "evening"],
            "peak_times": ["Fri/Sat evening", "Fri evening"],
            "label_x": [265_700.0, 266_900.0],
            "label_y": [192_650.0, 194_100.0],
        },
        geometry=[
            shapely.box(265_000, 192_750, 265_500, 193_000),
            shapely.box(266_750, 194_000, 267_000, 194_250),
        ],
        crs=BNG,
    )


@pytest.fixture
def result() -> HotspotResult:
    """A hand-made result with two hotspots and four cells."""
    return HotspotResult(
        cells=_cells(),
        hotspots=_hotspots(),
        status="ok",
        message="2 hotspots found.",
        choices={"cell_size_m": 250},
    )


@pytest.fixture
def classes() -> pd.Series:
    """H01 growing, H02 fading."""
    return pd.Series({"H01": "Growing", "H02": "Fading"})


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
        geometry=[shapely.box(264_500, 192_000, 268_000, 195_000)], crs=BNG
    )


@pytest.fixture
def boundaries() -> gpd.GeoDataFrame:
    """Two LSOAs with WIMD deciles 1 (most deprived) and 8."""
    return gpd.GeoDataFrame(
        {
            "code": ["W01000001", "W01000002"],
            "name": ["Swansea 001A", "Swansea 001B"],
            "wimd_decile": [1, 8],
        },
        geometry=[
            shapely.box(264_500, 192_000, 266_000, 195_000),
            shapely.box(266_000, 192_000, 268_000, 195_000),
        ],
        crs=BNG,
    )


def _layer_names(fmap: folium.Map) -> list[str]:
    return [
        child.layer_name
        for child in fmap._children.values()
        if isinstance(child, folium.map.Layer) and child.control
    ]


def _html(fmap: folium.Map) -> str:
    return fmap.get_root().render()


def test_layers_present(result, classes, services, spaces, area, boundaries):
    """Every theme is a named layer, with a layer control."""
    fmap = build_map(
        result, services, spaces, area, False, classes=classes, boundaries=boundaries
    )
    names = _layer_names(fmap)
    for key in (
        "map.layer.cells",
        "map.layer.hotspots",
        "map.layer.spaces",
        "map.layer.area",
        "map.layer.wimd",
        "map.layer.density",
    ):
        assert t(key, "en") in names, key
    assert t("map.layer.services", "en", category="sexual health") in names
    assert any(isinstance(c, folium.LayerControl) for c in fmap._children.values())


def test_each_service_is_drawn_once_in_its_own_kinds_layer(result, services):
    """Three services of two kinds, interleaved: each kind's layer holds its own."""
    third = gpd.GeoDataFrame(
        {
            "name": ["Base Youth Club"],
            "category": ["youth and diversionary"],
            "opening_hours": ["Tu 18:00-21:00"],
        },
        geometry=gpd.points_from_xy([266_200], [193_400]),
        crs=BNG,
    )
    both = pd.concat([services, third], ignore_index=True)
    fmap = build_map(result, both, None, None, False)
    drawn = {
        child.layer_name: [f["properties"]["tip"] for f in child.data["features"]]
        for child in fmap._children.values()
        if isinstance(child, folium.GeoJson) and child.marker is not None
    }
    youth = t("map.layer.services", "en", category="youth and diversionary")
    sexual = t("map.layer.services", "en", category="sexual health")
    assert drawn == {
        sexual: ["Zone Clinic (sexual health)"],
        youth: [
            "Info-Nation (youth and diversionary), open Mo-Fr 10:00-17:00",
            "Base Youth Club (youth and diversionary), open Tu 18:00-21:00",
        ],
    }


def test_density_and_deprivation_start_hidden(result, area, boundaries):
    """The density surface and the deprivation layer are off until switched on."""
    fmap = build_map(result, None, None, area, False, boundaries=boundaries)
    hidden = {
        child.layer_name
        for child in fmap._children.values()
        if isinstance(child, folium.map.Layer) and child.control and not child.show
    }
    assert t("map.layer.density", "en") in hidden
    assert t("map.layer.wimd", "en") in hidden


def test_hotspots_drawn_by_change_with_arrow_and_pattern(result, classes):
    """Each area's outline pattern and its label's arrow follow its change class."""
    html = _html(build_map(result, None, None, None, False, classes=classes))
    assert "H01 \\u25b2" in html or "H01 ▲" in html  # growing
    assert "H02 \\u25bc" in html or "H02 ▼" in html  # fading
    assert '"dash": "10 6"' in html  # fading is dashed
    assert '"weight": 5' in html  # growing is thick
    assert '"change": "\\u25b2 Growing"' in html or '"change": "▲ Growing"' in html


def test_only_significant_cells_drawn(result):
    """The non-significant cell is not in the cells layer; suppressed n is kept."""
    html = _html(build_map(result, None, None, None, tiles=False))
    assert html.count('"kind": "strong hot cell"') == 1
    assert html.count('"kind": "hot cell"') == 1
    assert html.count('"kind": "cold cell"') == 1
    assert '"n": "\\u003c5"' in html  # folium escapes "<" inside scripts
    assert '"n": "6"' not in html


def test_cell_classes_do_not_rely_on_colour(result):
    """Hot cells are solid and cold cells dashed, each with its own class."""
    classes = cell_classes(result.cells)
    assert classes["kind"].tolist() == ["strong hot", "hot", "cold"]
    assert classes["dash"].tolist() == ["", "", "4 3"]


def test_map_in_welsh(result, classes, services):
    """Layer names, tooltips and the legend are Welsh when asked for."""
    fmap = build_map(result, services, None, None, False, classes=classes, lang="cy")
    names = _layer_names(fmap)
    assert "Mannau problemus" in names
    assert "Gwasanaethau: iechyd rhywiol" in names
    html = _html(fmap)
    assert 'lang="cy"' in html
    assert "Allwedd" in html
    assert "yn tyfu (amlinell drwchus)" in html
    assert "Hotspot areas" not in names


def test_legend_names_every_symbol_in_words(services):
    """The legend explains change classes, cells, services, density and WIMD."""
    html = legend_html(
        "en", services=services, density=["1 to 5 incidents per km²"], wimd=True
    )
    for words in (
        "new (dotted outline)",
        "fading (dashed outline)",
        "Cold cell (dashed)",
        "sexual health",
        "1 to 5 incidents per km²",
        "deciles 1-2",
    ):
        assert words in html
    assert 'aria-hidden="true"' in html  # swatches are decoration; words carry it


def test_density_classes_are_quintiles_and_hide_suppressed():
    """Hidden (NaN) and zero densities get no class; others five quantile classes."""
    klass, edges = density_classes(pd.Series([np.nan, 0.0, 1, 2, 3, 4, 5, 6, 7, 8]))
    assert klass[:2].tolist() == [-1, -1]
    assert klass[2:].min() == 0
    assert klass[2:].max() == 4
    assert len(edges) == 6


def test_offline_has_no_tiles(result):
    """tiles=False draws no basemap; tiles=True uses OpenStreetMap with credit."""
    offline = _html(build_map(result, None, None, None, tiles=False))
    online = _html(build_map(result, None, None, None, tiles=True))
    assert "tile.openstreetmap.org" not in offline
    assert "tile.openstreetmap.org" in online
    assert "openstreetmap.org/copyright" in online  # attribution is shown


def test_no_incident_coordinates(result, services, spaces, area, boundaries):
    """Neither projected nor lon/lat coordinates of any incident appear in the HTML."""
    fmap = build_map(result, services, spaces, area, False, boundaries=boundaries)
    html = _html(fmap)
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
    assert t("map.layer.cells", "en") not in names
    assert t("map.layer.hotspots", "en") not in names
    assert t("map.layer.area", "en") in names
    assert isinstance(_html(fmap), str)


def test_map_opens_on_the_hotspots(result, area):
    """The view is fitted to the hotspot areas (plus a margin), not the study area."""
    fmap = build_map(result, None, None, area, tiles=False)
    fits = [c for c in fmap._children.values() if isinstance(c, folium.FitBounds)]
    (south, west), (north, east) = fits[0].bounds
    lon, lat = bng_to_lonlat(np.array([264_600.0, 267_400.0]), [192_350.0, 194_650.0])
    assert west == pytest.approx(lon[0], abs=1e-3)
    assert east == pytest.approx(lon[1], abs=1e-3)
    assert south == pytest.approx(lat[0], abs=1e-3)
    assert north == pytest.approx(lat[1], abs=1e-3)


def test_click_on_label_or_area_picks_it(result):
    """A click on a label or inside an outline names that area; elsewhere none."""
    lon, lat = bng_to_lonlat(
        np.array([266_900.0, 265_100.0, 268_000.0]),
        np.array([194_100.0, 192_800.0, 192_000.0]),
    )
    label, inside, nowhere = (
        {"lng": float(x), "lat": float(y)} for x, y in zip(lon, lat, strict=True)
    )
    assert hotspot_at(result.hotspots, label) == "H02"
    assert hotspot_at(result.hotspots, inside) == "H01"
    assert hotspot_at(result.hotspots, nowhere) is None
    assert hotspot_at(result.hotspots, None) is None
