"""The result of hotspot detection: public (already suppressed) tables only."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd


@dataclass(frozen=True)
class HotspotResult:
    """Cells and hotspot areas with statistics, safe to show or export.

    Attributes
    ----------
    cells
        EPSG:27700 square cells in the study area. Columns: ``cell_id`` (int),
        ``n`` (str, count with non-zero values below the threshold as "<k"),
        ``n_shown`` (float, NaN where suppressed), ``gistar`` (z-score),
        ``p_value`` (two-sided, FDR-adjusted), ``significant`` (bool, hot or cold
        after FDR), ``hotspot_id`` (str, "" outside hotspots), ``density``
        (kernel density, incidents per km², NaN where suppressed or not square
        cells), ``trend`` (after ``hotspots.panel.analyse``), polygon geometry.
    hotspots
        EPSG:27700 hotspot areas, strongest first. Columns: ``hotspot_id``
        ("H01"...), ``name`` (nearest named public place), ``incidents`` (str,
        suppressed), ``incidents_shown`` (float), ``cells`` (int), ``strength``
        (mean Gi* z of its cells), ``categories`` (str, e.g. "violence 12; drugs <5"),
        ``sources`` (partners whose records it rests on, same form),
        ``peak_day`` (e.g. "Sat", or "unknown"), ``peak_band`` (after school,
        evening, late night, daytime, or "unknown" when no record has a time),
        ``peak_times`` (str summary), ``label_x``/``label_y`` (metres,
        the named place's location, never an incident's), polygon geometry.
    status
        "ok", or "too_few" when there are too few incidents or counts do not vary.
    message
        Plain-words summary for the front doors.
    choices
        Automatic choices and parameters used, with units (JSON-serialisable).
    contexts
        Small places where incidents gather (``hotspots.contexts``): polygons
        with suppressed counts, never points.
    changes
        One-line summaries of what changed since the last panel.
    gone
        Hotspots of the last panel that went away (``hotspot_id``, ``name``).
    emerging
        Emerging areas outside the hotspots (ids E01...), with peak times.
    periods
        The periods used for trends with suppressed incident counts.
    profiles
        Hotspot id -> 7 x 24 list (Mon..Sun by hour, late night counted with the
        evening before) of the share of its timed incidents, in percent; only for
        hotspots with at least twice the disclosure threshold of timed incidents.
    """

    cells: gpd.GeoDataFrame
    hotspots: gpd.GeoDataFrame
    status: str
    message: str
    choices: dict = field(default_factory=dict)
    profiles: dict = field(default_factory=dict)
    contexts: gpd.GeoDataFrame | None = None
    changes: tuple[str, ...] = ()
    gone: gpd.GeoDataFrame | None = None
    emerging: gpd.GeoDataFrame | None = None
    periods: pd.DataFrame | None = None
