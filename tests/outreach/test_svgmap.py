"""Tests for outreach.svgmap: the hand-drawn SVG map for the panel pack."""

from __future__ import annotations

import re

import geopandas as gpd
from shapely import Point, box

from outreach.svgmap import render_map_svg


def _frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """One hotspot square in BNG and one significant hot cell inside it."""
    hotspots = gpd.GeoDataFrame(
        {"hotspot_id": ["H01"]},
        geometry=[box(265000, 193000, 266000, 194000)],
        crs="EPSG:27700",
    )
    cells = gpd.GeoDataFrame(
        {"gistar": [3.0, 0.5], "significant": [True, False]},
        geometry=[
            box(265000, 193000, 265250, 193250),
            box(265250, 193000, 265500, 193250),
        ],
        crs="EPSG:27700",
    )
    return hotspots, cells


def test_north_is_up():
    """A service further north is drawn higher (smaller SVG y): y is flipped."""
    hotspots, cells = _frames()
    services = gpd.GeoDataFrame(
        {"name": ["South", "North"]},
        geometry=[Point(265500, 193100), Point(265500, 193900)],
        crs="EPSG:27700",
    )
    svg = render_map_svg(hotspots=hotspots, cells=cells, services=services)
    tips = re.findall(r'<path class="service" d="M([\d.-]+),([\d.-]+) ', svg)
    assert len(tips) == 2 + 1  # two service triangles and the legend's triangle
    (sx, south), (nx, north) = [(float(x), float(y)) for x, y in tips[:2]]
    assert sx == nx
    assert north < south


def test_only_significant_cells_are_shaded_with_a_pattern():
    """The significant cell gets a hatch pattern; the other is not drawn."""
    hotspots, cells = _frames()
    svg = render_map_svg(hotspots=hotspots, cells=cells)
    assert svg.count('fill="url(#pat-hot-strong)"') == 2  # map and legend
    assert svg.count('fill="url(#pat-hot)"') == 1  # legend only


def test_legend_scale_and_north_arrow():
    """Legend entries, a scale bar label and the N of the north arrow."""
    hotspots, cells = _frames()
    svg = render_map_svg(hotspots=hotspots, cells=cells)
    for label in ("Hotspot area", "Service (triangle)", "Community space (square)"):
        assert label in svg
    assert re.search(r">(?:100|200|250) m</text>", svg)
    assert '<g class="north">' in svg
    assert ">H01</text>" in svg


def test_nothing_to_draw():
    """Empty layers give a small SVG that says so instead of failing."""
    empty = gpd.GeoDataFrame({"hotspot_id": []}, geometry=[], crs="EPSG:27700")
    svg = render_map_svg(hotspots=empty, cells=empty)
    assert "No map" in svg


def test_zooms_to_hotspots_with_an_overview_of_a_large_area():
    """A 20 km study area does not shrink a 1 km hotspot: the map is zoomed to it,
    with an inset showing the whole area and the view marked.
    """
    hotspots, cells = _frames()
    area = gpd.GeoDataFrame(
        geometry=[box(255000, 185000, 275000, 205000)], crs="EPSG:27700"
    )
    svg = render_map_svg(hotspots=hotspots, cells=cells, area=area)
    assert '<g class="overview"' in svg
    assert "Study area (red: this view)" in svg
    # The 1 km hotspot spans most of the 680 px width, not a twentieth of it.
    outline = re.search(r'<path d="M([^"]+)Z" fill="none" stroke="#000"', svg)
    xs = [float(p.split(",")[0]) for p in outline.group(1).split(" ")]
    assert max(xs) - min(xs) > 400


def test_no_overview_when_the_area_fits():
    """When the study area is inside the view, no inset is drawn."""
    hotspots, cells = _frames()
    area = gpd.GeoDataFrame(
        geometry=[box(265100, 193100, 265900, 193900)], crs="EPSG:27700"
    )
    svg = render_map_svg(hotspots=hotspots, cells=cells, area=area)
    assert '<g class="overview"' not in svg


def test_legend_in_welsh():
    """The legend, description and empty message follow the language."""
    hotspots, cells = _frames()
    svg = render_map_svg(hotspots=hotspots, cells=cells, lang="cy")
    for words in ("Man problemus", "Gwasanaeth (triongl)", "Man cymunedol (sgwâr)"):
        assert words in svg
    assert "Hotspot area" not in svg
    empty = gpd.GeoDataFrame({"hotspot_id": []}, geometry=[], crs="EPSG:27700")
    assert "Dim map" in render_map_svg(hotspots=empty, cells=empty, lang="cy")
