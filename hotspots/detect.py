"""Detect hotspots: grid, Gi* with FDR, hotspot areas, reported choices."""

from __future__ import annotations

import hashlib
import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.categories import is_one_of
from geodata.crs import BNG
from geodata.disclosure import safe_count, shown_counts, suppress_counts
from geodata.errors import InputDataError
from geodata.points import point_xy
from hotspots.areas import build_hotspots, empty_hotspots, label_components
from hotspots.contexts import find_contexts
from hotspots.density import kernel_density
from hotspots.gistar import gi_star
from hotspots.grid import choose_cell_size, study_area_m2
from hotspots.memo import ArrayMemo, read_only
from hotspots.params import HotspotParams
from hotspots.reach import hotspot_reach
from hotspots.result import HotspotResult
from hotspots.units import Units, area_units, hex_units, square_units

log = logging.getLogger(__name__)

CELL_COLUMNS = [
    "cell_id",
    "n",
    "n_shown",
    "gistar",
    "p_value",
    "significant",
    "hotspot_id",
    "density",
    "geometry",
]


def _empty_cells() -> gpd.GeoDataFrame:
    columns = {c: [] for c in CELL_COLUMNS if c != "geometry"}
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=[], crs=BNG)


def _too_few(message: str, choices: dict) -> HotspotResult:
    log.info(message)
    return HotspotResult(
        cells=_empty_cells(),
        hotspots=empty_hotspots(),
        status="too_few",
        message=message,
        choices=choices,
    )


def selected(incidents: pd.DataFrame, params: HotspotParams) -> pd.DataFrame:
    """Return the incidents in the categories analysed (all when none are chosen)."""
    if not params.categories:
        return incidents
    return incidents[is_one_of(incidents["category"], params.categories)]


def detect_hotspots(
    incidents: pd.DataFrame,
    params: HotspotParams,
    *,
    area: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
    contacts: gpd.GeoDataFrame | None = None,
    map_only: bool = False,
    with_contexts: bool = True,
) -> HotspotResult:
    """Find statistically significant concentrations of incidents.

    Parameters
    ----------
    incidents
        Canonical incidents (``x``/``y`` in EPSG:27700) from ``geodata.read_incidents``;
        a GeoDataFrame of points works too.
    params
        Hotspot settings.
    area
        Study-area polygons; without them the data's own extent is used.
    places
        Named public places (``name``, Point geometry) used to label hotspots.
    contacts
        Outreach contacts; each hotspot then says how often outreach reached it
        in the eight weeks up to the latest incident.
    map_only
        Only the cells and hotspot areas: no density surface, point contexts or
        outreach reach (the last panel's map, which is only compared).
    with_contexts
        ``False`` leaves out the point contexts (``hotspots.panel.analyse`` finds
        them at the same time, in a second thread).

    Returns
    -------
    HotspotResult
        Suppressed cells and hotspot areas, status and every automatic choice.
    """
    incidents = selected(incidents, params)
    n = len(incidents)
    choices: dict = {
        "incidents_analysed": safe_count(n, params.threshold),
        "categories": list(params.categories) or "all",
        "alpha_fdr": params.alpha,
        "correction": "Benjamini-Hochberg false discovery rate across all cells",
        "p_values": "two-sided, exact for a sum of cells under a negative "
        "binomial null fitted to the cell counts",
        "disclosure_threshold": params.threshold,
    }
    if n < params.min_incidents:
        return _too_few(
            f"Too few incidents to say: {safe_count(n, params.threshold)} "
            f"incidents, and at least {params.min_incidents} are needed for a sound "
            "hotspot map. Widen the date range or the categories.",
            choices,
        )
    x, y = point_xy(incidents)
    mask = None if area is None else shapely.union_all(area.geometry.to_numpy())
    units = _make_units(x, y, mask, area, params, choices)
    counts = units.counts
    choices["cells"] = len(counts)
    choices["weights"] = {
        "square": "queen contiguity (8 neighbours), binary, cell itself included",
        "hex": "6 touching hexagons, binary, hexagon itself included",
        "areas": "areas sharing a border or corner, binary, area itself included",
    }[units.kind]
    choices["incidents_outside_units"] = safe_count(
        (units.incident_unit < 0).sum(), params.threshold
    )
    if len(counts) < 30 or counts.min() == counts.max():
        return _too_few(
            "Too few incidents to say: the counts do not vary enough across the "
            f"{len(counts)} units to test for hotspots. Widen the date range or "
            "the categories.",
            choices,
        )
    stats = gi_star(counts, units.weights, alpha=params.alpha)
    choices.update(stats.model)
    cells = units.frame()
    labels = label_components(stats.hot, units.weights)
    hotspots, cell_hotspot, profiles = build_hotspots(
        cells,
        labels,
        stats.z,
        counts,
        incidents.reset_index(drop=True),
        units.incident_unit,
        places,
        params.threshold,
    )
    density = np.full(len(counts), np.nan)
    if units.grid is not None and not map_only:
        density, choices["density"] = kernel_density(
            x, y, units.grid, threshold=params.threshold
        )
    contexts = None
    if not map_only and with_contexts:
        contexts, choices["contexts"] = find_contexts(
            x, y, threshold=params.threshold, places=places
        )
    cells = cells.assign(
        density=np.round(density, 1),
        n=suppress_counts(counts, params.threshold).to_numpy(),
        n_shown=shown_counts(counts, params.threshold).to_numpy(),
        gistar=np.round(stats.z, 3),
        p_value=np.round(stats.p_adjusted, 4),
        significant=stats.hot | stats.cold,
        hotspot_id=cell_hotspot,
    )[CELL_COLUMNS]
    if contacts is not None and not map_only:
        reach = hotspot_reach(
            hotspots,
            contacts,
            end=incidents["when"].max(),
            threshold=params.threshold,
        )
        hotspots = hotspots.assign(**{c: reach[c] for c in reach.columns})
    unit_text = {
        "square": f"square cells of {choices.get('cell_size_m', 0):.0f} m",
        "hex": f"hexagons of {choices.get('cell_size_m', 0):.0f} m (equal area)",
        "areas": "your areas",
    }[params.units]
    message = (
        f"{len(hotspots)} hotspot(s) found among {len(counts)} {unit_text}."
        if len(hotspots)
        else "No statistically significant hotspots: incidents are not more "
        "concentrated than chance would give at this false discovery rate."
    )
    return HotspotResult(
        cells=cells,
        hotspots=hotspots,
        status="ok",
        message=message,
        choices=choices,
        profiles=profiles,
        contexts=contexts,
    )


# Units depend on the incidents' positions, the study area and the unit choices
# only: a new threshold, FDR level or period (most reruns in the app) reuses them.
_UNITS: ArrayMemo[tuple[Units, dict]] = ArrayMemo(size=4)


def _make_units(
    x: np.ndarray,
    y: np.ndarray,
    mask: shapely.Geometry | None,
    area: gpd.GeoDataFrame | None,
    params: HotspotParams,
    choices: dict,
) -> Units:
    """Build the units the user chose and record the automatic choices."""
    shapes = b"" if mask is None else shapely.to_wkb(mask)
    if params.units == "areas" and area is not None:
        # The areas' own columns too: their names label the units.
        shapes = b"".join(shapely.to_wkb(area.geometry.to_numpy()))
        shapes += area.drop(columns=area.geometry.name).to_csv().encode()
    extra = (params.units, params.cell_size, hashlib.blake2b(shapes).hexdigest())
    units, made = _UNITS.get_or_make(
        (x, y), extra, lambda: _build_units(x, y, mask, area, params)
    )
    choices.update(made)
    return units


def _build_units(
    x: np.ndarray,
    y: np.ndarray,
    mask: shapely.Geometry | None,
    area: gpd.GeoDataFrame | None,
    params: HotspotParams,
) -> tuple[Units, dict]:
    """Return the units and the choices made building them (arrays read-only)."""
    choices: dict = {"units": params.units}
    if params.units == "areas":
        if area is None:
            raise InputDataError(
                "units 'areas' needs area polygons (such as LSOAs or wards): give "
                "them as the study area, or choose square or hex units."
            )
        choices["study_area"] = "given polygons (each one a unit)"
        return _read_only(area_units(x, y, area)), choices
    extent_m2 = study_area_m2(x, y, mask)
    choices["study_area"] = "given polygons" if mask is not None else "data extent"
    choices["study_area_km2"] = round(extent_m2 / 1e6, 2)
    if params.cell_size is None:
        choices.update(choose_cell_size(x, y, extent_m2))
    else:
        choices.update(cell_size_m=params.cell_size, cell_size_rule="set by the user")
    size = float(choices["cell_size_m"])
    log.info("cell size %.0f m (%s)", size, choices["cell_size_rule"])
    build = square_units if params.units == "square" else hex_units
    return _read_only(build(x, y, size, mask)), choices


def _read_only(units: Units) -> Units:
    """Mark the units' arrays read-only: remembered units are shared."""
    read_only(units.geometry, units.counts, units.incident_unit)
    return units
