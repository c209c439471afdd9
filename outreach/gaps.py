"""Service gaps: how far each hotspot area is from the nearest service of each kind."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import STRtree

from geodata.crs import BNG
from outreach.walking import (
    DEFAULT_CIRCUITY,
    DEFAULT_SPEED_M_PER_MIN,
    walk_metres,
    walk_minutes,
)

log = logging.getLogger(__name__)

SERVICE_CATEGORIES: tuple[str, ...] = (
    "mental health",
    "substance misuse",
    "homelessness",
    "youth and diversionary",
    "sexual health",
    "education",
    "health",
)

GAP_COLUMNS = (
    "hotspot_id",
    "hotspot_name",
    "category",
    "nearest_service",
    "distance_m",
    "walk_minutes",
    "straight_m",
)

# A service further than this many minutes' walk is worth telling the panel about.
GAP_MINUTES = 15


def _in_bng(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise ValueError(f"{what} has no CRS; canonical frames are EPSG:27700.")
    return frame if frame.crs == BNG else frame.to_crs(BNG)


def _nearest(
    areas: np.ndarray, services: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Return the nearest service's name and straight-line metres for each area."""
    n = len(areas)
    if services.empty:
        return np.full(n, "", dtype=object), np.full(n, np.nan)
    tree = STRtree(services.geometry.to_numpy())
    (area_idx, service_idx), dist = tree.query_nearest(
        areas, return_distance=True, all_matches=False
    )
    names = np.full(n, "", dtype=object)
    metres = np.full(n, np.nan)
    names[area_idx] = services["name"].astype(str).to_numpy()[service_idx]
    metres[area_idx] = dist
    return names, metres


def find_gaps(
    hotspots: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    *,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    circuity: float = DEFAULT_CIRCUITY,
) -> pd.DataFrame:
    """Find the nearest service of every category to every hotspot area.

    Distance is measured from the hotspot polygon (0 when the service lies inside
    it) in straight-line metres, then turned into a walking estimate.

    Parameters
    ----------
    hotspots
        Hotspot areas (``hotspot_id``, ``name``, polygon geometry).
    services
        Canonical services (``name``, ``category``, point geometry).
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
        ``distance_m`` (walking metres, est.), ``walk_minutes``, ``straight_m``;
        the last three are nullable ``Int64``, NA when the category has no service.
    """
    hotspots = _in_bng(hotspots, "hotspots")
    services = _in_bng(services, "services")
    areas = hotspots.geometry.to_numpy()
    unknown = sorted(set(services["category"]) - set(SERVICE_CATEGORIES))
    if unknown:
        log.info("find_gaps: ignoring services in categories %s", unknown)

    parts = []
    for category in SERVICE_CATEGORIES:
        names, straight = _nearest(areas, services[services["category"] == category])
        parts.append(
            pd.DataFrame(
                {
                    "hotspot_id": hotspots["hotspot_id"].astype(str).to_numpy(),
                    "hotspot_name": hotspots["name"].astype(str).to_numpy(),
                    "category": category,
                    "nearest_service": names,
                    "distance_m": np.round(walk_metres(straight, circuity)),
                    "walk_minutes": walk_minutes(straight, speed_m_per_min, circuity),
                    "straight_m": np.round(straight),
                    "_order": np.arange(len(hotspots)),
                }
            )
        )
    gaps = pd.concat(parts, ignore_index=True)
    gaps = gaps.sort_values("_order", kind="stable").drop(columns="_order")
    for column in ("distance_m", "walk_minutes", "straight_m"):
        gaps[column] = gaps[column].astype("Int64")
    for column in ("hotspot_id", "hotspot_name", "nearest_service"):
        gaps[column] = gaps[column].astype("str")
    gaps = gaps.reset_index(drop=True)
    log.info(
        "find_gaps: %d hotspots x %d categories, %d rows without a service",
        len(hotspots),
        len(SERVICE_CATEGORIES),
        int(gaps["walk_minutes"].isna().sum()),
    )
    return gaps[list(GAP_COLUMNS)]


def gap_summary(gaps: pd.DataFrame, *, over_minutes: int = GAP_MINUTES) -> list[str]:
    """Describe the service gaps worth the panel's attention in plain sentences.

    Parameters
    ----------
    gaps
        Output of :func:`find_gaps`.
    over_minutes
        Report a hotspot/category pair when its nearest service is more than this
        many minutes' walk away.

    Returns
    -------
    list of str
        One sentence per long walk ("Parc Tawe: nearest youth and diversionary
        provision is 24 minutes' walk (est.)"), then one per category with no
        service in the list at all.
    """
    minutes = gaps["walk_minutes"]
    far = gaps[minutes.notna() & (minutes > over_minutes)]
    lines = [
        f"{name}: nearest {category} provision is {int(mins)} minutes' walk (est.)"
        for name, category, mins in zip(
            far["hotspot_name"], far["category"], far["walk_minutes"], strict=True
        )
    ]
    missing = gaps.loc[minutes.isna(), "category"].drop_duplicates()
    lines.extend(
        f"No {category} services were in the services list, so that gap could "
        "not be measured."
        for category in missing
    )
    return lines
