"""Getis-Ord Gi* on lattice cells with exact p-values and FDR control."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from hotspots.pvalues import (
    bh_adjusted,
    nbinom_cdf,
    nbinom_sf,
    poisson_cdf,
    poisson_sf,
)

log = logging.getLogger(__name__)

_QUEEN = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)]


@dataclass(frozen=True)
class GiStar:
    """Gi* per cell: z-score, FDR-adjusted two-sided p, hot/cold flags, null model."""

    z: np.ndarray
    p_adjusted: np.ndarray
    hot: np.ndarray
    cold: np.ndarray
    model: dict


def lattice_weights(rows: np.ndarray, cols: np.ndarray) -> sparse.csr_matrix:
    """Return binary queen-contiguity weights with self-weights for kept cells.

    Built directly from the cells' row/column indices (no geometry predicates), so
    cells outside the study area are not neighbours and every cell has at least
    itself as a neighbour (no islands).
    """
    n = len(rows)
    stride = int(cols.max()) + 3
    key = rows.astype(np.int64) * stride + cols
    order = np.argsort(key)
    sorted_key = key[order]
    src, dst = [], []
    for dr, dc in _QUEEN:
        target = (rows + dr).astype(np.int64) * stride + (cols + dc)
        pos = np.clip(np.searchsorted(sorted_key, target), 0, n - 1)
        found = sorted_key[pos] == target
        src.append(np.nonzero(found)[0])
        dst.append(order[pos[found]])
    i = np.concatenate(src)
    j = np.concatenate(dst)
    return sparse.csr_matrix((np.ones(len(i)), (i, j)), shape=(n, n))


MAX_REFITS = 5
MIN_NULL_CELLS = 30


def window_p_values(
    counts: np.ndarray,
    weights: sparse.csr_matrix,
    null: np.ndarray | None = None,
) -> tuple[np.ndarray, dict]:
    """Return two-sided p-values for each cell's Gi* and the null model used.

    With binary weights and the cell itself included, Gi* is a monotone function
    of the window count (the cell plus its neighbours), so testing Gi* is testing
    that count. Under "no hotspots" the cells are independent draws from one
    count distribution; we fit a negative binomial to all cell counts by moments
    (Poisson when counts are not over-dispersed). A sum of k such cells is again
    negative binomial, so each window has an exact reference distribution with
    the over-dispersion of real crime data built in. We use it instead of:

    * the normal approximation (ArcGIS, sfhotspot), whose thin upper tail
      reported hotspots in 15% of purely random data sets in our tests;
    * conditional permutation (esda), whose reference is contaminated by the
      hotspots themselves (a few very high cells make every neighbour sum look
      ordinary) and found none of four strong planted hotspots in our tests.

    ``null`` marks the cells the null is fitted on (default all).
    """
    counts = np.asarray(counts, dtype=float)
    # Many cells share a (window count, window size) pair, so each distinct pair
    # is tested once: a few hundred tail probabilities instead of one per cell.
    totals, total_code = np.unique(
        np.asarray(weights @ counts).ravel(), return_inverse=True
    )
    sizes, size_code = np.unique(
        np.asarray(weights.sum(axis=1)).ravel(), return_inverse=True
    )
    pair, inverse = np.unique(
        total_code.ravel() * len(sizes) + size_code.ravel(), return_inverse=True
    )
    total, window = totals[pair // len(sizes)], sizes[pair % len(sizes)]
    fitted = counts if null is None else counts[null]
    mean = fitted.mean()
    var = fitted.var(ddof=1)
    if var <= mean * 1.0001:
        upper = poisson_sf(total - 1, window * mean)
        lower = poisson_cdf(total, window * mean)
        model = {"null_model": "Poisson", "mean_per_cell": round(float(mean), 3)}
    else:
        size = mean * mean / (var - mean)
        prob = size / (size + mean)
        upper = nbinom_sf(total - 1, window * size, prob)
        lower = nbinom_cdf(total, window * size, prob)
        model = {
            "null_model": "negative binomial fitted to cell counts",
            "mean_per_cell": round(float(mean), 3),
            "variance_per_cell": round(float(var), 3),
        }
    p = np.minimum(1.0, 2.0 * np.minimum(upper, lower))
    return p[inverse.ravel()], model


def gi_star_z(counts: np.ndarray, weights: sparse.csr_matrix) -> np.ndarray:
    """Return the analytical Gi* z-score of each cell (binary weights, self included).

    The same arithmetic as esda's ``G_Local(star=True, transform="B").Zs`` (Getis
    and Ord 1992), done here so that detection does not import esda and libpysal
    (about 1.5 s at start-up) and so that every column of a cells x periods
    array is scored at once; counts that do not vary give z = 0.
    """
    y = np.asarray(counts, float)
    columns = y.reshape(y.shape[0], -1)
    n = columns.shape[0]
    card = np.asarray(weights.sum(axis=1)).ravel()[:, None]
    total = columns.sum(axis=0)
    mean = total / n
    variance = (columns**2).sum(axis=0) / n - mean**2
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = (weights @ columns) / total
        expected = card / n
        spread = card * (n - card) / (n - 1) / n**2 * variance / mean**2
        z = (statistic - expected) / np.sqrt(spread)
    return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0).reshape(y.shape)


def refit_hot(
    counts: np.ndarray,
    z: np.ndarray,
    weights: sparse.csr_matrix,
    alpha: float,
    background: np.ndarray | None = None,
    *,
    max_refits: int = MAX_REFITS,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Return FDR-adjusted p-values, hot flags and the final null model.

    Fitted to every cell, the null's variance is largely the strongest
    hotspots' own, and they hide weaker ones (a context of 120 incidents went
    unseen beside two of 260). So once hot cells are found the null is fitted
    again outside their windows, until the hot set stops growing. The first pass
    is the plain test: on data with no hotspot nothing is found and nothing is
    re-fitted, so the false-positive rate on random data is unchanged.
    ``background`` limits the first fit to those cells (default all).

    The main map does not re-fit (``max_refits=0``): on real data, where a city
    is busier than its countryside, re-fitting converges on the quiet rural
    cells as the null and marks the whole urban area hot (on the real Swansea
    police.uk months one "hotspot" grew to 56 km²). The per-period test uses
    it, starting from cells outside the main map's hotspots.
    """
    everyone = np.ones(len(counts), bool)
    null = everyone if background is None else background
    if null.sum() < MIN_NULL_CELLS or np.ptp(counts[null]) == 0:
        null = everyone
    hot = np.zeros(len(counts), bool)
    for refit in range(max_refits + 1):
        p, model = window_p_values(counts, weights, null)
        adjusted = bh_adjusted(p)
        found = (adjusted <= alpha) & (z > 0)
        if not (found & ~hot).any() or refit == max_refits:
            break
        hot |= found
        model["refits"] = refit + 1
        outside = np.asarray(weights @ hot.astype(float)).ravel() == 0
        candidate = (everyone if background is None else background) & outside
        if candidate.sum() < MIN_NULL_CELLS or np.ptp(counts[candidate]) == 0:
            break
        null = candidate
    return adjusted, (adjusted <= alpha) & (z > 0), model


def gi_star(counts: np.ndarray, weights: sparse.csr_matrix, *, alpha: float) -> GiStar:
    """Run Gi* (binary weights, self included) with FDR-controlled p-values.

    z-scores are the analytical Gi* z (``gi_star_z``); p-values come from
    ``window_p_values`` with the null fitted to every cell and are adjusted
    across all cells with Benjamini-Hochberg. A
    cell is hot when its adjusted p is at most ``alpha`` and its z-score is
    positive (cold when negative).
    """
    z = gi_star_z(counts, weights)
    adjusted, hot, model = refit_hot(counts, z, weights, alpha, max_refits=0)
    significant = adjusted <= alpha
    log.info(
        "Gi*: %d cells, %d significant at FDR %.2f",
        len(counts),
        int(significant.sum()),
        alpha,
    )
    return GiStar(
        z=z,
        p_adjusted=adjusted,
        hot=hot,
        cold=significant & (z < 0),
        model=model,
    )
