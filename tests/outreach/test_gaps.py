"""Tests for outreach.gaps: nearest service of each kind to each hotspot area."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Point, box

from outreach.gaps import SERVICE_CATEGORIES, find_gaps, gap_summary


@pytest.fixture
def hotspots() -> gpd.GeoDataFrame:
    """Two 500 m square hotspot areas 3 km apart in BNG."""
    return gpd.GeoDataFrame(
        {"hotspot_id": ["H01", "H02"], "name": ["Castle Square", "Parc Tawe"]},
        geometry=[
            box(265000, 193000, 265500, 193500),
            box(268000, 193000, 268500, 193500),
        ],
        crs="EPSG:27700",
    )


@pytest.fixture
def services() -> gpd.GeoDataFrame:
    """Services: one inside H01, two youth services, no sexual health service."""
    rows = [
        ("Inside Clinic", "mental health", Point(265200, 193200)),
        ("East Clinic", "mental health", Point(268700, 193250)),
        ("Youth North", "youth and diversionary", Point(265250, 194500)),
        ("Youth Far", "youth and diversionary", Point(262000, 190000)),
        ("Hostel", "homelessness", Point(266700, 193250)),
        ("Drug Team", "substance misuse", Point(265600, 193600)),
        ("College", "education", Point(270000, 195000)),
        ("Surgery", "health", Point(267000, 192000)),
    ]
    names, cats, geoms = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {"name": names, "category": cats, "opening_hours": ""},
        geometry=list(geoms),
        crs="EPSG:27700",
    )


def test_distances_match_direct_shapely_check(hotspots, services):
    """Every row's straight metres equal the minimum shapely polygon distance."""
    gaps = find_gaps(hotspots, services)
    assert len(gaps) == len(hotspots) * len(SERVICE_CATEGORIES)
    for row in gaps.itertuples():
        area = hotspots.set_index("hotspot_id").geometry[row.hotspot_id]
        same = services[services["category"] == row.category]
        if same.empty:
            continue
        dist = same.geometry.distance(area)
        assert row.straight_m == round(dist.min())
        assert row.nearest_service == same["name"].iloc[int(dist.argmin())]
        assert row.distance_m == round(dist.min() * 1.3)
        assert row.walk_minutes == math.ceil(round(dist.min() * 1.3 / 80, 6))


def test_service_inside_area_is_zero_metres(hotspots, services):
    """A service inside the hotspot polygon is 0 m and 0 minutes away."""
    gaps = find_gaps(hotspots, services).set_index(["hotspot_id", "category"])
    row = gaps.loc[("H01", "mental health")]
    assert (row["nearest_service"], row["straight_m"], row["walk_minutes"]) == (
        "Inside Clinic",
        0,
        0,
    )
    assert gaps.loc[("H02", "homelessness"), "straight_m"] == 1300


def test_missing_category_keeps_row_with_na(hotspots, services):
    """No sexual health service: the rows stay, with "" and nullable NA."""
    gaps = find_gaps(hotspots, services)
    missing = gaps[gaps["category"] == "sexual health"]
    assert list(missing["hotspot_id"]) == ["H01", "H02"]
    assert (missing["nearest_service"] == "").all()
    assert missing[["distance_m", "walk_minutes", "straight_m"]].isna().all().all()
    for column in ("distance_m", "walk_minutes", "straight_m"):
        assert gaps[column].dtype == pd.Int64Dtype()
    assert list(gaps.columns) == [
        "hotspot_id",
        "hotspot_name",
        "category",
        "nearest_service",
        "distance_m",
        "walk_minutes",
        "straight_m",
    ]


def test_rows_follow_hotspot_then_category_order(hotspots, services):
    """Rows are grouped by hotspot in input order, categories in canonical order."""
    gaps = find_gaps(hotspots, services)
    assert list(gaps["hotspot_id"]) == ["H01"] * 7 + ["H02"] * 7
    assert tuple(gaps["category"].iloc[:7]) == SERVICE_CATEGORIES


def test_services_in_wgs84_are_reprojected(hotspots, services):
    """Services given in EPSG:4326 give the same answer as in BNG."""
    direct = find_gaps(hotspots, services)
    via_wgs84 = find_gaps(hotspots, services.to_crs("EPSG:4326"))
    pd.testing.assert_series_equal(direct["straight_m"], via_wgs84["straight_m"])


def test_gap_summary_sentences(hotspots, services):
    """Walks over 15 minutes and missing categories become plain sentences."""
    lines = gap_summary(find_gaps(hotspots, services))
    assert (
        "Parc Tawe: nearest youth and diversionary provision is 48 minutes' walk (est.)"
        in lines
    )
    assert not any(line.startswith("Castle Square: nearest mental") for line in lines)
    assert lines[-1].startswith("No sexual health services were in the services list")
    assert sum("sexual health" in line for line in lines) == 1
