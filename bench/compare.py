"""Check both pipelines' hotspots against the planted truth and against each other.

Both pipelines test the same square cells (same size, aligned to multiples of the
cell size, kept where the centre lies in the study area), so cells are matched by
their row and column in that lattice.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

BNG = "EPSG:27700"
# A hotspot area with no planted centre within this distance is counted as extra.
NEAR_PLANTED_M = 400.0


def _read_bng(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON layer in EPSG:27700 (an empty collection gives no rows)."""
    if not json.loads(path.read_text()).get("features"):
        return gpd.GeoDataFrame(geometry=[], crs=BNG)
    layer = gpd.read_file(path)
    return layer.to_crs(BNG) if layer.crs is not None else layer.set_crs(BNG)


def _hot(cells: gpd.GeoDataFrame) -> np.ndarray:
    """Return the hot-cell flags of either pipeline's cells layer."""
    if "hot" in cells:
        return cells["hot"].astype(bool).to_numpy()
    return (cells["significant"].astype(bool) & (cells["gistar"] > 0)).to_numpy()


def _keys(cells: gpd.GeoDataFrame, size: float) -> pd.MultiIndex:
    centres = shapely.centroid(cells.geometry.to_numpy())
    col = np.floor(shapely.get_x(centres) / size).astype(np.int64)
    row = np.floor(shapely.get_y(centres) / size).astype(np.int64)
    return pd.MultiIndex.from_arrays([row, col], names=["row", "col"])


def recovery(truth: dict, hotspots: Path, cells: Path, size: float) -> dict:
    """Return how many planted hotspots were found, and what else was found.

    A planted hotspot is found as an area when a hotspot polygon lies within one
    cell of its centre, and as a cell when the cell holding its centre is hot.
    """
    planted = truth["planted"]
    xy = np.array([[p["x"], p["y"]] for p in planted])
    points = shapely.points(xy)
    areas = _read_bng(hotspots)
    layer = _read_bng(cells)
    hot = _hot(layer)
    geoms = areas.geometry.to_numpy()
    if len(geoms):
        dist = shapely.distance(points[:, None], geoms[None, :])
        found_area = dist.min(axis=1) <= size
        extra = int((dist.min(axis=0) > NEAR_PLANTED_M).sum())
    else:
        found_area = np.zeros(len(planted), bool)
        extra = 0
    tree = shapely.STRtree(layer.geometry.to_numpy())
    which, cell = tree.query(points, predicate="within")
    found_cell = np.zeros(len(planted), bool)
    found_cell[which] = hot[cell]
    centres = shapely.centroid(layer.geometry.to_numpy()[hot])
    far = (
        shapely.distance(centres[:, None], points[None, :]).min(axis=1) > NEAR_PLANTED_M
        if len(centres)
        else np.zeros(0, bool)
    )
    record = {
        "planted": len(planted),
        "found_as_area": int(found_area.sum()),
        "found_as_cell": int(found_cell.sum()),
        "missed": [
            p["name"] for p, ok in zip(planted, found_area, strict=True) if not ok
        ],
        "areas": len(geoms),
        "extra_areas": extra,
        "hot_cells": int(hot.sum()),
        "hot_cells_far_from_planted": int(far.sum()),
    }
    if "p_sim" in layer:
        # The peer's answer without FDR, as most tutorials stop there.
        loose = ((layer["p_sim"] <= 0.05) & (layer["z"] > 0)).to_numpy()
        loose_centres = shapely.centroid(layer.geometry.to_numpy()[loose])
        record["uncorrected_found_as_cell"] = int(loose[cell].sum())
        record["uncorrected_hot_cells"] = int(loose.sum())
        record["uncorrected_hot_cells_far_from_planted"] = int(
            (
                shapely.distance(loose_centres[:, None], points[None, :]).min(axis=1)
                > NEAR_PLANTED_M
            ).sum()
        )
    return record


def compare_cells(ours: Path, peer: Path, size: float) -> dict:
    """Match the two pipelines' cells and report where their answers differ."""
    a = _read_bng(ours)
    b = _read_bng(peer)
    a.index, b.index = _keys(a, size), _keys(b, size)
    common = a.index.intersection(b.index)
    a, b = a.loc[common], b.loc[common]
    hot_a, hot_b = _hot(a), _hot(b)
    shown = a["n_shown"].notna().to_numpy()
    p_sim = b["p_sim"].to_numpy()
    floor = float(p_sim.min())
    n = len(b)
    return {
        "cells_ours": len(_keys(_read_bng(ours), size)),
        "cells_peer": int(n),
        "cells_matched": len(common),
        "counts_equal": bool(
            (a["n_shown"].to_numpy()[shown] == b["n"].to_numpy()[shown]).all()
        ),
        "max_abs_z_difference": round(
            float(np.nanmax(np.abs(a["gistar"].to_numpy() - b["z"].to_numpy()))), 4
        ),
        "hot_both": int((hot_a & hot_b).sum()),
        "hot_ours_only": int((hot_a & ~hot_b).sum()),
        "hot_peer_only": int((~hot_a & hot_b).sum()),
        "peer_p_floor": floor,
        "peer_cells_at_floor": int((p_sim <= floor).sum()),
        # Benjamini-Hochberg passes k cells at p only if p <= k * alpha / n.
        "peer_cells_needed_at_floor": int(np.ceil(floor * n / 0.05)),
        "peer_hot_uncorrected": int(((p_sim <= 0.05) & (b["z"] > 0)).sum()),
    }
