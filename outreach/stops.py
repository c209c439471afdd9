"""Stops for outreach walks: named places near each hotspot, their order, a link.

Stops are only ever named public places (or the hotspot's own label point),
never an incident's location.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlencode

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.crs import BNG, bng_to_lonlat
from outreach.gaps import in_bng
from outreach.orienteering import EXHAUSTIVE_MAX, shortest_order

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
# Extra columns of `plan_routes`: "18:30 Castle Square; 18:55 Wind Street",
# stops left out for time, minutes at each stop, "street network" or "estimate".
ROUTE_EXTRAS = ("stop_times", "skipped", "dwell_minutes", "walk_source")
STOP_COLUMNS = (
    "session_id",
    "order",
    "name",
    "arrive",
    "leave",
    "walk_minutes",
    "walk_m",
    "value",
    "x",
    "y",
)

# Places this close to a hotspot area still make sensible stops.
STOP_BUFFER_M = 200.0
# A stop's value halves every this many metres from the hotspot's centre.
VALUE_HALF_DISTANCE_M = 175.0
_ARROW = " → "
_DIRECTIONS = "https://www.google.com/maps/dir/"


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
    return order_matrix(dist, start, time_limit_s)


def order_matrix(dist: np.ndarray, start: int, time_limit_s: float) -> list[int]:
    """Return the shortest open path from ``start`` through a distance matrix."""
    if len(dist) <= EXHAUSTIVE_MAX:
        return shortest_order(dist, start)
    return _order_routing(dist, start, time_limit_s)


def directions_url(xy: np.ndarray) -> str:
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


def candidate_stops(
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
        return pd.DataFrame(columns=["hotspot_id", "name", "x", "y", "dist"])
    centre = gpd.GeoSeries(centres.loc[hits["hotspot_id"]].to_numpy(), crs=BNG)
    hits = hits.assign(
        x=hits.geometry.x,
        y=hits.geometry.y,
        dist=hits.geometry.reset_index(drop=True).distance(centre).to_numpy(),
    )
    hits = hits.sort_values(["hotspot_id", "dist", "name"], kind="stable")
    return hits.groupby("hotspot_id", sort=False).head(max_stops)[
        ["hotspot_id", "name", "x", "y", "dist"]
    ]


def clean_places(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    places = in_bng(places, "places")
    names = places["name"].fillna("").astype(str).str.strip()
    keep = (names != "") & places.geometry.notna() & ~places.geometry.is_empty
    places = gpd.GeoDataFrame(
        {"name": names[keep].to_numpy()},
        geometry=places.geometry[keep].to_numpy(),
        crs=BNG,
    )
    places = places[places.geometry.geom_type == "Point"]
    return places.drop_duplicates(subset="name").reset_index(drop=True)
