"""Incidents collapsed to weighted locations, snapped to a coarser grid if too many.

HDBSCAN in ``hotspots.contexts`` works on distinct locations weighted by their
incidents, never on incidents; above ``MAX_LOCATIONS`` distinct locations they
are snapped to 5, 10, 25 or 50 m so its cost stays bounded whatever the file size.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

MAX_LOCATIONS = 30_000
SNAP_STEPS_M = (5.0, 10.0, 25.0, 50.0)
# Spots of a grid up to this many cells are counted in a table of flags (one
# byte a cell), finer ones by hashing.
_FLAG_CELLS = 1 << 25


def _location_keys(x: np.ndarray, y: np.ndarray, resolution: float) -> np.ndarray:
    """Return one integer per ``resolution``-metre spot (equal spot, equal key)."""
    gx = np.round(x / resolution).astype(np.int64)
    gy = np.round(y / resolution).astype(np.int64)
    span = int(gy.max() - gy.min()) + 1
    return (gx - gx.min()) * span + (gy - gy.min())


def _count_distinct(keys: np.ndarray) -> int:
    """Return how many different values the non-negative ``keys`` take."""
    cells = int(keys.max()) + 1
    if cells > _FLAG_CELLS:
        return len(pd.unique(keys))
    seen = np.zeros(cells, bool)
    seen[keys] = True
    return int(np.count_nonzero(seen))


def collapse_locations(
    x: np.ndarray, y: np.ndarray, resolution: float
) -> tuple[np.ndarray, np.ndarray]:
    """Merge incidents on the same ``resolution``-metre spot into weighted locations.

    Returns
    -------
    ndarray, ndarray
        Location coordinates (m, 2), the mean of their incidents, and incident
        counts (m,).
    """
    # Codes of the sorted distinct keys, as np.unique's inverse, by hashing.
    inverse, _ = pd.factorize(_location_keys(x, y, resolution), sort=True)
    counts = np.bincount(inverse)
    sx = np.bincount(inverse, weights=x) / counts
    sy = np.bincount(inverse, weights=y) / counts
    return np.column_stack([sx, sy]), counts.astype(float)


def weighted_locations(
    x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Collapse incidents to weighted locations sorted by x, snapping if too many.

    Returns
    -------
    ndarray, ndarray, float
        Locations (m, 2), incidents at each, and the snapping resolution in
        metres (1 when there are at most ``MAX_LOCATIONS`` distinct metres).
    """
    resolution = 1.0
    for step in SNAP_STEPS_M:
        if _count_distinct(_location_keys(x, y, resolution)) <= MAX_LOCATIONS:
            break
        resolution = step
        log.info(
            "contexts: over %d distinct locations, snapped to a %.0f m grid",
            MAX_LOCATIONS,
            resolution,
        )
    xy, weight = collapse_locations(x, y, resolution)
    order = np.argsort(xy[:, 0], kind="stable")
    return xy[order], weight[order], resolution
