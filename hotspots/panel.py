"""The panel's view: the hotspot map plus how it changed since the last panel."""

from __future__ import annotations

import dataclasses
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import geopandas as gpd
import pandas as pd

from geodata.points import point_xy
from hotspots.changes import compare_hotspots, summarise_changes
from hotspots.contexts import find_contexts
from hotspots.detect import detect_hotspots, selected
from hotspots.params import HotspotParams
from hotspots.periods import previous_panel_date
from hotspots.result import HotspotResult
from hotspots.timeline import hotspot_trends

log = logging.getLogger(__name__)


def analyse(
    incidents: pd.DataFrame,
    params: HotspotParams,
    *,
    area: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    contacts: gpd.GeoDataFrame | None = None,
    panel_date: date | None = None,
) -> HotspotResult:
    """Find hotspots up to the panel date and say what changed since the last one.

    The map uses every incident up to ``panel_date`` (default: the last incident's
    day). The last panel's map is the same analysis on incidents up to the
    previous panel date (one period earlier), on the same cells, without the
    density surface and point contexts; hotspots are matched by overlap.

    Returns
    -------
    HotspotResult
        As ``detect_hotspots``, with ``trend``, ``recent`` and
        ``change_since_last`` on hotspots, ``trend`` on cells, and ``changes``,
        ``gone``, ``emerging`` and ``periods`` filled in.
    """
    if panel_date is None:
        panel_date = incidents["when"].max().date() if len(incidents) else date.today()
    cutoff = pd.Timestamp(panel_date) + pd.Timedelta(days=1)
    up_to = (incidents["when"] < cutoff).to_numpy()
    current = incidents if up_to.all() else incidents[up_to]  # no copy when all
    kwargs = {"area": area, "places": places}
    # Point contexts need only the incidents' positions: find them in a second
    # thread while the map, trends and last panel's map are worked out (GEOS,
    # the k-d trees and NumPy release the GIL), then add them to the result.
    # A second process was tried and measured: it no longer pays now the
    # contexts are mostly array work (10M: 69 s and 4.5 GB against 63 s, 4.1 GB).
    with ThreadPoolExecutor(max_workers=1) as pool:
        x, y = point_xy(selected(current, params))
        contexts_job = pool.submit(
            find_contexts, x, y, threshold=params.threshold, places=places
        )
        del x, y
        result = detect_hotspots(
            current, params, contacts=contacts, with_contexts=False, **kwargs
        )
        if result.status == "ok":
            result = _with_trends(result, current, params, panel_date, kwargs)
        contexts, context_choices = contexts_job.result()
    if result.status != "ok":
        return dataclasses.replace(
            result, choices={**result.choices, "panel_date": str(panel_date)}
        )
    return dataclasses.replace(
        result,
        contexts=contexts,
        choices={**result.choices, "contexts": context_choices},
    )


def _with_trends(
    result: HotspotResult,
    current: gpd.GeoDataFrame,
    params: HotspotParams,
    panel_date: date,
    kwargs: dict,
) -> HotspotResult:
    """Add trends and the changes since the last panel's map to ``result``."""
    places = kwargs["places"]
    choices = {**result.choices, "panel_date": str(panel_date)}
    trends = hotspot_trends(
        current, result, params, panel_date, places=places, length=params.period
    )
    last = previous_panel_date(panel_date, params.period)
    before = current[current["when"] < pd.Timestamp(last) + pd.Timedelta(days=1)]
    # The same cells as this panel's map, so hotspots are compared like for like.
    same_cells = dataclasses.replace(
        params, cell_size=result.choices.get("cell_size_m", params.cell_size)
    )
    previous = detect_hotspots(before, same_cells, map_only=True, **kwargs)
    change, gone = compare_hotspots(previous.hotspots, result.hotspots)
    hotspots = result.hotspots.merge(trends.hotspots, on="hotspot_id", how="left")
    hotspots["change_since_last"] = change.to_numpy()
    cells = result.cells.merge(
        trends.cells[["cell_id", "trend"]], on="cell_id", how="left"
    )
    cells["trend"] = cells["trend"].fillna("none")
    changes = tuple(summarise_changes(hotspots, gone, trends.emerging))
    choices.update(
        last_panel_date=str(last),
        trends=trends.choices,
        trend_note=trends.note,
    )
    log.info("since the last panel (%s): %s", last, "; ".join(changes))
    return dataclasses.replace(
        result,
        hotspots=gpd.GeoDataFrame(
            hotspots, geometry="geometry", crs=result.hotspots.crs
        ),
        cells=gpd.GeoDataFrame(cells, geometry="geometry", crs=result.cells.crs),
        choices=choices,
        changes=changes,
        gone=gone,
        emerging=trends.emerging,
        periods=trends.periods,
    )
