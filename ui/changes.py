"""Since the last panel: what changed, against what, per hotspot (no Streamlit here).

When the panel saved a snapshot at its previous meeting, today's hotspots are
compared with that snapshot; otherwise with the same analysis on the data up to
one period earlier (what ``pipeline.detect`` already did). The headline rules
are those of :func:`hotspots.changes.summarise_changes`, applied per area.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from hotspots.changes import compare_hotspots, headlines, summarise_changes
from hotspots.result import HotspotResult
from store import Snapshot

log = logging.getLogger(__name__)

ORDER = ("New", "Growing", "Steady", "Fading", "Gone")
ARROWS = {"New": "▲", "Growing": "▲", "Steady": "●", "Fading": "▼", "Gone": "▼"}


@dataclass(frozen=True)
class SinceLast:
    """What changed since the last panel.

    Attributes
    ----------
    lines
        One-line English summaries ("New: Parc Tawe (Sat/Sun daytime)").
    classes
        Headline ("New", "Growing", "Steady", "Fading") per area id: the
        hotspots and the emerging areas outside them.
    gone
        Previous hotspots no current one overlaps (``hotspot_id``, ``name``,
        polygon geometry, EPSG:27700).
    snapshot
        The saved panel compared against, or ``None`` when the comparison is
        with the data up to one period earlier.
    compared_with
        ISO date of the map compared against ("" when there was none).
    """

    lines: tuple[str, ...]
    classes: pd.Series
    gone: gpd.GeoDataFrame | None
    snapshot: Snapshot | None
    compared_with: str


def headline_classes(
    hotspots: pd.DataFrame, emerging: pd.DataFrame | None = None
) -> pd.Series:
    """Return each area's headline, indexed by ``hotspot_id``.

    The same rules as the panel's one-line summaries (``hotspots.changes``
    ``headlines``, which ``summarise_changes`` uses); emerging areas are all
    "New".
    """
    ids = hotspots["hotspot_id"].astype(str).tolist()
    heads = headlines(hotspots.reset_index(drop=True)).tolist()
    if emerging is not None and len(emerging):
        ids += emerging["hotspot_id"].astype(str).tolist()
        heads += ["New"] * len(emerging)
    return pd.Series(heads, index=pd.Index(ids, name="hotspot_id"), dtype=object)


def since_last(result: HotspotResult, snapshot: Snapshot | None) -> SinceLast:
    """Compare the result with the last saved panel, or with one period earlier.

    Parameters
    ----------
    result
        Today's hotspot result (``pipeline.detect``).
    snapshot
        The last panel's saved snapshot before the panel date, or ``None``.

    Returns
    -------
    SinceLast
        Lines, per-area headlines, gone hotspots and what was compared.
    """
    hotspots, gone, lines = result.hotspots, result.gone, result.changes
    compared = str(result.choices.get("last_panel_date", ""))
    if snapshot is not None and result.status == "ok":
        change, gone = compare_hotspots(snapshot.hotspots, hotspots)
        hotspots = hotspots.assign(change_since_last=change.to_numpy())
        lines = tuple(summarise_changes(hotspots, gone, result.emerging))
        compared = snapshot.meeting_date.isoformat()
        log.info("compared with the saved panel of %s", compared)
    classes = headline_classes(hotspots, result.emerging)
    return SinceLast(
        lines=tuple(lines),
        classes=classes,
        gone=gone,
        snapshot=snapshot,
        compared_with=compared if result.status == "ok" else "",
    )


def areas(result: HotspotResult) -> gpd.GeoDataFrame:
    """Return the hotspots and the emerging areas outside them in one frame."""
    frames = [result.hotspots]
    if result.emerging is not None and len(result.emerging):
        frames.append(result.emerging)
    joined = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=result.hotspots.crs)
