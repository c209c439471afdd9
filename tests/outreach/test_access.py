"""Tests for outreach.access: E2SFCA scores, hexagons and the per-area gap table."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely import Point, box

from outreach import access
from outreach.access import (
    access_column,
    area_gaps,
    band_weights,
    e2sfca,
    make_hexagons,
)
from outreach.gaps import SERVICE_CATEGORIES

# 100 m/min with no circuity: walking minutes are straight metres / 100.
EASY_WALK = {"speed_m_per_min": 100.0, "circuity": 1.0}


def _incidents(points: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "when": pd.Timestamp("2024-01-10 19:00"),
            "has_time": True,
            "category": "drugs",
            "source": "test",
        },
        index=range(len(points)),
        geometry=[Point(x, y) for x, y in points],
        crs="EPSG:27700",
    )


@pytest.fixture
def strip() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Three 1 km squares in a row with 10/20/30 incidents and two youth services."""
    areas = gpd.GeoDataFrame(
        {
            "LSOA11CD": ["W01", "W02", "W03"],
            "LSOA11NM": ["West", "Middle", "East"],
            "young_people": [1000, 400, 0],
            "wimd": [3, 1, 2],
        },
        geometry=[
            box(0, 0, 1000, 1000),
            box(1000, 0, 2000, 1000),
            box(2000, 0, 3000, 1000),
        ],
        crs="EPSG:27700",
    )
    points = [(100 + i, 100) for i in range(10)]
    points += [(1100 + i, 100) for i in range(20)]
    points += [(2100 + i, 100) for i in range(30)]
    services = gpd.GeoDataFrame(
        {"name": ["A", "B"], "category": "youth and diversionary", "opening_hours": ""},
        geometry=[Point(700, 500), Point(2300, 500)],
        crs="EPSG:27700",
    )
    return areas, _incidents(points), services


def test_band_weights_on_edges_and_beyond():
    """5.0 minutes weighs 1.0, just over weighs 0.68, over 15 weighs 0, NaN 0."""
    got = band_weights([0, 5.0, 5.01, 10.0, 12, 15.0, 15.01, np.nan])
    assert list(got) == [1.0, 1.0, 0.68, 0.68, 0.22, 0.22, 0.0, 0.0]


def test_e2sfca_two_services_three_areas_by_hand():
    """Hand values: R_A = 1/30.2, R_B = 1/45.8, A = W R (the access package agrees)."""
    minutes = [[2, 12], [7, 7], [14, 3]]
    got = e2sfca([10, 20, 30], [1, 1], minutes)
    r_a, r_b = 1 / (10 + 0.68 * 20 + 0.22 * 30), 1 / (0.22 * 10 + 0.68 * 20 + 30)
    expected = [r_a + 0.22 * r_b, 0.68 * (r_a + r_b), 0.22 * r_a + r_b]
    np.testing.assert_allclose(got, expected)
    np.testing.assert_allclose(got, [0.0379161, 0.0373638, 0.0291189], rtol=1e-5)


def test_e2sfca_unreached_service_and_capacity():
    """A service nobody reaches adds nothing; doubling supply doubles access."""
    minutes = [[2, 40], [7, 40]]
    assert np.allclose(
        e2sfca([10, 20], [1, 5], minutes), e2sfca([10, 20], [1, 0], minutes)
    )
    assert np.allclose(
        e2sfca([10, 20], [2, 0], minutes), 2 * e2sfca([10, 20], [1, 0], minutes)
    )


def test_hexagons_hold_their_points_and_do_not_overlap():
    """Each point lies in (or on) its own hexagon; hexagons tile without overlap."""
    rng = np.random.default_rng(3)
    points = _incidents(list(map(tuple, rng.uniform(0, 3000, size=(400, 2)))))
    hexes, member = make_hexagons(points, 500)
    geoms = hexes.geometry.to_numpy()
    assert shapely.intersects(geoms[member], points.geometry.to_numpy()).all()
    np.testing.assert_allclose(shapely.area(geoms), 500**2 * np.sqrt(3) / 2)
    overlap = shapely.area(shapely.intersection(geoms[:, None], geoms[None, :]))
    np.fill_diagonal(overlap, 0)
    assert overlap.max() < 1e-6
    assert hexes.crs == "EPSG:27700"


def test_hexagon_lattice_does_not_move_with_the_data():
    """Adding a far point does not shift the other hexagons (no data anchor)."""
    base = _incidents([(1234.5, 987.6), (2500, 2500)])
    more = _incidents([(1234.5, 987.6), (2500, 2500), (-7777, 5555)])
    a, _ = make_hexagons(base)
    b, _ = make_hexagons(more)
    assert set(a["hex_key"]) < set(b["hex_key"])
    assert shapely.equals(
        a.geometry.to_numpy()[0], b.set_index("hex_key").geometry[a["hex_key"][0]]
    )


def test_hexagons_are_kept_for_the_same_points_and_size(calls):
    """The same points and size reuse the lattice; others make a new one."""
    made = calls(access, "_hexagon_lattice")
    access._HEXAGONS.clear()
    rng = np.random.default_rng(5)
    points = _incidents(list(map(tuple, rng.uniform(0, 3000, size=(200, 2)))))
    first, member = make_hexagons(points, 500)
    first["hex_key"] = "changed by the caller"  # a caller's own copy
    again, same = make_hexagons(points.copy(), 500)
    assert len(made) == 1
    access._HEXAGONS.clear()
    fresh, fresh_member = make_hexagons(points, 500)
    assert len(made) == 2
    assert_geodataframe_equal(again, fresh)
    np.testing.assert_array_equal(same, fresh_member)
    with pytest.raises(ValueError, match="read-only"):
        member[0] = 1
    make_hexagons(points, 400)
    make_hexagons(points.iloc[:-1], 500)
    assert len(made) == 4
    access._HEXAGONS.clear()


def test_area_gaps_columns_counts_and_hand_access(strip):
    """LSOA-style areas: counts per area and E2SFCA per 1,000 incidents by hand."""
    areas, incidents, services = strip
    got = area_gaps(areas, incidents, services, **EASY_WALK).set_index("area_id")
    assert got.crs == "EPSG:27700"
    assert list(got.loc[["W01", "W02", "W03"], "incidents"]) == ["10", "20", "30"]
    assert got.at["W02", "area_name"] == "Middle"
    # Centroids at x = 500, 1500, 2500: A is 2/8/18 minutes away, B 18/8/2.
    r_a, r_b = 1 / (10 + 0.68 * 20), 1 / (0.68 * 20 + 30)
    expected = 1000 * np.array([r_a, 0.68 * (r_a + r_b), r_b])
    youth = got.loc[["W01", "W02", "W03"], access_column("youth and diversionary")]
    np.testing.assert_allclose(youth, np.round(expected, 3))
    for category in SERVICE_CATEGORIES:
        assert access_column(category) in got.columns
    assert (got[access_column("mental health")] == 0).all()
    assert "wimd_rank" not in got
    assert "rate_per_1000" not in got


def test_gap_rank_weighs_need_access_and_deprivation(strip):
    """Hand percentile ranks: need 1/3,2/3,1; low access 2/3,1/3,1; WIMD 1/3,1,2/3."""
    areas, incidents, services = strip
    got = area_gaps(
        areas, incidents, services, wimd_column="wimd",
        focus=["youth and diversionary"], **EASY_WALK,
    )  # fmt: skip
    scores = got.set_index("area_id")["gap_score"]
    expected = {
        "W01": 0.5 / 3 + 0.3 * 2 / 3 + 0.2 / 3,
        "W02": 0.5 * 2 / 3 + 0.3 / 3 + 0.2,
        "W03": 0.5 + 0.3 + 0.2 * 2 / 3,
    }
    for area_id, value in expected.items():
        assert scores[area_id] == pytest.approx(value, abs=1e-3)
    assert list(got["area_id"]) == ["W03", "W02", "W01"]
    assert list(got["gap_rank"]) == [1, 2, 3]
    assert list(got["wimd_rank"]) == [2, 1, 3]


def test_small_counts_are_suppressed_with_their_rates(strip):
    """A count of 3 shows "<5"; its rate is withheld too; scores use 2.5 for it."""
    areas, incidents, services = strip
    few = incidents.iloc[:3]
    few = pd.concat([few, incidents.iloc[10:30]])
    got = area_gaps(
        areas, few, services, population_column="young_people", **EASY_WALK
    ).set_index("area_id")
    assert got.at["W01", "incidents"] == "<5"
    assert np.isnan(got.at["W01", "incidents_shown"])
    assert np.isnan(got.at["W01", "rate_per_1000"])
    assert got.at["W02", "rate_per_1000"] == 50.0
    assert np.isnan(got.at["W03", "rate_per_1000"])  # no young people: no rate
    assert got.at["W03", "incidents"] == "0"
    exact = area_gaps(areas, few, services, **EASY_WALK).set_index("area_id")
    as_published = area_gaps(
        areas,
        pd.concat([incidents.iloc[:2], incidents.iloc[10:30]]),
        services,
        **EASY_WALK,
    ).set_index("area_id")
    column = access_column("youth and diversionary")
    pd.testing.assert_series_equal(exact[column], as_published[column])


def test_hexagons_when_no_areas_given(strip):
    """Without areas: ~500 m hexagons holding incidents, named after places."""
    _, incidents, services = strip
    places = gpd.GeoDataFrame(
        {"name": ["Westgate", "Eastgate"]},
        geometry=[Point(0, 0), Point(3000, 0)],
        crs="EPSG:27700",
    )
    got = area_gaps(None, incidents, services, places=places, **EASY_WALK)
    assert got["area_id"].str.fullmatch(r"X\d{4}").all()
    assert set(got["area_name"]) <= {"Westgate", "Eastgate"}
    assert got["incidents_shown"].sum() == len(incidents)
    assert got.geometry.geom_type.eq("Polygon").all()


def test_real_lsoas_with_wimd(real_data, strip):
    """Swansea LSOAs joined to WIMD 2019 ranks give a full, ranked table."""
    lsoa = gpd.read_file(
        real_data / "boundaries" / "swansea_lsoa2011_W06000011.geojson"
    )
    wimd = pd.read_csv(real_data / "deprivation" / "wimd2019_ranks_wales_lsoa2011.csv")
    lsoa = lsoa.merge(
        wimd[["lsoa11cd", "wimd2019_rank"]], left_on="LSOA11CD", right_on="lsoa11cd"
    )
    _, _, services = strip
    centre = lsoa.to_crs("EPSG:27700").geometry.representative_point()
    incidents = _incidents(list(zip(centre.x, centre.y, strict=True)) * 6)
    services = services.set_geometry(
        [Point(centre.x.iloc[0], centre.y.iloc[0]), Point(265000, 193000)]
    )
    got = area_gaps(lsoa, incidents, services, wimd_column="wimd2019_rank")
    assert len(got) == len(lsoa)
    assert got["area_id"].str.startswith("W01").all()
    assert (got["incidents"] == "6").all()
    assert sorted(got["gap_rank"])[0] == 1
    assert got["wimd_rank"].between(1, 1909).all()


def test_gap_weights_rescale_without_wimd(strip):
    """Without WIMD the score is (0.5 need + 0.3 low access) / 0.8."""
    areas, incidents, services = strip
    got = area_gaps(
        areas, incidents, services, focus=["youth and diversionary"], **EASY_WALK
    ).set_index("area_id")
    assert "deprivation_score" not in got
    assert got.at["W01", "gap_score"] == pytest.approx(
        (0.5 / 3 + 0.3 * 2 / 3) / 0.8, abs=1e-3
    )
    assert got.at["W03", "gap_rank"] == 1
