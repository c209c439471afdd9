"""Synthetic incidents with known truth, for tests and benchmarks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import points

from geodata.crs import BNG

# A square study area in Swansea's part of the National Grid (metres).
ORIGIN = (262_000.0, 192_000.0)


def _frame(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> gpd.GeoDataFrame:
    n = len(x)
    start = np.datetime64("2026-01-01T00:00")
    minutes = rng.integers(0, 300 * 24 * 60, n).astype("timedelta64[m]")
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(start + minutes),
            "has_day": np.ones(n, bool),
            "has_time": np.ones(n, bool),
            "category": pd.Categorical(rng.choice(["violence", "drugs"], n)),
            "source": pd.Categorical(np.full(n, "simulated")),
        }
    )
    return gpd.GeoDataFrame(frame, geometry=points(np.column_stack([x, y])), crs=BNG)


def random_incidents(
    n: int, *, side_m: float = 5000.0, seed: int = 0
) -> gpd.GeoDataFrame:
    """Return ``n`` incidents under complete spatial randomness in a square."""
    rng = np.random.default_rng(seed)
    x = ORIGIN[0] + rng.uniform(0, side_m, n)
    y = ORIGIN[1] + rng.uniform(0, side_m, n)
    return _frame(x, y, rng)


def planted_incidents(
    n_background: int,
    centres: np.ndarray,
    per_hotspot: int,
    *,
    spread_m: float = 60.0,
    side_m: float = 5000.0,
    seed: int = 0,
) -> gpd.GeoDataFrame:
    """Return uniform background noise plus Gaussian clusters at ``centres``.

    ``centres`` are offsets in metres from the study square's south-west corner.
    """
    rng = np.random.default_rng(seed)
    bx = rng.uniform(0, side_m, n_background)
    by = rng.uniform(0, side_m, n_background)
    cx = np.repeat(centres[:, 0], per_hotspot) + rng.normal(
        0, spread_m, len(centres) * per_hotspot
    )
    cy = np.repeat(centres[:, 1], per_hotspot) + rng.normal(
        0, spread_m, len(centres) * per_hotspot
    )
    x = ORIGIN[0] + np.clip(np.r_[bx, cx], 0, side_m - 1e-6)
    y = ORIGIN[1] + np.clip(np.r_[by, cy], 0, side_m - 1e-6)
    return _frame(x, y, rng)


def study_square(side_m: float = 5000.0) -> gpd.GeoDataFrame:
    """Return the square study area used by the generators."""
    from shapely import box

    square = box(ORIGIN[0], ORIGIN[1], ORIGIN[0] + side_m, ORIGIN[1] + side_m)
    return gpd.GeoDataFrame(geometry=[square], crs=BNG)
