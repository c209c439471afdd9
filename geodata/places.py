"""Gazetteer of named public places used to label hotspots and sessions."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.crs import BNG, WGS84

_PLACES_CSV = Path(__file__).with_name("data") / "swansea_places.csv"


@cache
def _swansea_places() -> gpd.GeoDataFrame:
    table = pd.read_csv(_PLACES_CSV)
    points = gpd.points_from_xy(table["longitude"], table["latitude"], crs=WGS84)
    return gpd.GeoDataFrame(table[["name", "kind"]], geometry=points, crs=WGS84).to_crs(
        BNG
    )


def load_places() -> gpd.GeoDataFrame:
    """Return the built-in Swansea public places.

    Returns
    -------
    GeoDataFrame
        Columns ``name``, ``kind``, point ``geometry``; CRS EPSG:27700.
    """
    return _swansea_places().copy()
