"""Walking routes for outreach sessions through named public places."""

from __future__ import annotations

import itertools
import logging
from urllib.parse import quote, urlencode

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import LineString, Point

from geodata.crs import BNG, bng_to_lonlat
from outreach.walking import (
    DEFAULT_CIRCUITY,
    DEFAULT_SPEED_M_PER_MIN,
    walk_metres,
    walk_minutes,
)

log = logging.getLogger(__name__)

ROUTE_COLUMNS = (
    "session_id",
    "hotspot_id",
    "hotspot_name",
    "stops",
    "n_stops",
    "walk_m",
    "walk_minutes",
    "directions_url",
)

# Places this close to a hotspot area still make sensible stops.
STOP_BUFFER_M = 200.0
# Up to this many stops, every order is tried (7! = 5040 paths).
_BRUTE_FORCE_MAX = 8
_ARROW = " → "
_DIRECTIONS = "https://www.google.com/maps/dir/"


def _in_bng(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise ValueError(f"{what} has no CRS; canonical frames are EPSG:27700.")
    return frame if frame.crs == BNG else frame.to_crs(BNG)


def _order_exhaustive(dist: np.ndarray, start: int) -> list[int]:
    others = [i for i in range(len(dist)) if i != start]
    perms = np.array(list(itertools.permutations(others)), dtype=int)
    paths = np.column_stack([np.full(len(perms), start), perms])
    lengths = dist[paths[:, :-1], paths[:, 1:]].sum(axis=1)
    return [int(i) for i in paths[int(np.argmin(lengths))]]


def _order_routing(dist: np.ndarray, start: int, time_limit_s: float) -> list[int]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(dist)
    # A free dummy end node turns the closed tour into an open path from start.
    cost = np.zeros((n + 1, n + 1), dtype=np.int64)
    cost[:n, :n] = np.round(dist * 10)  # decimetres: integer costs, no ties lost
    manager = pywrapcp.RoutingIndexManager(n + 1, 1, [start], [n])
    model = pywrapcp.RoutingModel(manager)
    matrix = cost.tolist()

    def _transit(i: int, j: int) -> int:
        return matrix[manager.IndexToNode(i)][manager.IndexToNode(j)]

    model.SetArcCostEvaluatorOfAllVehicles(model.RegisterTransitCallback(_transit))
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    )
    search.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    search.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    solution = model.SolveWithParameters(search)
    if solution is None:
        log.warning("order_stops: no routing solution; using nearest-neighbour order")
        return _order_greedy(dist, start)
    order, index = [], model.Start(0)
    while not model.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(model.NextVar(index))
    return order


def _order_greedy(dist: np.ndarray, start: int) -> list[int]:
    order, left = [start], set(range(len(dist))) - {start}
    while left:
        here = order[-1]
        nxt = min(left, key=lambda j: (dist[here, j], j))
        order.append(nxt)
        left.remove(nxt)
    return order


def order_stops(
    points_xy: np.ndarray, start: int = 0, *, time_limit_s: float = 1
) -> list[int]:
    """Return the shortest walking order through the points, starting at ``start``.

    The path is open (it does not return to the start). Up to 8 stops every order is
    tried, so the answer is exact; beyond that OR-Tools routing with guided local
    search runs for ``time_limit_s`` seconds.

    Parameters
    ----------
    points_xy
        ``(n, 2)`` array of projected coordinates in metres.
    start
        Index of the first stop.
    time_limit_s
        Time limit for the routing search (more than 8 stops only).

    Returns
    -------
    list of int
        A permutation of ``range(n)`` beginning with ``start``.
    """
    points = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    n = len(points)
    if n == 0:
        return []
    if not 0 <= start < n:
        raise ValueError(f"start must be an index below {n}; got {start}.")
    if n <= 2:
        return [start, *(i for i in range(n) if i != start)]
    dist = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    if n <= _BRUTE_FORCE_MAX:
        return _order_exhaustive(dist, start)
    return _order_routing(dist, start, time_limit_s)


def _directions_url(xy: np.ndarray) -> str:
    """Return a phone-friendly walking-directions link through the points."""
    lon, lat = bng_to_lonlat(xy[:, 0], xy[:, 1])
    coords = [f"{a:.5f},{b:.5f}" for a, b in zip(lat, lon, strict=True)]
    params = {"api": "1", "travelmode": "walking"}
    if len(coords) > 1:
        params["origin"] = coords[0]
    params["destination"] = coords[-1]
    if len(coords) > 2:
        params["waypoints"] = "|".join(coords[1:-1])
    return _DIRECTIONS + "?" + urlencode(params, quote_via=quote, safe=",")


def _candidate_stops(
    hotspots: gpd.GeoDataFrame, places: gpd.GeoDataFrame, max_stops: int
) -> pd.DataFrame:
    """Return up to ``max_stops`` places per hotspot, nearest its centre first."""
    areas = gpd.GeoDataFrame(
        {"hotspot_id": hotspots["hotspot_id"].astype(str).to_numpy()},
        geometry=hotspots.geometry.buffer(STOP_BUFFER_M).to_numpy(),
        crs=BNG,
    )
    centres = pd.Series(
        hotspots.geometry.centroid.to_numpy(), index=areas["hotspot_id"].to_numpy()
    )
    hits = gpd.sjoin(places, areas, predicate="within", how="inner")
    if hits.empty:
        return pd.DataFrame(columns=["hotspot_id", "name", "x", "y"])
    centre = gpd.GeoSeries(centres.loc[hits["hotspot_id"]].to_numpy(), crs=BNG)
    hits = hits.assign(
        x=hits.geometry.x,
        y=hits.geometry.y,
        dist=hits.geometry.reset_index(drop=True).distance(centre).to_numpy(),
    )
    hits = hits.sort_values(["hotspot_id", "dist", "name"], kind="stable")
    return hits.groupby("hotspot_id", sort=False).head(max_stops)[
        ["hotspot_id", "name", "x", "y"]
    ]


def _clean_places(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    places = _in_bng(places, "places")
    names = places["name"].fillna("").astype(str).str.strip()
    keep = (names != "") & places.geometry.notna() & ~places.geometry.is_empty
    places = gpd.GeoDataFrame(
        {"name": names[keep].to_numpy()},
        geometry=places.geometry[keep].to_numpy(),
        crs=BNG,
    )
    places = places[places.geometry.geom_type == "Point"]
    return places.drop_duplicates(subset="name").reset_index(drop=True)


def _route_for(
    hotspot: pd.Series, stops: pd.DataFrame, circuity: float, speed: float
) -> dict:
    if stops.empty:
        names = [str(hotspot["name"])]
        xy = np.array([[hotspot["label_x"], hotspot["label_y"]]], dtype=float)
        if not np.isfinite(xy).all():
            point = hotspot.geometry.representative_point()
            xy = np.array([[point.x, point.y]])
    else:
        names = stops["name"].tolist()
        xy = stops[["x", "y"]].to_numpy(dtype=float)
    order = order_stops(xy, 0)
    xy, names = xy[order], [names[i] for i in order]
    straight = float(np.hypot(*np.diff(xy, axis=0).T).sum()) if len(xy) > 1 else 0.0
    return {
        "stops": _ARROW.join(names),
        "n_stops": len(names),
        "walk_m": int(np.round(walk_metres(straight, circuity))),
        "walk_minutes": int(walk_minutes(straight, speed, circuity)),
        "directions_url": _directions_url(xy),
        "geometry": Point(xy[0]) if len(xy) == 1 else LineString(xy),
    }


def build_routes(
    rota: pd.DataFrame,
    hotspots: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    circuity: float = DEFAULT_CIRCUITY,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    max_stops: int = 5,
) -> gpd.GeoDataFrame:
    """Plan a walking route through named public places for every rota session.

    Stops are places within 200 m of the hotspot area, nearest its centre first, up
    to ``max_stops``, walked in the shortest order from the most central one. A
    hotspot with no such place gets one stop: its label point, named by the
    hotspot's name. No incident coordinate is ever used.

    Parameters
    ----------
    rota
        Rota with ``session_id``, ``hotspot_id``, ``hotspot_name``.
    hotspots
        Hotspot areas (``hotspot_id``, ``name``, ``label_x``, ``label_y``, polygon).
    places
        Named public places (``name``, point geometry), any CRS.
    circuity
        Ratio of walking distance to straight-line distance.
    speed_m_per_min
        Walking speed in metres per minute.
    max_stops
        Most stops per route.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per rota session, EPSG:27700. Columns ``session_id``,
        ``hotspot_id``, ``hotspot_name``, ``stops`` ("A → B → C"), ``n_stops``,
        ``walk_m`` (walking metres, est.), ``walk_minutes`` (est.),
        ``directions_url`` (Google Maps walking directions, 5 dp), and a LineString
        through the stops (a Point when there is one stop).
    """
    if max_stops < 1:
        raise ValueError(f"max_stops must be at least 1; got {max_stops}.")
    hotspots = _in_bng(hotspots, "hotspots").reset_index(drop=True)
    ids = hotspots["hotspot_id"].astype(str)
    unknown = sorted(set(rota["hotspot_id"].astype(str)) - set(ids))
    if unknown:
        raise ValueError(f"rota names hotspots that are not in the result: {unknown}")

    candidates = _candidate_stops(hotspots, _clean_places(places), max_stops)
    groups = dict(list(candidates.groupby("hotspot_id", sort=False)))
    empty = candidates.iloc[:0]
    wanted = set(rota["hotspot_id"].astype(str))
    per_hotspot = pd.DataFrame.from_dict(
        {
            hid: _route_for(row, groups.get(hid, empty), circuity, speed_m_per_min)
            for hid, (_, row) in zip(ids, hotspots.iterrows(), strict=True)
            if hid in wanted
        },
        orient="index",
        columns=[*ROUTE_COLUMNS[3:], "geometry"],
    )
    routes = pd.concat(
        [
            rota[["session_id", "hotspot_id", "hotspot_name"]].reset_index(drop=True),
            per_hotspot.reindex(rota["hotspot_id"].astype(str)).reset_index(drop=True),
        ],
        axis=1,
    )
    routes = gpd.GeoDataFrame(routes, geometry="geometry", crs=BNG)
    for column in ("n_stops", "walk_m", "walk_minutes"):
        routes[column] = routes[column].astype("int64")
    log.info(
        "build_routes: %d sessions over %d hotspots, %d with a single stop",
        len(routes),
        len(per_hotspot),
        int((per_hotspot["n_stops"] == 1).sum()),
    )
    return routes[[*ROUTE_COLUMNS, "geometry"]]
