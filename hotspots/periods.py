"""Panel periods and per-period Gi*: which cells were hot in which fortnight.

Periods are aligned on the panel date, not on the data: the last period ends on
the panel date (that day included) and earlier periods step back from it, so
"this fortnight" always means the fortnight the panel is about to discuss.
"""

from __future__ import annotations

import logging
import math
from datetime import date

import numpy as np
import pandas as pd
from scipy import sparse

from geodata.errors import InputDataError
from hotspots.gistar import gi_star_z
from hotspots.params import PERIOD_DAYS
from hotspots.periodtests import hot_in_periods

log = logging.getLogger(__name__)

PERIOD_COLUMNS = ["period", "start", "end"]


def _check_length(length: str) -> None:
    if length not in PERIOD_DAYS:
        raise InputDataError(
            f"period length must be one of {', '.join(PERIOD_DAYS)}; got {length!r}."
        )


def _boundary(end: pd.Timestamp, k: int, length: str) -> pd.Timestamp:
    """Return the start of the k-th period counted back from the exclusive ``end``."""
    days = PERIOD_DAYS[length]
    if days is None:
        return end - pd.DateOffset(months=k)
    return end - pd.Timedelta(days=days * k)


def make_periods(
    start: pd.Timestamp, end_date: date, length: str = "fortnight"
) -> pd.DataFrame:
    """Return consecutive periods that end on the panel date and reach back to start.

    The last period ends at the end of ``end_date`` (exclusive end
    ``end_date + 1 day``); each earlier period is one ``length`` before the next.
    "month" periods step back by calendar months from that exclusive end, so a
    panel on 30 November gives calendar months (1 Nov-30 Nov, 1 Oct-31 Oct, ...)
    and a panel on 18 November gives 19 Oct-18 Nov, 19 Sep-18 Oct, ...; days past
    the end of a shorter month are clipped to its last day (pandas ``DateOffset``).

    Parameters
    ----------
    start
        Earliest moment to cover, usually the first incident; the oldest period
        contains it and may therefore be only partly covered by data.
    end_date
        The panel date: the last day of the last period.
    length
        "fortnight" (14 days, the panel's cycle), "28 days" or "month".

    Returns
    -------
    DataFrame
        ``period`` (0..P-1, oldest first), ``start`` and ``end`` (datetime64,
        ``end`` exclusive; each period's ``end`` is the next one's ``start``).
    """
    _check_length(length)
    end = pd.Timestamp(end_date).normalize() + pd.Timedelta(days=1)
    start = pd.Timestamp(start)
    if pd.isna(start):
        raise InputDataError("no incident has a date, so there are no periods.")
    if start >= end:
        raise InputDataError(
            f"panel date {pd.Timestamp(end_date):%Y-%m-%d} is before the first "
            f"incident ({start}); choose a panel date on or after it."
        )
    days = PERIOD_DAYS[length]
    if days is not None:
        n = math.ceil((end - start) / pd.Timedelta(days=days))
    else:
        # Enough months to pass start, then the first boundary at or before it.
        guess = (end.year - start.year) * 12 + end.month - start.month + 1
        n = next(k for k in range(1, guess + 2) if _boundary(end, k, length) <= start)
    bounds = [_boundary(end, k, length) for k in range(n, -1, -1)]
    return pd.DataFrame(
        {
            "period": np.arange(n),
            "start": pd.DatetimeIndex(bounds[:-1]),
            "end": pd.DatetimeIndex(bounds[1:]),
        }
    )


def previous_panel_date(end_date: date, length: str = "fortnight") -> date:
    """Return the previous panel's date: the last day of the period before."""
    _check_length(length)
    end = pd.Timestamp(end_date).normalize() + pd.Timedelta(days=1)
    return (_boundary(end, 1, length) - pd.Timedelta(days=1)).date()


def _ns(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    return pd.DatetimeIndex(values).as_unit("ns").asi8


def assign_periods(when: pd.Series, periods: pd.DataFrame) -> np.ndarray:
    """Return each timestamp's period number, or -1 outside every period (or NaT)."""
    edges = np.append(_ns(periods["start"]), _ns(periods["end"])[-1:])
    stamps = _ns(when)  # NaT is the smallest int64: before every period
    steps = np.diff(edges)
    if (steps == steps[0]).all():
        # Periods of one length (fortnights, 28 days): arithmetic, 20 times
        # faster than a search; clipping keeps far-off stamps from overflowing.
        clipped = np.clip(stamps, edges[0] - steps[0], edges[-1])
        index = (clipped - edges[0]) // steps[0]
    else:
        index = np.searchsorted(edges, stamps, side="right") - 1
    return np.where((index < 0) | (index >= len(periods)), -1, index).astype(np.int64)


def period_counts(
    cell_index: np.ndarray,
    period_index: np.ndarray,
    n_cells: int,
    n_periods: int,
) -> np.ndarray:
    """Return incidents per cell and period (cells x periods), skipping -1 indices."""
    cell_index = np.asarray(cell_index, np.int64)
    period_index = np.asarray(period_index, np.int64)
    ok = (cell_index >= 0) & (period_index >= 0)
    flat = cell_index[ok] * n_periods + period_index[ok]
    return np.bincount(flat, minlength=n_cells * n_periods).reshape(n_cells, n_periods)


def pooled_z(counts: np.ndarray, weights: sparse.csr_matrix) -> np.ndarray:
    """Return Gi* z per cell and period against the mean and variance of all periods.

    This is ArcGIS Emerging Hot Spot Analysis's space-time Gi*: each bin is
    compared with the whole cube, so for one cell z moves only with its window
    count, and a steady context keeps a flat z series when another grows
    elsewhere (per-period z would fall, as each period's variance rises).
    """
    y = np.asarray(counts, float)
    n = y.shape[0]
    card = np.asarray(weights.sum(axis=1)).ravel()[:, None]
    mean, sd = y.mean(), y.std()
    if sd == 0:
        return np.zeros_like(y)
    spread = sd * np.sqrt(card * (n - card) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = ((weights @ y) - card * mean) / spread
    return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)


def period_hot(
    cell_index: np.ndarray,
    period_index: np.ndarray,
    n_cells: int,
    weights: sparse.csr_matrix,
    n_periods: int,
    alpha: float,
    *,
    time_window: int = 1,
    background: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Run the main map's Gi* test separately in every period.

    Counts are binned per (cell, period) with one ``np.bincount``, then tested
    by ``period_hot_from_counts``.

    Parameters
    ----------
    cell_index, period_index
        Each incident's cell and period (-1 = outside; skipped).
    n_cells, n_periods
        Numbers of cells and periods.
    weights, alpha, time_window, background
        As ``period_hot_from_counts``.

    Returns
    -------
    ndarray, ndarray
        ``pooled_z`` z-scores (for the trend test) and hot flags, both cells x
        periods.
    """
    counts = period_counts(cell_index, period_index, n_cells, n_periods)
    return period_hot_from_counts(
        counts, weights, alpha, time_window=time_window, background=background
    )


def period_hot_from_counts(
    counts: np.ndarray,
    weights: sparse.csr_matrix,
    alpha: float,
    *,
    time_window: int = 1,
    background: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Run the main map's Gi* test separately in every period of binned counts.

    In each period the test is the one ``hotspots.gistar.gi_star`` runs on the
    whole window: the exact negative-binomial (or Poisson) p-value of the
    window count (``hotspots.gistar.window_p_values``), Benjamini-Hochberg
    across the cells of that period, hot when the adjusted p is at most
    ``alpha`` and Gi* z > 0. One change: the null is fitted on the
    ``background`` cells and re-fitted outside the hot cells' windows as they
    are found (``hot_in_periods``), because one fortnight's few hundred
    incidents are dominated by the hotspots themselves.

    Parameters
    ----------
    counts
        Incidents per cell and period (cells x periods, ``period_counts``).
    weights
        Binary queen weights with self (``hotspots.gistar.lattice_weights``).
    alpha
        False-discovery rate within each period.
    time_window
        ArcGIS Emerging Hot Spot Analysis's neighbourhood time step plus one:
        with 2 each period's counts include the period before's. Default 1:
        with the background null it bought no power in our simulations (6-20
        fortnights, 12-30 incidents a fortnight per context) and it smears a
        context that starts or stops into the next fortnight, the very change
        the panel asks about.
    background
        Cells to fit the null on at first, e.g. those outside the main map's
        hotspot windows; default all cells (the first pass is then exactly the
        main map's test).

    Returns
    -------
    ndarray, ndarray
        ``pooled_z`` z-scores (for the trend test) and hot flags, both cells x
        periods.
    """
    if time_window < 1:
        raise InputDataError(
            f"time window must be at least 1 period; got {time_window}."
        )
    if time_window > 1:
        cumulative = np.cumsum(counts, axis=1)
        lagged = np.zeros_like(cumulative)
        lagged[:, time_window:] = cumulative[:, :-time_window]
        counts = cumulative - lagged
    hot = hot_in_periods(counts, gi_star_z(counts, weights), weights, alpha, background)
    log.info(
        "per-period Gi*: %d periods, %d cells, hot cell-periods %d (FDR %.2f)",
        counts.shape[1],
        counts.shape[0],
        int(hot.sum()),
        alpha,
    )
    return pooled_z(counts, weights), hot
