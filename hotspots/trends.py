"""Trend classes: how each cell or hotspot area behaved over the panel periods.

Each cell's per-period Gi* (``hotspots.periods.period_hot``) gives a series of
hot flags and space-time Gi* z-scores, one per fortnight by default. The classes
adapt ArcGIS Emerging Hot Spot Analysis and sfhotspot's ``hotspot_classify`` to
short fortnightly series: a "recent" window of the last 3 periods (6 weeks), a
share of 80% for "most of the time" (ArcGIS uses 90%, too strict for 26 steps a
year), intensifying and diminishing from 50% (a context that grew from nothing
is then intensifying, not on-and-off), and a Mann-Kendall trend test (two-sided,
ties and lag-1 autocorrelation corrected, so that a seasonal rhythm is not read
as a trend).

Rules, first match wins. "hot": a significant Gi* hotspot in that period after
FDR (an area: cells holding half of its incidents); "hot >= 80%" (or 50%): in at least
that share of all periods; "recent": the last 3 periods; "before": the periods
before them; "trend up/down": a significant Mann-Kendall trend over all
periods (a cell: of its space-time Gi* z, at 5%; an area: of its incident
counts, at 1%).

| class | rule |
|---|---|
| none | never hot |
| new | hot in the final period and never before |
| intensifying | hot >= 50%, the final period included; trend up |
| diminishing | hot >= 50%, the final period included; trend down |
| persistent | hot >= 80% and in a recent period |
| emerging | hot in 2 recent periods in a row; in <= 10% before |
| historical | not hot in a recent period; hot in >= 25% before |
| intermittent | hot in a recent period, or in >= 10% of all periods |
| none | otherwise (a rare hot period long ago) |

Areas also get ``recent``: "up" or "down" when their incidents a period over
the last 3 periods differ from before by a factor of at least 1.5 and the
difference is significant at 1% (two-sided, with the over-dispersion of the
periods before); "same" otherwise. This catches a context that surged (or
stopped) in the last weeks, which a trend over two years cannot.

With fewer than 6 periods the classes are tentative (Mann-Kendall cannot reach
5% below 5 periods) and the note says so.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse, stats

log = logging.getLogger(__name__)

# Most urgent first: the order front doors list them in.
TREND_CLASSES = (
    "new",
    "emerging",
    "intensifying",
    "persistent",
    "diminishing",
    "intermittent",
    "historical",
    "none",
)
PERSISTENT_SHARE = 0.8
RECENT_PERIODS = 3
RARE_SHARE = 0.1
HISTORICAL_SHARE = 0.25
HALF = 0.5
MK_ALPHA = 0.05
# Areas are few and each trend reaches the panel as "Growing"/"Fading", so their
# test is stricter: at 5% one steady area in twenty would be labelled each time.
AREA_MK_ALPHA = 0.01
MIN_PERIODS = 6
RECENT_RATIO = 1.5
RECENT_Z = 2.576  # two-sided 1%
_PER = {"fortnight": "a fortnight", "28 days": "per 28 days", "month": "a month"}


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
    return 1 + 2 * ((1 - k / n) * r[:, None] ** k).sum(axis=1)


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
    s = np.zeros(x.shape[0])
    ties = np.zeros(x.shape[0])
    for lag in range(1, n):
        s += np.sign(x[:, lag:] - x[:, :-lag]).sum(axis=1)
    for j in range(n):
        # A value in a tie group of size t is equal to t values (itself included),
        # so summing (t-1)(2t+5) over values sums t(t-1)(2t+5) over groups.
        same = (x == x[:, j : j + 1]).sum(axis=1)
        ties += (same - 1) * (2 * same + 5)
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    if autocorrelation:
        var = var * _ar1_inflation(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, (s - np.sign(s)) / np.sqrt(var), 0.0)
    return MannKendall(s=s, var=var, z=z, p=2.0 * stats.norm.sf(np.abs(z)))


def classify_trends(
    hot: np.ndarray, z: np.ndarray, *, alpha: float = MK_ALPHA
) -> pd.Series:
    """Return each cell's trend class from its per-period hot flags and Gi* z.

    Parameters
    ----------
    hot, z
        Cells x periods, oldest period first (from ``period_hot``).
    alpha
        Two-sided significance level of the Mann-Kendall trend test.

    Returns
    -------
    Series of str
        One of ``TREND_CLASSES`` per cell, following the module's rule table.
    """
    hot = np.asarray(hot, bool)
    recent = hot[:, -RECENT_PERIODS:]
    before = hot[:, :-RECENT_PERIODS]
    share = hot.mean(axis=1)
    before_share = before.mean(axis=1) if before.shape[1] else np.zeros(len(hot))
    final = hot[:, -1]
    trend = mann_kendall(z)
    up = (trend.p <= alpha) & (trend.s > 0)
    down = (trend.p <= alpha) & (trend.s < 0)
    most = share >= PERSISTENT_SHARE
    half = share >= HALF
    two_in_a_row = (recent[:, 1:] & recent[:, :-1]).any(axis=1)
    rules = [
        ("none", ~hot.any(axis=1)),
        ("new", final & ~hot[:, :-1].any(axis=1)),
        ("intensifying", half & final & up),
        ("diminishing", half & final & down),
        ("persistent", most & recent.any(axis=1)),
        ("emerging", two_in_a_row & (before_share <= RARE_SHARE)),
        ("historical", ~recent.any(axis=1) & (before_share >= HISTORICAL_SHARE)),
        ("intermittent", recent.any(axis=1) | (share >= RARE_SHARE)),
    ]
    classes = np.select([m for _, m in rules], [c for c, _ in rules], default="none")
    return pd.Series(classes, name="trend", dtype=object)


def trend_note(
    n_periods: int,
    incidents_per_period: float,
    length: str,
    min_incidents: int = 30,
    threshold: int = 5,
) -> str:
    """Return a plain-words caution about how far the trend classes can be trusted.

    Empty when there are at least ``MIN_PERIODS`` periods and the median period
    holds at least ``min_incidents`` incidents; a median below the disclosure
    ``threshold`` is written "fewer than k".
    """
    notes = []
    if n_periods < MIN_PERIODS:
        notes.append(
            f"Only {n_periods} period(s) of data: trend classes are tentative, "
            f"and a trend needs at least {MIN_PERIODS} periods to test."
        )
    if incidents_per_period < min_incidents:
        notes.append(
            f"{_about(incidents_per_period, threshold)} incidents "
            f"{_PER.get(length, 'a period')}: "
            "only strong concentrations show as hot in a single period, so "
            "classes understate change."
        )
    return " ".join(notes)


def _about(value: float, threshold: int) -> str:
    rounded = round(value)
    return f"About {rounded}" if rounded >= threshold else f"Fewer than {threshold}"


def recent_change(counts: np.ndarray) -> np.ndarray:
    """Return "up", "down" or "same" per row: the last 3 periods against before.

    Given a row's total, its count in the last 3 of P periods is binomial with
    share 3/P if the rate did not change; the variance is scaled by the
    Pearson dispersion of the periods before around their own straight line
    (at least 1), so seasonal or bursty rows need a bigger change. "up" and
    "down" need |z| >= 2.576 and a rate ratio of at least 1.5 (or at most
    1/1.5).
    """
    c = np.atleast_2d(np.asarray(counts, float))
    k, n = RECENT_PERIODS, c.shape[1]
    out = np.full(len(c), "same", dtype=object)
    if n < k + 3:
        return out
    before = c[:, :-k]
    recent, total = c[:, -k:].sum(axis=1), c.sum(axis=1)
    # Dispersion around each row's own line before, so that a steady rise or
    # fall is not mistaken for noise (it would hide the change it leads to).
    t = np.arange(n - k) - (n - k - 1) / 2
    mean = before.mean(axis=1, keepdims=True)
    fitted = mean + (((before - mean) @ t) / (t @ t))[:, None] * t
    fitted = np.maximum(fitted, 0.5)
    phi = np.maximum(((before - fitted) ** 2 / fitted).sum(axis=1) / (n - k - 2), 1.0)
    share = k / n
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (recent - total * share) / np.sqrt(phi * total * share * (1 - share))
        ratio = (recent / k) / (before.sum(axis=1) / (n - k))
    out[(z >= RECENT_Z) & (ratio >= RECENT_RATIO)] = "up"
    out[(z <= -RECENT_Z) & (ratio <= 1 / RECENT_RATIO)] = "down"
    return out


def trend_of_area(
    hot: np.ndarray, counts: np.ndarray, cell_area: np.ndarray
) -> pd.DataFrame:
    """Return each area's trend class and recent change from its cells' series.

    An area is hot in a period when its hot cells hold at least half of its
    incidents over all periods (any one cell would make a large area hot
    whenever a neighbour's hotspot spills over; half of its cells would miss a
    busy core in a ring of quiet cells);
    its trend is tested on its summed incident counts. The rules are
    ``classify_trends``'s, applied to the area as a whole: one test per area, on
    more incidents, instead of a vote of noisy cell classes (by vote, 3 of 8
    steady demo contexts came out "intensifying" from a few cells' chance trends).

    Parameters
    ----------
    hot, counts
        Cells x periods hot flags and incident counts.
    cell_area
        Each cell's area id ("" for none).

    Returns
    -------
    DataFrame
        Indexed by area id (sorted), columns ``trend`` and ``recent``.
    """
    cell_area = np.asarray(cell_area, dtype=object)
    inside = np.nonzero(cell_area != "")[0]
    ids, member = np.unique(cell_area[inside].astype(str), return_inverse=True)
    if len(ids) == 0:
        return pd.DataFrame(
            {"trend": [], "recent": []}, index=pd.Index([], name="hotspot_id")
        )
    m = sparse.csr_matrix(
        (np.ones(len(inside)), (member, inside)), shape=(len(ids), len(cell_area))
    )
    counts = np.asarray(counts, float)
    area_counts = m @ counts
    # Each cell weighs by its incidents (a hair more, so an empty area still
    # weighs its cells equally): the area is hot when its hot cells hold half.
    weight = counts.sum(axis=1) + 1e-6
    area_hot = (m @ (np.asarray(hot, float) * weight[:, None])) >= HALF * (m @ weight)[
        :, None
    ]
    return pd.DataFrame(
        {
            "trend": classify_trends(
                area_hot, area_counts, alpha=AREA_MK_ALPHA
            ).to_numpy(),
            "recent": recent_change(area_counts),
        },
        index=pd.Index(ids, name="hotspot_id"),
    )
