"""Since the last panel: match two hotspot maps and say what changed, in plain words.

``compare_hotspots`` matches the hotspot areas of the map at the previous panel
date with today's by overlap. A current area matches a previous one when they
share at least 10% of the smaller polygon; then, comparing it with all the
previous areas it matches (summed, so two that merged compare with both):

| change_since_last | rule |
|---|---|
| new | matches no previous area |
| grew | incidents up by >= 20%; or, incidents within 20% or unknown, area up >= 20% |
| shrank | incidents down by >= 20%; or, as above, area down by >= 20% |
| steady | otherwise |
| gone | a previous area that no current area matches (the second frame) |

Incidents are compared only when every count involved is shown (not suppressed).
Both maps should cover windows of the same kind (both from the first incident,
or both the same number of weeks), or incident counts will not be comparable.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.crs import BNG

log = logging.getLogger(__name__)

MIN_OVERLAP = 0.1
CHANGE_TOLERANCE = 0.2
GONE_COLUMNS = ["hotspot_id", "name", "change_since_last", "geometry"]
# Trend classes (hotspots.trends.TREND_CLASSES) behind each summary headline.
_NEW_TRENDS = ("new", "emerging")
_FADING_TRENDS = ("diminishing", "historical")


def _check_frame(frame: gpd.GeoDataFrame, which: str) -> None:
    missing = {"hotspot_id", "name", "incidents_shown"} - set(frame.columns)
    if missing:
        raise ValueError(f"{which} hotspots lack columns {sorted(missing)}")
    if len(frame) and frame.crs != BNG:
        raise ValueError(f"{which} hotspots must be in {BNG}; got {frame.crs}")


def _change(
    inc_ratio: np.ndarray, area_ratio: np.ndarray, tolerance: float
) -> np.ndarray:
    known = ~np.isnan(inc_ratio)
    ratio = np.where(known, inc_ratio, 1.0)
    up, down = 1 + tolerance, 1 - tolerance
    return np.select(
        [ratio >= up, ratio <= down, area_ratio >= up, area_ratio <= down],
        ["grew", "shrank", "grew", "shrank"],
        default="steady",
    )


def compare_hotspots(
    previous: gpd.GeoDataFrame,
    current: gpd.GeoDataFrame,
    *,
    tolerance: float = CHANGE_TOLERANCE,
    min_overlap: float = MIN_OVERLAP,
) -> tuple[pd.Series, gpd.GeoDataFrame]:
    """Say how each current hotspot changed since the previous map, and which went.

    Parameters
    ----------
    previous, current
        Hotspot areas (``HotspotResult.hotspots``: EPSG:27700 polygons with
        ``hotspot_id``, ``name``, ``incidents_shown``) at the previous panel date
        and now.
    tolerance
        Relative change in incidents or area below which an area is "steady".
    min_overlap
        Share of the smaller polygon two areas must share to match.

    Returns
    -------
    Series, GeoDataFrame
        ``change_since_last`` per current hotspot ("new", "grew", "shrank",
        "steady"), on ``current``'s index; and the previous hotspots that went
        away, with ``GONE_COLUMNS`` (``change_since_last`` = "gone"), EPSG:27700.
    """
    _check_frame(previous, "previous")
    _check_frame(current, "current")
    cur = current.geometry.to_numpy()
    prev = previous.geometry.to_numpy()
    change = np.full(len(cur), "new", dtype=object)
    matched_prev = np.zeros(len(prev), bool)
    if len(cur) and len(prev):
        i, j = shapely.STRtree(prev).query(cur, predicate="intersects")
        shared = shapely.area(shapely.intersection(cur[i], prev[j]))
        smaller = np.minimum(shapely.area(cur[i]), shapely.area(prev[j]))
        keep = shared >= min_overlap * smaller
        i, j = i[keep], j[keep]
        matched_prev[j] = True
        n = len(cur)
        prev_inc = previous["incidents_shown"].to_numpy(float)[j]
        prev_area = np.bincount(i, weights=shapely.area(prev)[j], minlength=n)
        prev_total = np.bincount(i, weights=np.nan_to_num(prev_inc), minlength=n)
        hidden = np.bincount(i, weights=np.isnan(prev_inc), minlength=n) > 0
        cur_inc = current["incidents_shown"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            inc_ratio = np.where(
                hidden | (prev_total == 0), np.nan, cur_inc / prev_total
            )
            area_ratio = shapely.area(cur) / prev_area
        has_match = np.bincount(i, minlength=n) > 0
        change[has_match] = _change(inc_ratio, area_ratio, tolerance)[has_match]
    gone = previous.loc[~matched_prev, ["hotspot_id", "name", "geometry"]]
    gone = gpd.GeoDataFrame(
        gone.assign(change_since_last="gone")[GONE_COLUMNS],
        geometry="geometry",
        crs=BNG,
    ).reset_index(drop=True)
    log.info(
        "since the last panel: %s; %d gone",
        pd.Series(change).value_counts().to_dict(),
        len(gone),
    )
    return pd.Series(change, index=current.index, name="change_since_last"), gone


def _when(row: pd.Series) -> str:
    times = str(row.get("peak_times", "") or "")
    return f" ({times})" if times and not times.startswith("times unknown") else ""


def headlines(frame: pd.DataFrame) -> np.ndarray:
    """Return "New", "Growing", "Fading" or "Steady" per hotspot (rules below)."""
    blank = pd.Series("", index=frame.index)
    change = frame.get("change_since_last", blank).fillna("")
    trend = frame.get("trend", blank).fillna("")
    recent = frame.get("recent", blank).fillna("")
    tested = trend != ""
    return np.select(
        [
            trend.isin(_NEW_TRENDS) | (~tested & (change == "new")),
            (trend == "intensifying")
            | (recent == "up")
            | (~tested & (change == "grew")),
            trend.isin(_FADING_TRENDS)
            | (recent == "down")
            | (~tested & (change == "shrank")),
        ],
        ["New", "Growing", "Fading"],
        default="Steady",
    )


def summarise_changes(
    current: pd.DataFrame,
    gone: pd.DataFrame | None = None,
    emerging: pd.DataFrame | None = None,
) -> list[str]:
    """Return one-line, plain-words summaries of what changed since the last panel.

    Headlines, first match wins. With trend classes (``trend``, ``recent`` from
    ``hotspots.timeline.hotspot_trends``) they decide what is new, growing and
    fading; the map-to-map ``change_since_last`` decides only without them.
    An outline that appears or moves between two maps a fortnight apart is
    no evidence of change: borderline cells come and go between runs (in the
    demo a fortnight's data turned 2-cell hotspots into 1-cell ones, "shrank"
    by half; on steady data a 1-cell hotspot crossing the FDR threshold was
    "New" in 1 of 20 data sets of 10k incidents), while the trend classes test
    the change itself.

    | headline | rule |
    |---|---|
    | New | trend new or emerging; every emerging area; without trends: new |
    | Growing | trend intensifying or recent "up"; without trends: grew |
    | Fading | trend diminishing or historical, or recent "down"; else: shrank |
    | Gone | a previous hotspot no current one overlaps |
    | Steady | the rest, on one line |

    Parameters
    ----------
    current
        Current hotspots, strongest first, with ``name`` and optionally
        ``peak_times``, ``change_since_last``, ``trend`` and ``recent``.
    gone
        Previous hotspots that went away (``name``), from ``compare_hotspots``.
    emerging
        Emerging areas outside the hotspots (``name``, ``peak_times``), from
        ``hotspot_trends``.

    Returns
    -------
    list of str
        "New: Parc Tawe (Sat/Sun daytime)", "Growing: ... (peak times)",
        "Fading: ...", "Gone: ...", "Steady: A, B, C". No counts, so nothing
        below the disclosure threshold can show.
    """
    frame = current.reset_index(drop=True)
    headline = headlines(frame)
    if emerging is not None and len(emerging):
        frame = pd.concat([frame, emerging], ignore_index=True)
        headline = np.r_[headline, np.full(len(emerging), "New")]
    lines = []
    for word in ("New", "Growing"):
        lines += [
            f"{word}: {row['name']}{_when(row)}"
            for _, row in frame[headline == word].iterrows()
        ]
    lines += [f"Fading: {name}" for name in frame.loc[headline == "Fading", "name"]]
    if gone is not None:
        lines += [f"Gone: {name}" for name in gone["name"]]
    steady = frame.loc[headline == "Steady", "name"].tolist()
    if steady:
        lines.append("Steady: " + ", ".join(steady))
    return lines or ["No hotspots at this panel or the last."]
