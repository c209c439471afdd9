"""Merge significant hot cells into named hotspot areas with their statistics."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from geodata.crs import BNG
from geodata.disclosure import breakdown_text, shown_counts, suppress_counts
from hotspots.profiles import peak_times, profile_shares, weekly_profiles

HOTSPOT_COLUMNS = [
    "hotspot_id",
    "name",
    "incidents",
    "incidents_shown",
    "cells",
    "strength",
    "categories",
    "sources",
    "peak_day",
    "peak_band",
    "peak_times",
    "label_x",
    "label_y",
    "geometry",
]


def empty_hotspots() -> gpd.GeoDataFrame:
    """Return a hotspot table with the documented columns and no rows."""
    columns = {c: [] for c in HOTSPOT_COLUMNS if c != "geometry"}
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=[], crs=BNG)


def label_components(hot: np.ndarray, weights: sparse.csr_matrix) -> np.ndarray:
    """Return a component number per cell for contiguous hot cells, -1 elsewhere."""
    idx = np.nonzero(hot)[0]
    labels = np.full(len(hot), -1, dtype=np.int64)
    if len(idx) == 0:
        return labels
    _, comp = connected_components(weights[idx][:, idx], directed=False)
    labels[idx] = comp
    return labels


def _mix(
    group: np.ndarray, labels: pd.Series, n_groups: int, threshold: int
) -> list[str]:
    """Return each group's breakdown by label, disclosure-safe.

    ``group`` is each row's group (-1: none); labels are compared as text,
    listed in sorted order, and missing labels are left out.
    """
    codes, uniques = pd.factorize(labels)
    names, column = np.unique(
        np.asarray(pd.Index(uniques).astype(str), dtype=object), return_inverse=True
    )
    use = (group >= 0) & (codes >= 0)
    table = np.bincount(
        group[use] * len(names) + column[codes[use]], minlength=n_groups * len(names)
    ).reshape(n_groups, len(names))
    columns = [str(c) for c in names]
    return [breakdown_text(columns, row, threshold) for row in table]


def _names(
    centres: np.ndarray, places: gpd.GeoDataFrame
) -> tuple[list[str], np.ndarray]:
    if places is None or places.empty:
        return [f"Area {i + 1}" for i in range(len(centres))], centres
    xy = np.column_stack([places.geometry.x, places.geometry.y])
    _, nearest = cKDTree(xy).query(centres)
    names = places["name"].to_numpy()[nearest].tolist()
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique, xy[nearest]


def build_hotspots(
    cells: gpd.GeoDataFrame,
    labels: np.ndarray,
    z: np.ndarray,
    counts: np.ndarray,
    incidents: pd.DataFrame,
    incident_cell: np.ndarray,
    places: gpd.GeoDataFrame | None,
    threshold: int,
) -> tuple[gpd.GeoDataFrame, np.ndarray, dict]:
    """Dissolve labelled cells into hotspot areas, strongest concentration first.

    Returns
    -------
    GeoDataFrame, ndarray, dict
        Hotspots with ``HOTSPOT_COLUMNS`` (EPSG:27700), each cell's hotspot id
        ("" outside hotspots) and the week-by-hour profiles (``profile_shares``).
    """
    n_groups = int(labels.max()) + 1 if (labels >= 0).any() else 0
    cell_ids = np.full(len(labels), "", dtype=object)
    if n_groups == 0:
        return empty_hotspots(), cell_ids, {}
    in_hot = labels >= 0
    totals = np.bincount(labels[in_hot], weights=counts[in_hot], minlength=n_groups)
    # Rank by incidents so H01 is the largest concentration; ids follow the rank.
    rank = np.argsort(-totals, kind="stable")
    new_label = np.empty(n_groups, dtype=np.int64)
    new_label[rank] = np.arange(n_groups)
    labels = np.where(in_hot, new_label[np.maximum(labels, 0)], -1)
    totals = totals[rank]
    ids = np.array([f"H{i + 1:02d}" for i in range(n_groups)], dtype=object)
    cell_ids[in_hot] = ids[labels[in_hot]]

    geoms = cells.geometry.to_numpy()
    polygons = [shapely.union_all(geoms[labels == g]) for g in range(n_groups)]
    centroids = shapely.centroid(geoms[in_hot])
    cx, cy = shapely.get_x(centroids), shapely.get_y(centroids)
    hot_counts = counts[in_hot]
    weight = np.bincount(labels[in_hot], weights=hot_counts, minlength=n_groups)
    wx = np.bincount(labels[in_hot], weights=hot_counts * cx, minlength=n_groups)
    wy = np.bincount(labels[in_hot], weights=hot_counts * cy, minlength=n_groups)
    centres = np.column_stack([wx, wy]) / np.maximum(weight, 1)[:, None]
    names, label_xy = _names(centres, places)

    n_cells = np.bincount(labels[in_hot], minlength=n_groups)
    strength = np.bincount(labels[in_hot], weights=z[in_hot], minlength=n_groups)
    strength = strength / np.maximum(n_cells, 1)

    inc_group = np.where(incident_cell >= 0, labels[np.maximum(incident_cell, 0)], -1)
    mixes = _mix(inc_group, incidents["category"], n_groups, threshold)
    sources = _mix(inc_group, incidents["source"], n_groups, threshold)
    member = np.flatnonzero(inc_group >= 0)
    group = inc_group[member]
    when = incidents["when"].to_numpy()[member]
    has_time = incidents["has_time"].to_numpy(bool)[member]
    when_end = (
        incidents["when_end"].to_numpy()[member] if "when_end" in incidents else None
    )
    weekly = weekly_profiles(group, when, has_time, n_groups, when_end)
    profile = peak_times(
        group,
        when,
        incidents["has_day"].to_numpy(bool)[member],
        has_time,
        n_groups,
        when_end,
        profile=weekly,
    )
    profiles = profile_shares(weekly, ids, min_total=2 * threshold)
    frame = pd.DataFrame(
        {
            "hotspot_id": ids,
            "name": names,
            "incidents": suppress_counts(totals.astype(int), threshold).to_numpy(),
            "incidents_shown": shown_counts(totals.astype(int), threshold).to_numpy(),
            "cells": n_cells,
            "strength": np.round(strength, 2),
            "categories": mixes,
            "sources": sources,
            "peak_day": profile["peak_day"].to_numpy(),
            "peak_band": profile["peak_band"].to_numpy(),
            "peak_times": profile["peak_times"].to_numpy(),
            "label_x": label_xy[:, 0],
            "label_y": label_xy[:, 1],
        }
    )
    return gpd.GeoDataFrame(frame, geometry=polygons, crs=BNG), cell_ids, profiles
