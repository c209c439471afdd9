"""Reach: how often outreach has met young people at each hotspot lately."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.disclosure import suppress_counts

# A contact within this distance of a hotspot area counts as reaching it: teams
# meet young people on the approach roads as well as inside the cells.
REACH_BUFFER_M = 100.0
REACH_WEEKS = 8


def hotspot_reach(
    hotspots: gpd.GeoDataFrame,
    contacts: gpd.GeoDataFrame,
    *,
    end: pd.Timestamp,
    threshold: int,
    weeks: int = REACH_WEEKS,
) -> pd.DataFrame:
    """Return outreach visits and young people reached per hotspot in recent weeks.

    Returns
    -------
    DataFrame
        Aligned with ``hotspots``: ``visits`` (int, outreach contacts recorded),
        ``reach`` (plain words, young-people counts suppressed below
        ``threshold``) and ``reach_level`` ("none", "rare" for less than one visit
        a fortnight, "regular").
    """
    n = len(hotspots)
    visits = np.zeros(n, dtype=np.int64)
    people = np.zeros(n, dtype=np.int64)
    start = end - pd.Timedelta(weeks=weeks)
    if n and len(contacts):
        recent = contacts[(contacts["when"] > start) & (contacts["when"] <= end)]
        zones = shapely.buffer(hotspots.geometry.to_numpy(), REACH_BUFFER_M)
        tree = shapely.STRtree(zones)
        pts, zone = tree.query(recent.geometry.to_numpy(), predicate="within")
        visits = np.bincount(zone, minlength=n)
        people = np.bincount(
            zone, weights=recent["young_people"].to_numpy()[pts], minlength=n
        ).astype(np.int64)
    per_fortnight = visits / (weeks / 2)
    level = np.where(
        visits == 0, "none", np.where(per_fortnight < 1, "rare", "regular")
    )
    shown = suppress_counts(people, threshold)
    text = [
        f"no outreach visits in the last {weeks} weeks"
        if v == 0
        else f"{v} visit(s), {p} young people in the last {weeks} weeks"
        for v, p in zip(visits, shown, strict=True)
    ]
    return pd.DataFrame(
        {"visits": visits, "reach": text, "reach_level": level},
        index=hotspots.index,
    )
