"""Walking routes for outreach sessions through named public places.

Each session walks through named public places near its hotspot (never an
incident's location, see `outreach.stops`): the most central first, then the
most valuable walk that fits the session with a dwell at every stop
(`outreach.orienteering`). Walking times follow the streets when a network is
given (`outreach.network`), else straight line x circuity at the walking speed.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import LineString, Point

from geodata.crs import BNG
from outreach.facts import session_bounds
from outreach.gaps import in_bng
from outreach.network import WalkNetwork
from outreach.orienteering import best_walk
from outreach.stops import (
    ROUTE_COLUMNS,
    ROUTE_EXTRAS,
    STOP_COLUMNS,
    VALUE_HALF_DISTANCE_M,
    candidate_stops,
    clean_places,
    directions_url,
    order_matrix,
    order_stops,
)
from outreach.walking import DEFAULT_CIRCUITY, DEFAULT_SPEED_M_PER_MIN

log = logging.getLogger(__name__)

__all__ = [
    "ROUTE_COLUMNS",
    "ROUTE_EXTRAS",
    "STOP_COLUMNS",
    "RoutePlan",
    "build_routes",
    "order_stops",
    "plan_routes",
]
_ARROW = " → "


@dataclass(frozen=True)
class RoutePlan:
    """Walking routes of a rota's sessions and their stops.

    Attributes
    ----------
    routes
        One row per session, EPSG:27700: `ROUTE_COLUMNS`, `ROUTE_EXTRAS` and a
        LineString (along the streets with a network) or a Point.
    stops
        One row per stop visited, in walking order: `STOP_COLUMNS` (``arrive``
        and ``leave`` "HH:MM", walking minutes and metres from the stop before,
        the stop's value, BNG ``x``/``y`` of the named place).
    """

    routes: gpd.GeoDataFrame
    stops: pd.DataFrame


def _stops_for(
    hotspot: pd.Series, stops: pd.DataFrame
) -> tuple[list, np.ndarray, np.ndarray]:
    """Return stop names, coordinates and values for one hotspot, start first.

    The walk starts at the place the hotspot is named after when it is a
    candidate (the pair meets where the panel says), else at the most central.
    """
    if stops.empty:
        xy = np.array([[hotspot["label_x"], hotspot["label_y"]]], dtype=float)
        if not np.isfinite(xy).all():
            point = hotspot.geometry.representative_point()
            xy = np.array([[point.x, point.y]])
        return [str(hotspot["name"])], xy, np.array([100.0])
    named = stops["name"].astype(str).str.casefold() == str(hotspot["name"]).casefold()
    stops = pd.concat([stops[named], stops[~named]])
    dist = stops["dist"].to_numpy(dtype=float)
    value = np.clip(np.rint(100 * 0.5 ** (dist / VALUE_HALF_DISTANCE_M)), 5, 100)
    value[0] = 100
    return stops["name"].tolist(), stops[["x", "y"]].to_numpy(dtype=float), value


@dataclass(frozen=True)
class _Walker:
    """How walking is measured: along a network, or estimated."""

    network: WalkNetwork | None
    circuity: float
    speed: float
    dwell: int | None
    time_limit_s: float

    def metres(self, xy: np.ndarray) -> np.ndarray:
        if self.network is not None and len(xy) > 1:
            return self.network.metres(xy)
        return np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) * (
            self.circuity
        )

    def plan(self, hotspot: pd.Series, stops: pd.DataFrame, budget: int | None) -> dict:
        names, xy, value = _stops_for(hotspot, stops)
        metres = self.metres(xy)
        minutes = np.ceil(np.round(metres / self.speed, 6)).astype(np.int64)
        dwell = 0 if self.dwell is None else self.dwell
        order = order_matrix(metres, 0, self.time_limit_s)
        walk = best_walk(
            minutes,
            value,
            dwell,
            budget if self.dwell is not None else None,
            start=0,
            time_limit_s=self.time_limit_s,
        )
        # With every stop kept, walk the order shortest in metres if it fits
        # (minutes are rounded up per leg, so orders can tie on minutes).
        legs_min = [0, *(int(minutes[a, b]) for a, b in itertools.pairwise(order))]
        fits = budget is None or self.dwell is None
        fits = fits or sum(legs_min) + dwell * len(order) <= budget
        if walk.skipped or not fits:
            order = walk.order
            legs_min = [0, *(int(minutes[a, b]) for a, b in itertools.pairwise(order))]
        legs_m = [0.0, *(float(metres[a, b]) for a, b in itertools.pairwise(order))]
        arrive = np.cumsum([0, *(dwell + m for m in legs_min[1:])]).tolist()
        path = xy[order]
        if len(path) == 1:
            line = Point(path[0])
        elif self.network is not None:
            line = self.network.line(path)
        else:
            line = LineString(path)
        total = float(sum(legs_m))
        return {
            "names": [names[i] for i in order],
            "xy": path,
            "value": value[order],
            "legs_m": legs_m,
            "legs_min": legs_min,
            "arrive": arrive,
            "skipped": [names[i] for i in walk.skipped],
            "walk_m": round(total),
            "walk_minutes": int(np.ceil(np.round(total / self.speed, 6))),
            "geometry": line,
        }


def _clock(start: datetime | None, minutes: int) -> str:
    return (
        ""
        if start is None
        else (start + timedelta(minutes=int(minutes))).strftime("%H:%M")
    )


def plan_routes(
    rota: pd.DataFrame,
    hotspots: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    network: WalkNetwork | None = None,
    dwell_minutes: int | None = 20,
    circuity: float = DEFAULT_CIRCUITY,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    max_stops: int = 8,
    time_limit_s: float = 0.5,
) -> RoutePlan:
    """Plan each session's walk through named public places near its hotspot.

    Stops are places within 200 m of the hotspot area, nearest its centre
    first, up to ``max_stops``; a stop's value halves every 175 m from the
    centre (100 at the centre, at least 5). The walk starts at the most central
    stop and visits the most valuable set of stops that fits the session's
    length with ``dwell_minutes`` at each, in the shortest order. A hotspot with
    no such place gets one stop: its label point, named by the hotspot's name.
    No incident coordinate is ever used.

    Parameters
    ----------
    rota
        Rota with ``session_id``, ``hotspot_id``, ``hotspot_name`` and, for
        times, ``date``, ``start`` and ``end``.
    hotspots
        Hotspot areas (``hotspot_id``, ``name``, ``label_x``, ``label_y``, polygon).
    places
        Named public places (``name``, point geometry), any CRS.
    network
        Optional street network (`outreach.network.read_walk_network`); without
        it walking is straight line x ``circuity``.
    dwell_minutes
        Minutes at each stop; ``None`` visits every stop with no time limit.
    circuity, speed_m_per_min
        Walking estimate settings (speed also applies along a network).
    max_stops
        Most stops considered per hotspot.
    time_limit_s
        Routing search limit per hotspot when not every stop fits.

    Returns
    -------
    RoutePlan
    """
    if max_stops < 1:
        raise ValueError(f"max_stops must be at least 1; got {max_stops}.")
    hotspots = in_bng(hotspots, "hotspots").reset_index(drop=True)
    ids = hotspots["hotspot_id"].astype(str)
    unknown = sorted(set(rota["hotspot_id"].astype(str)) - set(ids))
    if unknown:
        raise ValueError(f"rota names hotspots that are not in the result: {unknown}")
    candidates = candidate_stops(hotspots, clean_places(places), max_stops)
    groups = dict(list(candidates.groupby("hotspot_id", sort=False)))
    rows = {hid: row for hid, (_, row) in zip(ids, hotspots.iterrows(), strict=True)}
    walker = _Walker(network, circuity, speed_m_per_min, dwell_minutes, time_limit_s)
    timed = {"date", "start", "end"} <= set(rota.columns) and len(rota) > 0
    starts, ends = session_bounds(rota) if timed else ([None] * len(rota),) * 2
    cache: dict[tuple[str, int | None], dict] = {}
    records, stop_rows = [], []
    empty = candidates.iloc[:0]
    for (_, session), start_at, end_at in zip(
        rota.iterrows(), starts, ends, strict=True
    ):
        hid = str(session["hotspot_id"])
        budget = (
            None if start_at is None else int((end_at - start_at).total_seconds() // 60)
        )
        key = (hid, budget)
        if key not in cache:
            cache[key] = walker.plan(rows[hid], groups.get(hid, empty), budget)
        walk = cache[key]
        sid = str(session["session_id"])
        dwell = dwell_minutes or 0
        for n, name in enumerate(walk["names"]):
            stop_rows.append(
                {
                    "session_id": sid,
                    "order": n + 1,
                    "name": name,
                    "arrive": _clock(start_at, walk["arrive"][n]),
                    "leave": _clock(start_at, walk["arrive"][n] + dwell),
                    "walk_minutes": walk["legs_min"][n],
                    "walk_m": round(walk["legs_m"][n]),
                    "value": int(walk["value"][n]),
                    "x": float(walk["xy"][n][0]),
                    "y": float(walk["xy"][n][1]),
                }
            )
        records.append(
            {
                "session_id": sid,
                "hotspot_id": hid,
                "hotspot_name": str(session["hotspot_name"]),
                "stops": _ARROW.join(walk["names"]),
                "n_stops": len(walk["names"]),
                "walk_m": walk["walk_m"],
                "walk_minutes": walk["walk_minutes"],
                "directions_url": directions_url(walk["xy"]),
                "stop_times": "; ".join(
                    f"{_clock(start_at, t)} {name}".strip()
                    for t, name in zip(walk["arrive"], walk["names"], strict=True)
                ),
                "skipped": "; ".join(walk["skipped"]),
                "dwell_minutes": dwell,
                "walk_source": "estimate" if network is None else "street network",
                "geometry": walk["geometry"],
            }
        )
    columns = [*ROUTE_COLUMNS, *ROUTE_EXTRAS, "geometry"]
    routes = gpd.GeoDataFrame(
        pd.DataFrame(records, columns=columns), geometry="geometry", crs=BNG
    )
    for column in ("n_stops", "walk_m", "walk_minutes", "dwell_minutes"):
        routes[column] = routes[column].astype("int64")
    log.info(
        "plan_routes: %d sessions, %d distinct walks (%s), %d stops skipped for time",
        len(routes),
        len(cache),
        "street network" if network is not None else "estimate",
        sum(len(w["skipped"]) for w in cache.values()),
    )
    return RoutePlan(
        routes=routes, stops=pd.DataFrame(stop_rows, columns=list(STOP_COLUMNS))
    )


def build_routes(
    rota: pd.DataFrame,
    hotspots: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    circuity: float = DEFAULT_CIRCUITY,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    max_stops: int = 5,
    network: WalkNetwork | None = None,
) -> gpd.GeoDataFrame:
    """Plan a walking route through named public places for every rota session.

    Every stop is visited (no time limit) in the shortest order from the most
    central one; see `plan_routes` for walks that fit the session with dwell
    times, and for the stops table.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per rota session, EPSG:27700. Columns ``session_id``,
        ``hotspot_id``, ``hotspot_name``, ``stops`` ("A → B → C"), ``n_stops``,
        ``walk_m`` (walking metres, est. unless along a network),
        ``walk_minutes``, ``directions_url`` (Google Maps walking directions,
        5 dp), and a LineString through the stops (a Point when there is one).
    """
    plan = plan_routes(
        rota,
        hotspots,
        places,
        network=network,
        dwell_minutes=None,
        circuity=circuity,
        speed_m_per_min=speed_m_per_min,
        max_stops=max_stops,
    )
    return plan.routes[[*ROUTE_COLUMNS, "geometry"]]
