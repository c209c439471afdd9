"""Service gaps: the nearest service of each kind to each hotspot, open or not."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.categories import SERVICE_CATEGORIES
from geodata.crs import BNG
from outreach.hours import open_matrix, representative_time
from outreach.walking import (
    DEFAULT_CIRCUITY,
    DEFAULT_SPEED_M_PER_MIN,
    walk_metres,
    walk_minutes,
)

log = logging.getLogger(__name__)

GAP_COLUMNS = (
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
)
GAP_TEXT_COLUMNS = (
    "hotspot_id",
    "hotspot_name",
    "nearest_service",
    "open_at_peak",
    "checked_at",
    "nearest_open_service",
)

# A service further than this many minutes' walk is worth telling the panel about.
GAP_MINUTES = 15


def in_bng(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Return ``frame`` in EPSG:27700 (reprojected if needed); no CRS is an error.

    A plain DataFrame (canonical incidents, ``x``/``y``) is EPSG:27700 by contract.
    """
    if not isinstance(frame, gpd.GeoDataFrame):
        return frame
    if frame.crs is None:
        raise ValueError(f"{what} has no CRS; canonical frames are EPSG:27700.")
    return frame if frame.crs == BNG else frame.to_crs(BNG)


def _metres_matrix(areas: np.ndarray, services: gpd.GeoDataFrame) -> np.ndarray:
    """Return straight-line metres from every area (rows) to every service."""
    points = services.geometry.to_numpy()
    return shapely.distance(areas[:, None], points[None, :])


def _nearest_in(metres: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the nearest allowed service's column (-1 if none) and metres per row."""
    n = len(metres)
    if metres.shape[1] == 0:
        return np.full(n, -1), np.full(n, np.nan)
    allowed = np.where(mask, metres, np.inf)
    column = allowed.argmin(axis=1)
    best = allowed[np.arange(n), column]
    none = np.isinf(best)
    return np.where(none, -1, column), np.where(none, np.nan, best)


def _peak_moments(hotspots: gpd.GeoDataFrame) -> pd.Series:
    """Return each hotspot's representative peak datetime (NaT when unknown)."""
    days = hotspots.get("peak_day", pd.Series("unknown", index=hotspots.index))
    bands = hotspots.get("peak_band", pd.Series("unknown", index=hotspots.index))
    moments = [
        representative_time(str(d), str(b)) for d, b in zip(days, bands, strict=True)
    ]
    return pd.Series(pd.to_datetime(moments), dtype="datetime64[ns]")


def find_gaps(
    hotspots: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    *,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    circuity: float = DEFAULT_CIRCUITY,
) -> pd.DataFrame:
    """Find the nearest service of every category to every hotspot area.

    Distance is measured from the hotspot polygon (0 when the service lies inside
    it) in straight-line metres, then turned into a walking estimate. Whether a
    service is open is checked at the hotspot's peak day and band, at the time
    in :data:`outreach.hours.BAND_TIMES` (after school 16:30, evening 19:30,
    late night 22:30, daytime 13:00) in an ordinary week.

    Parameters
    ----------
    hotspots
        Hotspot areas (``hotspot_id``, ``name``, polygon geometry; ``peak_day``
        and ``peak_band`` when known).
    services
        Canonical services (``name``, ``category``, ``opening_hours``, point
        geometry).
    speed_m_per_min
        Walking speed in metres per minute.
    circuity
        Ratio of walking distance to straight-line distance.

    Returns
    -------
    pandas.DataFrame
        One row per hotspot and category in :data:`SERVICE_CATEGORIES` (hotspot
        order, then category order). Columns ``hotspot_id``, ``hotspot_name``,
        ``category``, ``nearest_service`` ("" when the category has no service),
        ``distance_m`` (walking metres, est.), ``walk_minutes``, ``straight_m``
        (these three nullable ``Int64``, NA when the category has no service),
        ``open_at_peak`` ("yes"/"no"/"unknown": is the nearest service open at
        the peak time; "unknown" when the peak time or its hours are unknown,
        "no" when the category has no service), ``checked_at`` (e.g.
        "Fri 19:30", or "unknown"), ``nearest_open_service`` (nearest service
        *known* to be open then, "" if none or peak unknown) and
        ``open_walk_minutes`` (``Int64``, NA when there is none).
    """
    hotspots = in_bng(hotspots, "hotspots")
    services = in_bng(services, "services")
    unknown = sorted(set(services["category"]) - set(SERVICE_CATEGORIES))
    if unknown:
        log.info("find_gaps: ignoring services in categories %s", unknown)
    metres = _metres_matrix(hotspots.geometry.to_numpy(), services)
    moments = _peak_moments(hotspots)
    hours = services.get("opening_hours", pd.Series("", index=services.index))
    is_open, known = open_matrix(list(hours.fillna("")), moments)
    # A blank name at the end, so "no service" (-1) reads "" even with no services.
    names = np.append(services["name"].astype(str).to_numpy(), "")
    checked = np.where(
        moments.notna(), moments.dt.strftime("%a %H:%M").fillna("unknown"), "unknown"
    )

    parts = []
    for category in SERVICE_CATEGORIES:
        in_category = (services["category"] == category).to_numpy()[None, :]
        column, straight = _nearest_in(metres, in_category)
        has = column >= 0
        rows = np.flatnonzero(has)
        open_text = np.full(len(column), "no", dtype=object)
        open_text[rows[is_open[rows, column[rows]]]] = "yes"
        open_text[rows[~known[column[rows]]]] = "unknown"
        open_text[has & moments.isna().to_numpy()] = "unknown"
        open_col, open_m = _nearest_in(metres, in_category & is_open)
        parts.append(
            pd.DataFrame(
                {
                    "hotspot_id": hotspots["hotspot_id"].astype(str).to_numpy(),
                    "hotspot_name": hotspots["name"].astype(str).to_numpy(),
                    "category": category,
                    "nearest_service": names[column],
                    "distance_m": np.round(walk_metres(straight, circuity)),
                    "walk_minutes": walk_minutes(straight, speed_m_per_min, circuity),
                    "straight_m": np.round(straight),
                    "open_at_peak": open_text,
                    "checked_at": checked,
                    "nearest_open_service": names[open_col],
                    "open_walk_minutes": walk_minutes(
                        open_m, speed_m_per_min, circuity
                    ),
                    "_order": np.arange(len(hotspots)),
                }
            )
        )
    gaps = pd.concat(parts, ignore_index=True)
    gaps = gaps.sort_values("_order", kind="stable").drop(columns="_order")
    for column in ("distance_m", "walk_minutes", "straight_m", "open_walk_minutes"):
        gaps[column] = gaps[column].astype("Int64")
    for column in GAP_TEXT_COLUMNS:
        gaps[column] = gaps[column].astype("str")
    gaps = gaps.reset_index(drop=True)
    log.info(
        "find_gaps: %d hotspots x %d categories, %d rows without a service, "
        "%d nearest services with unknown hours at the peak",
        len(hotspots),
        len(SERVICE_CATEGORIES),
        int(gaps["walk_minutes"].isna().sum()),
        int((gaps["open_at_peak"] == "unknown").sum()),
    )
    return gaps[list(GAP_COLUMNS)]
