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
periods (a cell: of its space-time Gi* z; an area: of its incident counts);
"rise"/"fall": significantly more (fewer) of the row's incidents in the final
period, or in the recent periods, than a steady rate gives (``shift_p_values``).
Every test of change is corrected for testing every cell (or every area) with
Benjamini-Hochberg: at 5% across cells, at 1% across areas.

| class | rule |
|---|---|
| none | never hot |
| new | hot in the final period and never before; rise in the final period |
| intensifying | hot >= 50%, the final period included; trend up |
| diminishing | hot >= 50%, the final period included; trend down |
| persistent | hot >= 80% and in a recent period |
| emerging | hot in 2 recent periods in a row; in <= 10% before; recent rise |
| historical | not hot in a recent period; hot in >= 25% before; recent fall |
| intermittent | hot in a recent period, or in >= 10% of all periods |
| none | otherwise (a rare hot period long ago) |

Why the rise and fall tests (issue: false "New" areas on steady data). The hot
flags alone cannot say that something changed. Benjamini-Hochberg in each
period lets about ``alpha`` of that period's hot cells be false, and on a map
with many truly hot cells that is several cells a period (8 of ~170 at 1M
incidents; more at 10M, as more cells are truly hot). The steady hotspots are
hot every period, so a false hot cell in the final period is almost always
"never hot before": "new". The false discoveries the per-period FDR allows all
gather in the classes that claim change, and grow with the data. Likewise a
steady area hot in a third of the periods misses the last 3 a third of the
time ("historical"), and a 5% trend test on each of thousands of cells finds
dozens of trends. So each class that claims a change now also needs the
change itself to be significant, tested on the cell's own history (window
counts, the statistic the per-period test uses) and corrected across all
cells, whether hot or not: the spatial test cannot be the family, as being hot
in the final period already means a high final count.

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

import numpy as np
import pandas as pd
from scipy import sparse

from hotspots.trendtests import (
    binomial_tails,
    discovered,
    mann_kendall,
    shift_p_values,
)

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
# False-discovery rates of the change tests, Benjamini-Hochberg across all cells
# (or all areas). Areas are few and each change reaches the panel as "New",
# "Growing" or "Fading", so theirs is stricter: at 5%, one panel in twenty would
# carry a false headline about a steady map.
MK_ALPHA = 0.05
AREA_MK_ALPHA = 0.01
MIN_PERIODS = 6
RECENT_RATIO = 1.5
_PER = {"fortnight": "a fortnight", "28 days": "per 28 days", "month": "a month"}


def classify_trends(
    hot: np.ndarray,
    z: np.ndarray,
    counts: np.ndarray,
    *,
    alpha: float = MK_ALPHA,
    reference: np.ndarray | None = None,
) -> pd.Series:
    """Return each cell's trend class from its per-period hot flags, z and counts.

    Parameters
    ----------
    hot, z
        Cells x periods, oldest period first (from ``period_hot``); ``z`` is
        the series the Mann-Kendall trend is tested on.
    counts
        Cells x periods incident counts the rise and fall tests use (for
        cells, the window counts the per-period Gi* tests).
    alpha
        False-discovery rate of each change test (trend, rise in the final
        period, rise and fall in the recent periods), Benjamini-Hochberg
        across all rows.
    reference
        Per-period totals of the whole map, for ``shift_p_values``.

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
    trending = discovered(trend.p, alpha)
    up, down = trending & (trend.s > 0), trending & (trend.s < 0)
    new_rise = discovered(shift_p_values(counts, 1, reference)[0], alpha)
    recent_rise, recent_fall = (
        discovered(p, alpha) for p in shift_p_values(counts, RECENT_PERIODS, reference)
    )
    most = share >= PERSISTENT_SHARE
    half = share >= HALF
    two_in_a_row = (recent[:, 1:] & recent[:, :-1]).any(axis=1)
    rules = [
        ("none", ~hot.any(axis=1)),
        ("new", final & ~hot[:, :-1].any(axis=1) & new_rise),
        ("intensifying", half & final & up),
        ("diminishing", half & final & down),
        ("persistent", most & recent.any(axis=1)),
        ("emerging", two_in_a_row & (before_share <= RARE_SHARE) & recent_rise),
        (
            "historical",
            ~recent.any(axis=1) & (before_share >= HISTORICAL_SHARE) & recent_fall,
        ),
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


def recent_change(counts: np.ndarray, *, alpha: float = AREA_MK_ALPHA) -> np.ndarray:
    """Return "up", "down" or "same" per row: the last 3 periods against before.

    Given a row's total, its count in the last 3 of P periods is binomial with
    share 3/P if the rate did not change; both counts are divided by the
    Pearson dispersion of the periods before around their own straight line
    (at least 1), so seasonal or bursty rows need a bigger change. "up" and
    "down" need the two-sided exact p-value to be a Benjamini-Hochberg
    discovery at ``alpha`` across the rows (with a normal approximation at 1%
    for each of 8 steady areas, one steady map in 12 had a false "Growing" or
    "Fading") and a rate ratio
    of at least 1.5 (or at most 1/1.5).
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
    rise, fall = binomial_tails(recent / phi, total / phi, k / n)
    changed = discovered(np.minimum(1.0, 2.0 * np.minimum(rise, fall)), alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (recent / k) / (before.sum(axis=1) / (n - k))
    out[changed & (rise < fall) & (ratio >= RECENT_RATIO)] = "up"
    out[changed & (fall < rise) & (ratio <= 1 / RECENT_RATIO)] = "down"
    return out


def trend_of_area(
    hot: np.ndarray, counts: np.ndarray, cell_area: np.ndarray
) -> pd.DataFrame:
    """Return each area's trend class and recent change from its cells' series.

    An area is hot in a period when its hot cells hold at least half of its
    incidents over all periods (any one cell would make a large area hot
    whenever a neighbour's hotspot spills over; half of its cells would miss a
    busy core in a ring of quiet cells);
    its trend, rise and fall are tested on its summed incident counts (against
    the whole map's, given as all cells' ``counts``), at a false-discovery rate
    of ``AREA_MK_ALPHA`` across the areas. The rules are
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
                area_hot,
                area_counts,
                area_counts,
                alpha=AREA_MK_ALPHA,
                reference=counts.sum(axis=0),
            ).to_numpy(),
            "recent": recent_change(area_counts),
        },
        index=pd.Index(ids, name="hotspot_id"),
    )
