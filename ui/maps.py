"""Build the panel's folium map from public hotspot results (no Streamlit here).

Hotspot areas are drawn by what changed since the last panel (new, growing,
steady, fading; gone ones as a grey trace), each with its own outline pattern
and an arrow in its label, so nothing is told by colour alone. Significant
cells, contexts, a density surface, services, community spaces, boundaries and
deprivation are further layers, all named in the legend in the reader's
language.
"""

from __future__ import annotations

import html
import logging

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.crs import WGS84, bng_to_lonlat, lonlat_to_bng
from hotspots.result import HotspotResult
from i18n import t
from i18n.terms import breakdown, peak_times
from ui import layers, templates
from ui.changes import ARROWS
from ui.legend import (
    CHANGE_STYLE,
    COLD,
    COLD_STRONG,
    HOT,
    HOT_STRONG,
    legend_html,
)

log = logging.getLogger(__name__)

templates.remember_compiled()

SWANSEA_CENTRE = (51.6214, -3.9436)

STRONG_Z = 2.58
# The map opens on the hotspot areas with this margin (metres), not the whole
# study area, where they would be tiny; the layer list still shows everything.
ZOOM_MARGIN_M = 400.0

BASEMAP = "map.layer.basemap"
LAYER_CELLS = "map.layer.cells"
LAYER_HOTSPOTS = "map.layer.hotspots"
LAYER_GONE = "map.layer.gone"


def build_map(
    result: HotspotResult,
    services: gpd.GeoDataFrame | None,
    spaces: gpd.GeoDataFrame | None,
    area: gpd.GeoDataFrame | None,
    tiles: bool,
    *,
    classes: pd.Series | None = None,
    gone: gpd.GeoDataFrame | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    lang: str = "en",
) -> folium.Map:
    """Return the panel map: hotspot areas by change, cells and context layers.

    Only aggregated, disclosure-safe results are drawn: cell counts are the
    suppressed ``n`` strings, contexts and density are already suppressed, and
    hotspot labels sit on named public places, so no individual incident's
    location reaches the map.

    Parameters
    ----------
    result
        Hotspot detection result (EPSG:27700 cells, hotspots, emerging, contexts).
    services, spaces
        Canonical services and community spaces (EPSG:27700), or ``None``.
    area
        Study area polygons (EPSG:27700), or ``None``.
    tiles
        Draw the OpenStreetMap basemap; ``False`` gives a plain background for
        offline meeting rooms.
    classes
        Change headline per area id (``ui.changes.SinceLast.classes``); areas
        without one are drawn as steady.
    gone
        Hotspots of the last panel that went away, drawn as a grey trace.
    boundaries
        LSOA or ward polygons, with ``wimd_decile`` for the deprivation layer.
    lang
        Language of layer names, tooltips and legend ("en" or "cy").

    Returns
    -------
    folium.Map
        One layer per theme, a layer control and a legend.
    """
    fmap = folium.Map(
        location=SWANSEA_CENTRE, zoom_start=13, tiles=None, control_scale=True
    )
    if tiles:
        folium.TileLayer("OpenStreetMap", name=t(BASEMAP, lang)).add_to(fmap)
    layers.add_area(fmap, area, lang)
    wimd = layers.add_boundaries(fmap, boundaries, lang)
    density = layers.add_density(fmap, result.cells, lang)
    _add_cells(fmap, result.cells, lang)
    layers.add_contexts(fmap, result.contexts, lang)
    _add_gone(fmap, gone, lang)
    shown = _add_areas(fmap, _areas(result), classes, lang)
    layers.add_services(fmap, services, lang)
    layers.add_spaces(fmap, spaces, lang)
    folium.LayerControl(collapsed=True).add_to(fmap)
    legend = legend_html(
        lang,
        changes=shown,
        gone=gone is not None and len(gone) > 0,
        services=services,
        density=density,
        wimd=wimd,
        contexts=result.contexts is not None and len(result.contexts) > 0,
    )
    fmap.get_root().html.add_child(folium.Element(legend))
    bounds = _bounds(result, area, services)
    if bounds is not None:
        fmap.fit_bounds(bounds)
    return fmap


def _areas(result: HotspotResult) -> gpd.GeoDataFrame | None:
    frames = [f for f in (result.hotspots, result.emerging) if f is not None and len(f)]
    if not frames:
        return None
    joined = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=result.hotspots.crs)


def _bounds(
    result: HotspotResult,
    area: gpd.GeoDataFrame | None,
    services: gpd.GeoDataFrame | None,
) -> list[list[float]] | None:
    """Return the view: the hotspot areas with a margin, else the study area."""
    areas = _areas(result)
    for frame, pad in ((areas, ZOOM_MARGIN_M), (area, 0.0), (result.cells, 0.0)):
        if frame is not None and len(frame):
            box = frame.total_bounds + np.array([-pad, -pad, pad, pad])
            lon, lat = bng_to_lonlat(box[[0, 2]], box[[1, 3]])
            return [[float(lat[0]), float(lon[0])], [float(lat[1]), float(lon[1])]]
    if services is not None and len(services):
        west, south, east, north = services.to_crs(WGS84).total_bounds
        return [[float(south), float(west)], [float(north), float(east)]]
    return None


def cell_classes(cells: pd.DataFrame) -> pd.DataFrame:
    """Return significant cells' display class, colour and outline style.

    Parameters
    ----------
    cells
        ``HotspotResult.cells``.

    Returns
    -------
    DataFrame
        For significant cells only: ``kind`` (English key: "strong hot",
        "hot", "cold", "strong cold"), ``colour`` and ``dash`` (``""`` solid
        for hot, dashed for cold), indexed like ``cells``.
    """
    sig = cells[cells["significant"].astype(bool)]
    z = sig["gistar"].to_numpy(float)
    hot = z > 0
    strong = np.abs(z) >= STRONG_Z
    kind = np.select(
        [hot & strong, hot, ~hot & ~strong],
        ["strong hot", "hot", "cold"],
        "strong cold",
    )
    colour = np.select(
        [hot & strong, hot, ~hot & ~strong], [HOT_STRONG, HOT, COLD], COLD_STRONG
    )
    return pd.DataFrame(
        {"kind": kind, "colour": colour, "dash": np.where(hot, "", "4 3")},
        index=sig.index,
    )


def _add_cells(fmap: folium.Map, cells: gpd.GeoDataFrame, lang: str) -> None:
    if cells is None or cells.empty:
        return
    classes = cell_classes(cells)
    if classes.empty:
        return
    sig = cells.loc[classes.index, ["n", "gistar", "geometry"]].copy()
    sig["kind"] = [t(f"map.cell.{k}", lang) for k in classes["kind"]]
    sig["colour"] = classes["colour"]
    sig["dash"] = classes["dash"]
    sig["z"] = sig["gistar"].map(lambda v: f"{v:.1f}")
    layer = folium.FeatureGroup(name=t(LAYER_CELLS, lang))
    folium.GeoJson(
        layers.features(sig[["kind", "n", "z", "colour", "dash", "geometry"]]),
        style_function=lambda f: {
            "fillColor": f["properties"]["colour"],
            "color": f["properties"]["colour"],
            "weight": 1,
            "dashArray": f["properties"]["dash"],
            "fillOpacity": 0.5,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["kind", "n", "z"],
            aliases=[
                t(k, lang) for k in ("map.tip.cell", "map.tip.incidents", "map.tip.z")
            ],
        ),
    ).add_to(layer)
    layer.add_to(fmap)


def _add_gone(fmap: folium.Map, gone: gpd.GeoDataFrame | None, lang: str) -> None:
    if gone is None or gone.empty:
        return
    colour, dash, weight, _ = CHANGE_STYLE["Gone"]
    data = gone[["name", "geometry"]].copy()
    data["name"] = data["name"].astype(str)
    data["change"] = f"{ARROWS['Gone']} {t('term.headline.Gone', lang)}"
    layer = folium.FeatureGroup(name=t(LAYER_GONE, lang))
    folium.GeoJson(
        layers.features(data),
        style_function=lambda _: {
            "color": colour,
            "weight": weight,
            "dashArray": dash,
            "fill": False,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "change"],
            aliases=[t("map.tip.near", lang), t("map.tip.change", lang)],
        ),
    ).add_to(layer)
    layer.add_to(fmap)


def _add_areas(
    fmap: folium.Map,
    areas: gpd.GeoDataFrame | None,
    classes: pd.Series | None,
    lang: str,
) -> list[str]:
    """Draw hotspot and emerging areas by change class; return the classes drawn."""
    if areas is None or areas.empty:
        return []
    ids = areas["hotspot_id"].astype(str)
    known = {} if classes is None else classes.to_dict()
    change = pd.Series([known.get(i, "Steady") for i in ids], index=ids.index)
    data = areas[["hotspot_id", "name", "incidents", "geometry"]].copy()
    data["hotspot_id"] = ids.to_numpy()
    data["name"] = data["name"].astype(str)
    data["incidents"] = data["incidents"].astype(str)
    data["peak"] = [peak_times(p, lang) for p in areas["peak_times"]]
    data["themes"] = [breakdown(c, lang) for c in areas["categories"]]
    data["change"] = [f"{ARROWS[c]} {t(f'term.headline.{c}', lang)}" for c in change]
    data["colour"] = [CHANGE_STYLE[c][0] for c in change]
    data["dash"] = [CHANGE_STYLE[c][1] for c in change]
    data["weight"] = [CHANGE_STYLE[c][2] for c in change]
    fields = ["hotspot_id", "name", "change", "incidents", "peak", "themes"]
    aliases = [
        t(k, lang)
        for k in (
            "map.tip.hotspot",
            "map.tip.near",
            "map.tip.change",
            "map.tip.incidents",
            "map.tip.peak",
            "map.tip.themes",
        )
    ]
    layer = folium.FeatureGroup(name=t(LAYER_HOTSPOTS, lang))
    folium.GeoJson(
        layers.features(data),
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": f["properties"]["weight"],
            "dashArray": f["properties"]["dash"],
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.12,
        },
        highlight_function=lambda _: {"fillOpacity": 0.3},
        tooltip=folium.GeoJsonTooltip(fields=fields[:5], aliases=aliases[:5]),
        popup=folium.GeoJsonPopup(fields=fields, aliases=aliases),
    ).add_to(layer)
    labels = gpd.GeoDataFrame(
        {
            "html": [
                f'<div class="cmet-label" style="border-color:{CHANGE_STYLE[h][0]}">'
                f"{html.escape(i)} {ARROWS[h]}</div>"
                for i, h in zip(ids, change, strict=True)
            ],
            "tip": [
                html.escape(f"{i}: {n} ({t(f'term.headline.{h}', lang)})")
                for i, n, h in zip(ids, data["name"], change, strict=True)
            ],
        },
        geometry=gpd.points_from_xy(areas["label_x"], areas["label_y"]),
        crs=areas.crs,
    )
    # One GeoJSON layer of labels; each label's own text reaches its icon through
    # the style function (folium copies the style into the icon's options).
    folium.GeoJson(
        layers.features(labels),
        marker=folium.Marker(
            icon=folium.DivIcon(
                icon_size=(54, 24), icon_anchor=(27, 12), class_name="cmet-label-icon"
            ),
            z_index_offset=1000,  # labels stay above service symbols
        ),
        style_function=lambda f: {"html": f["properties"]["html"]},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(layer)
    layer.add_to(fmap)
    return [c for c in ("New", "Growing", "Steady", "Fading") if (change == c).any()]


def hotspot_at(areas: gpd.GeoDataFrame, click: dict | None) -> str | None:
    """Return the id of the area under a map click (its outline or its label)."""
    if not click or areas.empty or click.get("lat") is None:
        return None
    x, y = lonlat_to_bng([click["lng"]], [click["lat"]])
    point = shapely.Point(x[0], y[0])
    on_label = np.hypot(areas["label_x"] - x[0], areas["label_y"] - y[0]) < 1.0
    inside = areas.geometry.contains(point).to_numpy()
    # A label click names its own area even where outlines touch.
    for hits in (on_label.to_numpy(), inside):
        if hits.any():
            return str(areas.loc[hits, "hotspot_id"].iloc[0])
    return None
