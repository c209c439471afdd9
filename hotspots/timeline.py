"""The hotspot map over time: trend classes per cell and hotspot, emerging areas.

``hotspot_trends`` takes a finished hotspot map (``HotspotResult``) and the
incidents behind it, cuts them into panel periods that end on the panel date,
runs the map's Gi* test in every period and classifies cells and hotspot areas
(rules in ``hotspots.trends``). Cells that are new or emerging outside every
hotspot of the map (a context too recent to stand out over the whole window)
become "emerging areas", named and described like hotspots.

A cell is new or emerging only when its rise is itself significant across all
cells (``hotspots.trends``, "Why the rise and fall tests"): with hot flags
alone, the false hot cells each period's FDR allows became "New" areas on
steady data, more with more data (0 at 100k, 3 at 1M, 13 at 10M incidents).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from geodata.categories import is_one_of
from geodata.disclosure import shown_counts, suppress_counts
from geodata.points import point_xy
from hotspots.areas import HOTSPOT_COLUMNS, build_hotspots, label_components
from hotspots.cellindex import rebuild_units
from hotspots.memo import ArrayMemo, read_only
from hotspots.params import HotspotParams
from hotspots.periods import (
    assign_periods,
    make_periods,
    period_counts,
    period_hot_from_counts,
)
from hotspots.result import HotspotResult
from hotspots.trends import (
    AREA_MK_ALPHA,
    PERSISTENT_SHARE,
    RECENT_PERIODS,
    classify_trends,
    trend_note,
    trend_of_area,
)

log = logging.getLogger(__name__)

TREND_CELL_COLUMNS = ["cell_id", "trend", "hot_periods", "hot_recent"]
TREND_HOTSPOT_COLUMNS = ["hotspot_id", "trend", "recent"]
PERIOD_TABLE_COLUMNS = ["period", "start", "end", "incidents", "incidents_shown"]
EMERGING_COLUMNS = [*HOTSPOT_COLUMNS[:-1], "trend", "recent", "geometry"]
_EMERGING = ("new", "emerging")


@dataclass(frozen=True)
class TrendResult:
    """Trend classes per cell and hotspot, emerging areas and the periods behind.

    Attributes
    ----------
    periods
        ``PERIOD_TABLE_COLUMNS``: ``period`` (0 = oldest), ``start``, ``end``
        (exclusive), ``incidents`` (str, suppressed) and ``incidents_shown``
        (float, NaN where suppressed) over the whole study area.
    cells
        ``TREND_CELL_COLUMNS``: ``cell_id``, ``trend`` (one of
        ``hotspots.trends.TREND_CLASSES``), ``hot_periods`` and ``hot_recent``
        (int: periods hot in all, and among the last 3); one row per row of
        ``HotspotResult.cells``, same order.
    hotspots
        ``TREND_HOTSPOT_COLUMNS``: ``hotspot_id``, ``trend``, ``recent`` ("up",
        "down", "same"); one row per row of ``HotspotResult.hotspots``, same
        order.
    emerging
        EPSG:27700 areas of new or emerging cells outside every hotspot, with
        at least ``threshold`` incidents in the last 3 periods:
        ``EMERGING_COLUMNS`` (the hotspot columns, ids "E01"..., counts and
        peak times over the last 3 periods, plus ``trend`` and ``recent``).
    note
        Plain-words caution for the front doors ("" when none is needed).
    choices
        Period length and count, thresholds and test settings.
    """

    periods: pd.DataFrame
    cells: pd.DataFrame
    hotspots: pd.DataFrame
    emerging: gpd.GeoDataFrame
    note: str
    choices: dict = field(default_factory=dict)


class CellTrends(NamedTuple):
    """Cells x periods hot flags, space-time Gi* z and counts; a class per cell."""

    hot: np.ndarray
    z: np.ndarray
    counts: np.ndarray
    trend: np.ndarray


def cell_trends(
    cell_index: np.ndarray,
    period_index: np.ndarray,
    weights: sparse.csr_matrix,
    n_periods: int,
    alpha: float,
    *,
    main_hot: np.ndarray,
    time_window: int = 1,
) -> CellTrends:
    """Test every cell in every period and classify each cell's history.

    The per-period Gi* (``period_hot_from_counts``) starts its null outside the
    windows of the main map's hot cells ``main_hot``. The classes
    (``classify_trends``) test change on each cell's window counts (the cell
    and its neighbours, the count its Gi* tests) against the whole map's
    incidents a period, at false-discovery rate ``alpha`` across all cells.

    Parameters
    ----------
    cell_index, period_index
        Each incident's cell and period (-1 = outside).
    weights
        Binary contiguity weights with self, cells x cells.
    n_periods
        Number of periods.
    alpha
        False-discovery rate of the per-period tests and of the change tests.
    main_hot
        Hot cells of the main map (whole window).
    time_window
        Periods summed for each period's test (see ``period_hot``).

    Returns
    -------
    CellTrends
        ``hot``, ``z``, ``counts`` (cells x periods) and ``trend`` (one of
        ``hotspots.trends.TREND_CLASSES`` per cell).
    """
    counts = period_counts(cell_index, period_index, weights.shape[0], n_periods)
    arrays = (counts, weights.indptr, weights.indices, weights.data, main_hot)
    return _CELL_TRENDS.get_or_make(
        arrays,
        (alpha, time_window),
        lambda: _tested(counts, weights, alpha, main_hot, time_window),
    )


# The tests depend on the cells' counts per period, the weights and the FDR
# level only: a new disclosure threshold reuses them (0.2 s of its 1.3 s rerun
# at 100k incidents), as do the views prepared ahead that share them.
_CELL_TRENDS: ArrayMemo[CellTrends] = ArrayMemo(size=4)


def _tested(
    counts: np.ndarray,
    weights: sparse.csr_matrix,
    alpha: float,
    main_hot: np.ndarray,
    time_window: int,
) -> CellTrends:
    """Run ``cell_trends``' tests on its counts; the arrays come back read-only."""
    z, hot = period_hot_from_counts(
        counts,
        weights,
        alpha,
        time_window=time_window,
        background=np.asarray(weights @ main_hot.astype(float)).ravel() == 0,
    )
    trend = classify_trends(
        hot, z, weights @ counts, alpha=alpha, reference=counts.sum(axis=0)
    ).to_numpy()
    made = CellTrends(hot=hot, z=z, counts=counts, trend=trend)
    read_only(*made)
    return made


def _empty_emerging(crs) -> gpd.GeoDataFrame:
    columns = {c: [] for c in EMERGING_COLUMNS if c != "geometry"}
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=[], crs=crs)


def _no_trends(result: HotspotResult, note: str, choices: dict) -> TrendResult:
    log.info(note)
    return TrendResult(
        periods=pd.DataFrame(columns=PERIOD_TABLE_COLUMNS),
        cells=pd.DataFrame({"cell_id": result.cells["cell_id"].to_numpy()}).assign(
            trend="none", hot_periods=0, hot_recent=0
        ),
        hotspots=pd.DataFrame(
            {"hotspot_id": result.hotspots["hotspot_id"].to_numpy()}
        ).assign(trend="none", recent="same"),
        emerging=_empty_emerging(result.cells.crs),
        note=note,
        choices=choices,
    )


def _month_only_note(left_out: str, length: str) -> str:
    if left_out == "0":
        return ""
    return (
        f"{left_out} record(s) with only a month were left out of the {length} "
        "periods; choose monthly periods to include them."
    )


def _drop_thin_first_period(
    periods: pd.DataFrame, first_seen: pd.Timestamp
) -> pd.DataFrame:
    """Drop the oldest period when data cover less than half of it (it looks quiet)."""
    head = periods.iloc[0]
    if (
        len(periods) > 1
        and head["end"] - first_seen < (head["end"] - head["start"]) / 2
    ):
        periods = periods.iloc[1:].reset_index(drop=True)
        return periods.assign(period=np.arange(len(periods)))
    return periods


def _emerging_areas(
    cells: gpd.GeoDataFrame,
    mask: np.ndarray,
    weights: sparse.csr_matrix,
    hot: np.ndarray,
    counts: np.ndarray,
    z: np.ndarray,
    incidents: pd.DataFrame,
    cell_index: np.ndarray,
    is_recent: np.ndarray,
    places: gpd.GeoDataFrame | None,
    threshold: int,
) -> gpd.GeoDataFrame:
    """Name and describe connected new or emerging cells, as hotspot areas.

    Counts and peak times come from the ``is_recent`` incidents (in the last
    periods), taken only when there is an area to describe.
    """
    labels = label_components(mask, weights)
    if not (labels >= 0).any():
        return _empty_emerging(cells.crs)
    recent_counts = counts[:, -RECENT_PERIODS:].sum(axis=1)
    areas, cell_ids, _ = build_hotspots(
        cells[["cell_id", "geometry"]],
        labels,
        z[:, -1],
        recent_counts,
        incidents[is_recent].reset_index(drop=True),
        cell_index[is_recent],
        places,
        threshold,
    )
    trends = trend_of_area(hot, counts, cell_ids)
    areas = areas.join(trends, on="hotspot_id")
    areas = areas[areas["incidents_shown"] >= threshold].reset_index(drop=True)
    areas["hotspot_id"] = [f"E{i + 1:02d}" for i in range(len(areas))]
    return areas[EMERGING_COLUMNS]


def hotspot_trends(
    incidents: pd.DataFrame,
    result: HotspotResult,
    params: HotspotParams,
    panel_date: date,
    *,
    places: gpd.GeoDataFrame | None = None,
    length: str = "fortnight",
    time_window: int = 1,
) -> TrendResult:
    """Classify how each cell and hotspot of a hotspot map changed over time.

    Parameters
    ----------
    incidents
        The canonical incidents (EPSG:27700) ``result`` was computed from.
    result
        The hotspot map: its cells fix the grid, its hotspots each get a class.
    params
        The settings of that map (categories, FDR level and threshold are reused).
    panel_date
        Last day of the last period; later incidents are left out.
    places
        Named public places to name emerging areas (as ``detect_hotspots``).
    length
        "fortnight", "28 days" or "month". Records with only a month (police.uk)
        are left out unless periods are months.
    time_window
        Periods summed for each period's test (see ``period_hot``).

    Returns
    -------
    TrendResult
        Classes per cell and hotspot, emerging areas, the periods, a note and
        the choices made.
    """
    choices: dict = {
        "period_length": length,
        "panel_date": str(panel_date),
        "time_window_periods": time_window,
        "recent_periods": RECENT_PERIODS,
        "persistent_share": PERSISTENT_SHARE,
        "trend_test": "Mann-Kendall, two-sided, lag-1 autocorrelation corrected",
        "change_tests": "trend, and rise or fall in the final and recent periods "
        "against a steady share of the map's incidents (binomial, pooled "
        "over-dispersion); Benjamini-Hochberg at "
        f"{params.alpha} across cells and {AREA_MK_ALPHA} across hotspots",
        "period_null": "fitted outside the main map's and the period's hot cells",
    }
    if result.status != "ok" or result.cells.empty:
        return _no_trends(result, f"No trends: {result.message}", choices)
    if params.categories:
        incidents = incidents[is_one_of(incidents["category"], params.categories)]
    if length != "month":
        month_only = ~incidents["has_day"].to_numpy(bool)
        left_out = np.array([int(month_only.sum())])
        choices["month_only_left_out"] = str(
            suppress_counts(left_out, params.threshold).iloc[0]
        )
        if month_only.any():
            incidents = incidents[~month_only]
    if incidents.empty:
        note = "No trends: no incident has a day; choose monthly periods."
        return _no_trends(result, note, choices)
    incidents = incidents.reset_index(drop=True)
    first_seen = incidents["when"].min()
    periods = _drop_thin_first_period(
        make_periods(first_seen, panel_date, length), first_seen
    )
    weights, cell_index = rebuild_units(result.cells, *point_xy(incidents))
    period_index = assign_periods(incidents["when"], periods)
    n_periods = len(periods)
    main_hot = (result.cells["significant"] & (result.cells["gistar"] > 0)).to_numpy()
    hot, z, counts, cell_trend = cell_trends(
        cell_index,
        period_index,
        weights,
        n_periods,
        params.alpha,
        main_hot=main_hot,
        time_window=time_window,
    )
    hotspot_of_cell = result.cells["hotspot_id"].to_numpy()
    areas = trend_of_area(hot, counts, hotspot_of_cell)
    emerging = _emerging_areas(
        result.cells,
        np.isin(cell_trend, _EMERGING) & (hotspot_of_cell == ""),
        weights,
        hot,
        counts,
        z,
        incidents,
        cell_index,
        period_index >= n_periods - RECENT_PERIODS,
        places,
        params.threshold,
    )
    per_period = counts.sum(axis=0)
    choices.update(
        periods=n_periods,
        first_period_start=str(periods["start"].iloc[0].date()),
        incidents_in_periods=int(per_period.sum()),
    )
    log.info(
        "trends over %d %s periods: cells %s; %d emerging area(s)",
        n_periods,
        length,
        pd.Series(cell_trend).value_counts().to_dict(),
        len(emerging),
    )
    ids = result.hotspots["hotspot_id"].to_numpy()
    return TrendResult(
        periods=periods.assign(
            incidents=suppress_counts(per_period, params.threshold).to_numpy(),
            incidents_shown=shown_counts(per_period, params.threshold).to_numpy(),
        )[PERIOD_TABLE_COLUMNS],
        cells=pd.DataFrame(
            {
                "cell_id": result.cells["cell_id"].to_numpy(),
                "trend": cell_trend,
                "hot_periods": hot.sum(axis=1),
                "hot_recent": hot[:, -RECENT_PERIODS:].sum(axis=1),
            }
        ),
        hotspots=pd.DataFrame(
            {
                "hotspot_id": result.hotspots["hotspot_id"].to_numpy(),
                "trend": areas["trend"].reindex(ids).fillna("none").to_numpy(object),
                "recent": areas["recent"].reindex(ids).fillna("same").to_numpy(object),
            }
        ),
        emerging=emerging,
        note=" ".join(
            part
            for part in (
                trend_note(
                    n_periods,
                    float(np.median(per_period)),
                    length,
                    params.min_incidents,
                    params.threshold,
                ),
                _month_only_note(choices.get("month_only_left_out", "0"), length),
            )
            if part
        ),
        choices=choices,
    )
