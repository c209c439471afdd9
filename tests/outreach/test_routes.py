"""Tests for outreach.routes: stop order and session walking routes."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import Point, box

from outreach.network import read_walk_network
from outreach.routes import (
    ROUTE_COLUMNS,
    ROUTE_EXTRAS,
    STOP_COLUMNS,
    build_routes,
    order_stops,
    plan_routes,
)


def test_order_stops_beats_nearest_neighbour():
    """Greedy goes S-A-C-B (7.5); the best open path is S-B-A-C (6.0)."""
    points = np.array([[0, 0], [1, 0], [-1.5, 0], [3, 0]]) * 100.0
    assert order_stops(points, 0) == [0, 2, 1, 3]


def test_order_stops_respects_start():
    """The path always begins at the requested start index."""
    points = np.array([[0, 0], [300, 0], [100, 0], [200, 0]], dtype=float)
    assert order_stops(points, 3) == [3, 1, 2, 0]
    assert order_stops(points, 0) == [0, 2, 3, 1]


def test_order_stops_many_points_uses_routing():
    """Ten shuffled points on a line are walked end to end (OR-Tools branch)."""
    xs = np.array([500, 100, 900, 0, 300, 700, 200, 800, 600, 400], dtype=float)
    points = np.column_stack([xs, np.zeros_like(xs)])
    order = order_stops(points, start=3, time_limit_s=0.5)
    assert list(xs[order]) == sorted(xs)


def test_order_stops_edge_cases():
    """No points, one point, and a bad start index."""
    assert order_stops(np.empty((0, 2))) == []
    assert order_stops(np.array([[1.0, 2.0]])) == [0]
    with pytest.raises(ValueError, match="start must be an index below 2"):
        order_stops(np.zeros((2, 2)), start=2)


@pytest.fixture
def hotspots() -> gpd.GeoDataFrame:
    """H01 has nearby named places; H02 has none, so falls back to its label."""
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ["H01", "H02"],
            "name": ["Castle Square", "Parc Tawe"],
            "label_x": [265250.0, 268900.0],
            "label_y": [193250.0, 193400.0],
        },
        geometry=[
            box(265000, 193000, 265500, 193500),
            box(268000, 193000, 268500, 193500),
        ],
        crs="EPSG:27700",
    )


@pytest.fixture
def places() -> gpd.GeoDataFrame:
    """Four places near H01 (one 150 m outside its edge), one far away."""
    return gpd.GeoDataFrame(
        {"name": ["Castle Square", "Wind Street", "Kingsway", "Edge Place", "Far"]},
        geometry=[
            Point(265260, 193240),
            Point(265450, 193100),
            Point(265050, 193450),
            Point(265650, 193250),
            Point(262000, 190000),
        ],
        crs="EPSG:27700",
    )


@pytest.fixture
def rota() -> pd.DataFrame:
    """Three sessions: two at H01, one at H02."""
    return pd.DataFrame(
        {
            "session_id": ["S1", "S2", "S3"],
            "hotspot_id": ["H01", "H02", "H01"],
            "hotspot_name": ["Castle Square", "Parc Tawe", "Castle Square"],
        }
    )


def test_routes_contract(rota, hotspots, places):
    """One row per session, documented columns, EPSG:27700, line or point."""
    routes = build_routes(rota, hotspots, places)
    assert list(routes.columns) == [
        "session_id",
        "hotspot_id",
        "hotspot_name",
        "stops",
        "n_stops",
        "walk_m",
        "walk_minutes",
        "directions_url",
        "geometry",
    ]
    assert routes.crs == "EPSG:27700"
    assert list(routes["session_id"]) == ["S1", "S2", "S3"]
    assert list(routes.geometry.geom_type) == ["LineString", "Point", "LineString"]
    assert routes["n_stops"].tolist() == [4, 1, 4]


def test_routes_use_only_place_coordinates(rota, hotspots, places):
    """Every route vertex is a named place or the fallback label point."""
    routes = build_routes(rota, hotspots, places)
    allowed = {(p.x, p.y) for p in places.geometry} | {(268900.0, 193400.0)}
    vertices = shapely.get_coordinates(routes.geometry.to_numpy())
    assert {tuple(v) for v in vertices} <= allowed
    assert routes.loc[1, "stops"] == "Parc Tawe"


def test_route_starts_central_and_measures_walk(rota, hotspots, places):
    """Starts at the place nearest the centre; walk = legs x 1.3, minutes ceil."""
    route = build_routes(rota, hotspots, places).iloc[0]
    names = route["stops"].split(" → ")
    assert names[0] == "Castle Square"
    assert sorted(names) == ["Castle Square", "Edge Place", "Kingsway", "Wind Street"]
    assert "Far" not in names
    legs = route.geometry.length
    assert route["walk_m"] == round(legs * 1.3)
    assert route["walk_minutes"] == int(np.ceil(legs * 1.3 / 80))


def test_max_stops_keeps_the_most_central(rota, hotspots, places):
    """With max_stops=2 only the two places nearest the centre are kept."""
    route = build_routes(rota, hotspots, places, max_stops=2).iloc[0]
    assert route["stops"] == "Castle Square → Wind Street"


def test_directions_url_is_walking_link_in_5dp(rota, hotspots, places):
    """Google Maps walking link with origin, destination and waypoints in 5 dp."""
    routes = build_routes(rota, hotspots, places)
    url = routes.loc[0, "directions_url"]
    coord = r"51\.\d{5},-3\.\d{5}"
    assert re.fullmatch(
        r"https://www\.google\.com/maps/dir/\?api=1&travelmode=walking"
        rf"&origin={coord}&destination={coord}&waypoints={coord}%7C{coord}",
        url,
    )
    single = routes.loc[1, "directions_url"]
    assert re.fullmatch(
        rf"https://www\.google\.com/maps/dir/\?api=1&travelmode=walking"
        rf"&destination={coord}",
        single,
    )


def test_empty_rota_gives_empty_routes(rota, hotspots, places):
    """No sessions: an empty frame that still has the columns and the CRS."""
    routes = build_routes(rota.iloc[:0], hotspots, places)
    assert routes.empty
    assert routes.crs == "EPSG:27700"
    assert "directions_url" in routes.columns


def test_unknown_hotspot_is_refused(rota, hotspots, places):
    """A session naming a hotspot that is not in the result is a bug, not a gap."""
    rota.loc[0, "hotspot_id"] = "H99"
    with pytest.raises(ValueError, match="H99"):
        build_routes(rota, hotspots, places)


def _timed(
    rota: pd.DataFrame, start: str = "18:30", end: str = "21:30"
) -> pd.DataFrame:
    """The rota with a date and session times."""
    return rota.assign(date=pd.Timestamp("2026-12-12").date(), start=start, end=end)


def test_plan_routes_times_dwell_and_stops_table(rota, hotspots, places):
    """Stops get arrive/leave clock times with 20 minutes at each."""
    plan = plan_routes(_timed(rota), hotspots, places)
    assert list(plan.routes.columns) == [
        *ROUTE_COLUMNS,
        *ROUTE_EXTRAS,
        "geometry",
    ]
    assert list(plan.stops.columns) == list(STOP_COLUMNS)
    first = plan.stops[plan.stops["session_id"] == "S1"]
    assert first["order"].tolist() == [1, 2, 3, 4]
    assert first["name"].iloc[0] == "Castle Square"
    assert first["arrive"].iloc[0] == "18:30"
    assert first["leave"].iloc[0] == "18:50"
    legs = first["walk_minutes"].tolist()
    assert first["arrive"].iloc[1] == f"18:{50 + legs[1]:02d}"
    route = plan.routes.iloc[0]
    assert route["stop_times"].startswith("18:30 Castle Square; 18:5")
    assert route["skipped"] == ""
    assert route["walk_source"] == "estimate"
    assert plan.stops["value"].iloc[0] == 100


def test_short_session_skips_the_least_valuable_stops(rota, hotspots, places):
    """In 50 minutes with 20 at each stop only two stops fit; the far edge goes."""
    plan = plan_routes(_timed(rota, "18:30", "19:20"), hotspots, places)
    route = plan.routes.iloc[0]
    assert route["n_stops"] == 2
    assert route["stops"].startswith("Castle Square → ")
    assert "Edge Place" in route["skipped"]
    stops = plan.stops[plan.stops["session_id"] == "S1"]
    assert stops["leave"].iloc[-1] <= "19:20"


def test_routes_follow_a_street_network():
    """With a network the route's line runs along the streets and walk_m grows."""
    osm = Path(__file__).with_name("data") / "tiny_swansea.osm"
    network = read_walk_network("tiny_swansea.osm", osm.read_bytes())
    corner = np.array(network.tree.data)
    d, c = (
        corner[np.argmax(corner[:, 0] + corner[:, 1])],
        corner[np.argmax(corner[:, 0] - corner[:, 1])],
    )
    spots = gpd.GeoDataFrame(
        {"hotspot_id": ["H01"], "name": ["Top"], "label_x": [d[0]], "label_y": [d[1]]},
        geometry=[shapely.box(*np.minimum(c, d), *np.maximum(c, d)).buffer(10)],
        crs="EPSG:27700",
    )
    named = gpd.GeoDataFrame(
        {"name": ["Top", "Corner"]}, geometry=[Point(d), Point(c)], crs="EPSG:27700"
    )
    one = pd.DataFrame(
        {"session_id": ["S1"], "hotspot_id": ["H01"], "hotspot_name": ["Top"]}
    )
    plan = plan_routes(_timed(one), spots, named, network=network)
    route = plan.routes.iloc[0]
    assert route["walk_source"] == "street network"
    assert route["walk_m"] == pytest.approx(111, abs=2)
    straight = plan_routes(_timed(one), spots, named)
    assert straight.routes.iloc[0]["walk_m"] == pytest.approx(111 * 1.3, abs=2)
