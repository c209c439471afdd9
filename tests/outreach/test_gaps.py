"""Tests for outreach.gaps: nearest service of each kind to each hotspot area."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Point, box

from outreach.gaps import SERVICE_CATEGORIES, find_gaps
from outreach.hours import is_open, representative_time
from outreach.wording import gap_sentences, long_walks


@pytest.fixture
def hotspots() -> gpd.GeoDataFrame:
    """Two 500 m square hotspot areas 3 km apart in BNG."""
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ["H01", "H02"],
            "name": ["Castle Square", "Parc Tawe"],
            "peak_day": ["Fri", "unknown"],
            "peak_band": ["evening", "unknown"],
        },
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
    for column in ("distance_m", "walk_minutes", "straight_m", "open_walk_minutes"):
        assert gaps[column].dtype == pd.Int64Dtype()
    assert (missing["open_at_peak"] == "no").all()
    assert list(gaps.columns) == [
        "hotspot_id",
        "hotspot_name",
        "category",
        "nearest_service",
        "distance_m",
        "walk_minutes",
        "straight_m",
        "open_at_peak",
        "checked_at",
        "nearest_open_service",
        "open_walk_minutes",
    ]


def test_no_services_file_gives_a_gap_in_every_category(hotspots, services):
    """Without any services (none uploaded) every category is a gap, no error."""
    gaps = find_gaps(hotspots, services.iloc[:0])
    assert len(gaps) == 2 * len(SERVICE_CATEGORIES)
    assert (gaps["nearest_service"] == "").all()
    assert (gaps["nearest_open_service"] == "").all()
    assert gaps["distance_m"].isna().all()
    assert (gaps["open_at_peak"] == "no").all()


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


def test_long_walk_sentences(hotspots, services):
    """Walks over 15 minutes and missing categories become plain sentences."""
    lines = long_walks(find_gaps(hotspots, services), "en")
    assert (
        "Parc Tawe: nearest youth and diversionary provision is 48 minutes' walk (est.)"
        in lines
    )
    assert not any(line.startswith("Castle Square: nearest mental") for line in lines)
    assert lines[-1].startswith("No sexual health services were in the services list")
    assert sum("sexual health" in line for line in lines) == 1


@pytest.fixture
def timed_services() -> gpd.GeoDataFrame:
    """Youth services around H01: nearest shut on Friday evening, two open further."""
    rows = [
        ("Day Club", "Mo-Fr 09:00-17:00", Point(265250, 193600)),
        ("Evening Club", "Fr 18:00-21:00", Point(265250, 194200)),
        ("Late Club", "Fr 19:00-02:00", Point(266400, 193250)),
        ("No Hours Club", "", Point(265800, 193250)),
        ("Weekend Club", "Sa-Su 10:00-22:00", Point(265250, 193700)),
    ]
    names, hours, geoms = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {"name": names, "category": "youth and diversionary", "opening_hours": hours},
        geometry=list(geoms),
        crs="EPSG:27700",
    )


def test_open_at_peak_agrees_with_clock_and_geometry(hotspots, timed_services):
    """open_at_peak and nearest open service match a direct clock and distance check."""
    gaps = find_gaps(hotspots, timed_services)
    row = gaps[(gaps["hotspot_id"] == "H01") & (gaps["category"] == "youth and "
                                                   "diversionary")].iloc[0]  # fmt: skip
    area = hotspots.geometry.iloc[0]
    moment = representative_time("Fri", "evening")
    dist = timed_services.geometry.distance(area)
    nearest = timed_services.iloc[int(dist.argmin())]
    assert row["nearest_service"] == nearest["name"] == "Day Club"
    assert row["open_at_peak"] == "no"
    assert is_open(nearest["opening_hours"], moment) is False
    open_now = timed_services[
        [is_open(h, moment) is True for h in timed_services["opening_hours"]]
    ]
    open_dist = open_now.geometry.distance(area)
    assert row["nearest_open_service"] == open_now["name"].iloc[int(open_dist.argmin())]
    assert row["nearest_open_service"] == "Evening Club"
    assert row["open_walk_minutes"] == math.ceil(round(open_dist.min() * 1.3 / 80, 6))
    assert row["checked_at"] == "Fri 19:30"


def test_open_at_peak_unknown_when_hours_or_peak_unknown(hotspots, timed_services):
    """Unknown hours of the nearest service, or an unknown peak, give "unknown"."""
    near_no_hours = timed_services.copy()
    near_no_hours.loc[0, "opening_hours"] = "sunrise-sunset"
    gaps = find_gaps(hotspots, near_no_hours)
    youth = gaps[gaps["category"] == "youth and diversionary"].set_index("hotspot_id")
    assert youth.at["H01", "open_at_peak"] == "unknown"
    assert youth.at["H02", "open_at_peak"] == "unknown"
    assert youth.at["H02", "checked_at"] == "unknown"
    assert youth.at["H02", "nearest_open_service"] == ""
    assert pd.isna(youth.at["H02", "open_walk_minutes"])


def test_open_at_peak_yes_when_nearest_is_open(hotspots, timed_services):
    """Moving the peak to Saturday evening makes the weekend club nearest and open."""
    saturday = hotspots.assign(peak_day=["Sat", "unknown"])
    moved = timed_services.drop(index=0)
    gaps = find_gaps(saturday, moved)
    row = gaps[(gaps["hotspot_id"] == "H01") & (gaps["category"] == "youth and "
                                                   "diversionary")].iloc[0]  # fmt: skip
    assert (row["nearest_service"], row["open_at_peak"]) == ("Weekend Club", "yes")
    assert row["nearest_open_service"] == "Weekend Club"


def test_gap_sentences_name_hotspots_without_open_provision(hotspots, timed_services):
    """The pack sentence counts hotspots with a known peak and no open service near."""
    far_only = timed_services[timed_services["name"] == "Late Club"].copy()
    far_only.geometry = [Point(275000, 193250)]
    lines = gap_sentences(
        "en", find_gaps(hotspots, far_only), focus=["youth and diversionary"]
    )
    assert lines == [
        "At their peak times, 1 of 1 hotspot areas have no youth and diversionary "
        "provision open within 15 minutes' walk (est.): Castle Square."
    ]
    near = gap_sentences(
        "en", find_gaps(hotspots, timed_services), focus=["youth and diversionary"]
    )
    assert near == []


def test_gap_sentences_join_areas_coverage_and_whatif(hotspots, timed_services):
    """Area, coverage and what-if parts appear in order, from published values."""
    areas = pd.DataFrame(
        {
            "area_id": ["W02", "W01", "W03"],
            "area_name": ["Middle", "West", "East"],
            "gap_rank": [2, 1, 3],
        }
    )
    coverage = pd.DataFrame(
        {
            "category": ["youth and diversionary", "health"],
            "band": ["any time (hours ignored)"] * 2,
            "within_15_min_share": [0.25, 0.5],
        }
    )
    whatif = pd.DataFrame(
        {
            "site": ["Hall"],
            "category": ["youth and diversionary"],
            "band": ["weekday evening"],
            "minutes": [10],
            "added_share": ["40%"],
            "added_share_value": [0.4],
            "covered_before": ["10%"],
            "covered_after": ["50%"],
        }
    )
    lines = gap_sentences(
        "en", None, areas, coverage, whatif, focus=["youth and diversionary"], top=2
    )
    assert lines == [
        "Areas with the biggest gap between need and provision (many incidents, "
        "little youth and diversionary provision within a walk): West (W01), "
        "Middle (W02).",
        "75% of incidents are more than 15 minutes' walk (est.) from any youth and "
        "diversionary provision, whatever its hours.",
        "One new youth and diversionary service at Hall would bring a further 40% "
        "of weekday-evening incidents within 10 minutes' walk (est.): from 10% to "
        "50%.",
    ]
