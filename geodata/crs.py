"""Coordinate reference systems and the one place coordinates change system."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
from pyproj import Transformer

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"


# pyproj keeps a transformer's PROJ state per thread and makes it on a thread's
# first use: 0.05 s each. Streamlit runs every page in a new thread, so each page
# that drew a new map paid it again, for each direction. Every transform runs on
# this one long-lived thread instead (the caller waits; PROJ releases the GIL).
_PROJ_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="proj")


def _new_proj_thread() -> None:
    """Give a forked child its own PROJ thread (the parent's does not follow)."""
    global _PROJ_THREAD
    _PROJ_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="proj")


os.register_at_fork(after_in_child=_new_proj_thread)


@cache
def _transformer(source: str, target: str) -> Transformer:
    """Make each transformer once, on first use (0.06 s each, not at import)."""
    return Transformer.from_crs(source, target, always_xy=True)


def _transform(
    source: str, target: str, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinate arrays on the PROJ thread."""
    transform = _transformer(source, target).transform
    first, second = _PROJ_THREAD.submit(
        transform, np.asarray(a, float), np.asarray(b, float)
    ).result()
    return np.asarray(first), np.asarray(second)


def lonlat_to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 longitude/latitude arrays to British National Grid metres."""
    return _transform(WGS84, BNG, lon, lat)


def bng_to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project British National Grid metres to WGS84 longitude/latitude arrays."""
    return _transform(BNG, WGS84, x, y)
