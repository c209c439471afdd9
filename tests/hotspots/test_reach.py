"""Reach: outreach contacts counted per hotspot over recent weeks."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geodata.crs import BNG
from hotspots.reach import hotspot_reach


def _hotspots() -> gpd.GeoDataFrame:
    """Two 200 m square hotspots 2 km apart."""
    return gpd.GeoDataFrame(
        {"hotspot_id": ["H01", "H02"]},
        geometry=[shapely.box(0, 0, 200, 200), shapely.box(2000, 0, 2200, 200)],
        crs=BNG,
    )


def _contacts(rows) -> gpd.GeoDataFrame:
    """Contacts from (date, young_people, x, y) tuples."""
    frame = pd.DataFrame(rows, columns=["when", "young_people", "x", "y"])
    return gpd.GeoDataFrame(
        {"when": pd.to_datetime(frame["when"]), "young_people": frame["young_people"]},
        geometry=gpd.points_from_xy(frame["x"], frame["y"]),
        crs=BNG,
    )


def test_recent_contacts_near_a_hotspot_count_and_old_or_far_ones_do_not():
    """Only contacts within 100 m and within 8 weeks count; small totals are hidden."""
    contacts = _contacts(
        [
            ("2026-11-20", 3, 100, 100),  # inside H01
            ("2026-11-10", 4, 250, 100),  # 50 m outside H01: counts
            ("2026-11-01", 2, 100, 100),  # inside H01
            ("2026-11-15", 2, 100, 100),
            ("2026-01-01", 9, 100, 100),  # too old
            ("2026-11-20", 9, 1000, 100),  # far from both
        ]
    )
    reach = hotspot_reach(
        _hotspots(), contacts, end=pd.Timestamp("2026-11-30"), threshold=5
    )
    assert reach["visits"].tolist() == [4, 0]
    assert reach.loc[0, "reach"] == "4 visit(s), 11 young people in the last 8 weeks"
    assert reach["reach_level"].tolist() == ["regular", "none"]


def test_rare_reach_and_suppressed_young_people():
    """One visit in eight weeks is rare; 2 young people show as '<5'."""
    contacts = _contacts([("2026-11-20", 2, 100, 100)])
    reach = hotspot_reach(
        _hotspots(), contacts, end=pd.Timestamp("2026-11-30"), threshold=5
    )
    assert reach.loc[0, "reach_level"] == "rare"
    assert "<5 young people" in reach.loc[0, "reach"]
