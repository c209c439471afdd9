"""The tests behind the trend classes: Mann-Kendall trend, rise and fall.

Each works on rows x periods arrays (cells or areas by fortnights), vectorised
over rows, and returns p-values; ``discovered`` applies Benjamini-Hochberg
across rows. ``hotspots.trends`` combines them with the hot flags.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from hotspots.pvalues import bh_adjusted, normal_sf

# A row informs the pooled over-dispersion of the rise and fall tests when it
# expects at least this many incidents a period (thinner rows give a noisy
# estimate), and the estimate needs this many such rows.
DISPERSION_MIN_MEAN = 5.0
DISPERSION_MIN_ROWS = 3


class MannKendall(NamedTuple):
    """Mann-Kendall statistic S, its tie-corrected variance, z and two-sided p."""

    s: np.ndarray
    var: np.ndarray
    z: np.ndarray
    p: np.ndarray


def _ar1_inflation(x: np.ndarray) -> np.ndarray:
    """Return Var(S)'s inflation for lag-1 autocorrelated rows (Yue and Wang 2004).

    n/n* = 1 + 2 sum_k (1 - k/n) r^k, with r the lag-1 autocorrelation of the
    row after removing its least-squares line (so a trend is not mistaken for
    autocorrelation); only positive r inflates.
    """
    n = x.shape[1]
    if n < 4:
        return np.ones(x.shape[0])
    t = np.arange(n) - (n - 1) / 2
    centred = x - x.mean(axis=1, keepdims=True)
    resid = centred - ((centred @ t) / (t @ t))[:, None] * t
    power = (resid**2).sum(axis=1)
    lag1 = (resid[:, 1:] * resid[:, :-1]).sum(axis=1)
    r = np.clip(
        np.divide(lag1, power, out=np.zeros_like(lag1), where=power > 0), 0, 0.9
    )
    k = np.arange(1, n)
    # Rows with r = 0 (most cells of a city map) are not inflated: 1 + 2 * 0.
    inflation = np.ones(len(r))
    positive = r > 0
    inflation[positive] = 1 + 2 * ((1 - k / n) * r[positive, None] ** k).sum(axis=1)
    return inflation


def _tie_sum(x: np.ndarray) -> np.ndarray:
    """Return each row's sum of t(t-1)(2t+5) over its groups of t equal values."""
    ordered = np.sort(x, axis=1)
    starts = np.ones(x.shape, bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.flatnonzero(starts)
    t = np.diff(np.append(first, x.size)).astype(float)
    return np.bincount(
        first // max(x.shape[1], 1),
        weights=t * (t - 1) * (2 * t + 5),
        minlength=x.shape[0],
    )


def mann_kendall(series: np.ndarray, *, autocorrelation: bool = True) -> MannKendall:
    """Run the Mann-Kendall trend test on each row of ``series``.

    S = sum over i < j of sign(x_j - x_i); Var(S) = [n(n-1)(2n+5) - sum over tie
    groups of t(t-1)(2t+5)] / 18; z = (S - sign(S)) / sqrt(Var(S)); p = 2(1 -
    Phi(|z|)), as pymannkendall's ``original_test``, vectorised over rows (one
    loop over lags, none over rows). With ``autocorrelation`` Var(S) is
    multiplied by ``_ar1_inflation`` (seasonal rhythms in fortnightly counts
    otherwise read as trends: 3 of 8 steady demo contexts did).
    """
    x = np.atleast_2d(np.asarray(series, float))
    n = x.shape[1]
    # Periods as rows, so each lag's differences are whole rows (twice as fast).
    by_period = np.ascontiguousarray(x.T)
    if np.isnan(by_period).any():  # NaN signs make S NaN, as pymannkendall
        s = np.zeros(x.shape[0])
        for lag in range(1, n):
            s += np.sign(by_period[lag:] - by_period[:-lag]).sum(axis=0)
    else:  # counting rises and falls gives the same S in 60% of the time
        ups = np.zeros(x.shape[0], dtype=np.int64)
        for lag in range(1, n):
            later, earlier = by_period[lag:], by_period[:-lag]
            ups += np.count_nonzero(later > earlier, axis=0)
            ups -= np.count_nonzero(later < earlier, axis=0)
        s = ups.astype(float)
    var = (n * (n - 1) * (2 * n + 5) - _tie_sum(x)) / 18.0
    if autocorrelation:
        var = var * _ar1_inflation(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, (s - np.sign(s)) / np.sqrt(var), 0.0)
    return MannKendall(s=s, var=var, z=z, p=2.0 * normal_sf(np.abs(z)))


def _pooled_dispersion(counts: np.ndarray, expected: np.ndarray) -> float:
    """Return the busy rows' median over-dispersion from successive differences.

    Under a steady rate the change from one period to the next,
    x[t+1] - x[t], has mean e[t+1] - e[t] and variance phi (e[t] + e[t+1])
    (e the expected counts), so phi is estimated by the sum of squared
    deviations over the sum of (e[t] + e[t+1]): von Neumann's successive
    differences, which a level shift or a trend inflates by one or a few
    terms, where Pearson's statistic around the row's mean is inflated by every
    period (a context that stopped halfway looked 13 times over-dispersed,
    and its stop was no longer significant). The median over rows, so that
    the rows that did change do not weaken the test for all; at least 1.
    """
    busy = expected.mean(axis=1) >= DISPERSION_MIN_MEAN
    if busy.sum() < DISPERSION_MIN_ROWS or counts.shape[1] < 2:
        return 1.0
    step = np.diff(counts[busy], axis=1) - np.diff(expected[busy], axis=1)
    spread = (expected[busy][:, 1:] + expected[busy][:, :-1]).sum(axis=1)
    return max(1.0, float(np.median((step**2).sum(axis=1) / spread)))


def shift_p_values(
    counts: np.ndarray, recent: int, reference: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return one-sided p-values that each row's last periods hold more (fewer)
    of its incidents than a steady rate gives.

    Under "no change" a row's incidents fall into the periods in proportion to
    the ``reference`` series (the whole map's incidents a period), so that a
    city-wide season or unequal period lengths are not read as change. Given
    the row's total N, its count K in the last ``recent`` periods is then
    Binomial(N, s), s the reference's share in those periods: an exact test
    that needs no estimate of the row's own rate (which the change would
    bias). Counts over-dispersed in time (repeat incidents, bursts) make it too
    eager, so K and N are divided by the rows' pooled dispersion phi
    (quasi-binomial; phi >= 1, the median over rows expecting at least 5
    incidents a period, from successive differences) and the tails are the
    regularised incomplete beta function, which extends the binomial tails to
    non-integer counts.

    Parameters
    ----------
    counts
        Rows x periods, oldest period first.
    recent
        Number of final periods tested against the rest.
    reference
        Per-period totals setting the steady shares; default the column sums.

    Returns
    -------
    ndarray, ndarray
        P(K >= k) ("rise") and P(K <= k) ("fall") per row; 1 where a test is
        impossible (no incidents, or no period before the recent ones).
    """
    c = np.atleast_2d(np.asarray(counts, float))
    ref = c.sum(axis=0) if reference is None else np.asarray(reference, float)
    rise, fall = np.ones(len(c)), np.ones(len(c))
    if ref.sum() <= 0 or c.shape[1] <= recent:
        return rise, fall
    weights = ref / ref.sum()
    share = float(weights[-recent:].sum())
    total = c.sum(axis=1)
    phi = _pooled_dispersion(c, total[:, None] * weights[None, :])
    return binomial_tails(c[:, -recent:].sum(axis=1) / phi, total / phi, share)


def binomial_tails(
    k: np.ndarray, n: np.ndarray, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return P(K >= k) and P(K <= k) for K ~ Binomial(n, share), real k and n.

    I_s(k, n - k + 1) and I_(1-s)(n - k, k + 1), the regularised incomplete
    beta function, equal the binomial tails at whole numbers and interpolate
    between them; 1 where a tail holds every outcome.
    """
    # Many rows share a (k, n) pair (hashed as the complex number k + ni):
    # each is computed once.
    pair = np.empty(len(k), np.complex128)
    pair.real, pair.imag = k, n
    row, pairs = pd.factorize(pair, use_na_sentinel=False)
    k, n = pairs.real, pairs.imag
    rise, fall = np.ones(len(k)), np.ones(len(k))
    above, below = k > 0, k < n
    rise[above] = special.betainc(k[above], n[above] - k[above] + 1, share)
    fall[below] = special.betainc(n[below] - k[below], k[below] + 1, 1 - share)
    return rise[row], fall[row]


def discovered(p: np.ndarray, alpha: float) -> np.ndarray:
    """Return Benjamini-Hochberg discoveries at false-discovery rate ``alpha``."""
    if len(p) == 0:
        return np.zeros(0, bool)
    return bh_adjusted(p) <= alpha
