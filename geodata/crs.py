"""Coordinate reference systems and the one place coordinates change system."""

from __future__ import annotations

from functools import cache

import numpy as np
from pyproj import Transformer

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"


@cache
def _transformer(source: str, target: str) -> Transformer:
    """Make each transformer once, on first use (0.06 s each, not at import)."""
    return Transformer.from_crs(source, target, always_xy=True)


def lonlat_to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 longitude/latitude arrays to British National Grid metres."""
    x, y = _transformer(WGS84, BNG).transform(
        np.asarray(lon, float), np.asarray(lat, float)
    )
    return np.asarray(x), np.asarray(y)


def bng_to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project British National Grid metres to WGS84 longitude/latitude arrays."""
    lon, lat = _transformer(BNG, WGS84).transform(
        np.asarray(x, float), np.asarray(y, float)
    )
    return np.asarray(lon), np.asarray(lat)
