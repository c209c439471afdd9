"""Build the panel's folium map from public hotspot results (no Streamlit here)."""

from __future__ import annotations

import html
import logging

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.crs import WGS84, bng_to_lonlat
from hotspots.result import HotspotResult

log = logging.getLogger(__name__)

SWANSEA_CENTRE = (51.6214, -3.9436)

# ColorBrewer RdBu ends: safe for the common colour-vision deficiencies. Hot and cold
# also differ by outline (solid or dashed) and by the words in tooltip and legend.
HOT_STRONG, HOT, COLD, COLD_STRONG = "#b2182b", "#ef8a62", "#67a9cf", "#2166ac"
STRONG_Z = 2.58
OUTLINE = "#1a1a1a"

# Service categories get a short text symbol as well as an Okabe-Ito colour, so
# the category can be read without seeing colour.
SERVICE_STYLE: dict[str, tuple[str, str]] = {
    "mental health": ("MH", "#0072B2"),
    "substance misuse": ("SM", "#D55E00"),
    "homelessness": ("HL", "#CC79A7"),
    "youth and diversionary": ("Y", "#009E73"),
    "sexual health": ("SH", "#E69F00"),
    "education": ("E", "#56B4E9"),
    "health": ("H", "#000000"),
}
_OTHER_SERVICE = ("S", "#666666")

BASEMAP = "OpenStreetMap basemap"
LAYER_CELLS = "Significant cells"
LAYER_HOTSPOTS = "Hotspot areas"
LAYER_SPACES = "Community spaces"
LAYER_AREA = "Study area"
SERVICES_PREFIX = "Services: "


def build_map(
    result: HotspotResult,
    services: gpd.GeoDataFrame | None,
    spaces: gpd.GeoDataFrame | None,
    area: gpd.GeoDataFrame | None,
    tiles: bool,
) -> folium.Map:
    """Return the panel map of hotspot areas, significant cells, services and spaces.

    Only aggregated, disclosure-safe results are drawn: the cell counts are the
    suppressed ``n`` strings and hotspot labels sit on named public places, so no
    individual incident's location reaches the map.

    Parameters
    ----------
    result
        Hotspot detection result (EPSG:27700 cells and hotspots).
    services, spaces
        Canonical services and community spaces (EPSG:27700), or ``None``.
    area
        Study area polygons (EPSG:27700), or ``None``.
    tiles
        Draw the OpenStreetMap basemap; ``False`` gives a plain background for
        offline meeting rooms.

    Returns
    -------
    folium.Map
        One layer per theme, a layer control and a legend.
    """
    fmap = folium.Map(
        location=SWANSEA_CENTRE, zoom_start=13, tiles=None, control_scale=True
    )
    if tiles:
        folium.TileLayer("OpenStreetMap", name=BASEMAP).add_to(fmap)
    _add_area(fmap, area)
    _add_cells(fmap, result.cells)
    _add_hotspots(fmap, result.hotspots)
    _add_services(fmap, services)
    _add_spaces(fmap, spaces)
    folium.LayerControl(collapsed=True).add_to(fmap)
    fmap.get_root().html.add_child(folium.Element(legend_html(services)))
    bounds = _bounds(result, area, services)
    if bounds is not None:
        fmap.fit_bounds(bounds)
    return fmap


def _to_wgs84(frame: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    return frame[[*columns, "geometry"]].to_crs(WGS84)


def _bounds(
    result: HotspotResult,
    area: gpd.GeoDataFrame | None,
    services: gpd.GeoDataFrame | None,
) -> list[list[float]] | None:
    for frame in (area, result.cells, result.hotspots, services):
        if frame is not None and len(frame):
            west, south, east, north = frame.to_crs(WGS84).total_bounds
            return [[float(south), float(west)], [float(north), float(east)]]
    return None


def _add_area(fmap: folium.Map, area: gpd.GeoDataFrame | None) -> None:
    if area is None or area.empty:
        return
    folium.GeoJson(
        area[["geometry"]].to_crs(WGS84),
        name=LAYER_AREA,
        style_function=lambda _: {
            "color": "#555555",
            "weight": 2,
            "dashArray": "8 6",
            "fill": False,
        },
        interactive=False,
    ).add_to(fmap)


def cell_classes(cells: pd.DataFrame) -> pd.DataFrame:
    """Return significant cells' display class, colour and outline style.

    Parameters
    ----------
    cells
        ``HotspotResult.cells``.

    Returns
    -------
    DataFrame
        For significant cells only: ``kind`` (plain words), ``colour`` and
        ``dash`` (``""`` solid for hot, dashed for cold), indexed like ``cells``.
    """
    sig = cells[cells["significant"].astype(bool)]
    z = sig["gistar"].to_numpy(float)
    hot = z > 0
    strong = np.abs(z) >= STRONG_Z
    kind = np.select(
        [hot & strong, hot, ~hot & ~strong],
        ["strong hot cell", "hot cell", "cold cell"],
        "strong cold cell",
    )
    colour = np.select(
        [hot & strong, hot, ~hot & ~strong], [HOT_STRONG, HOT, COLD], COLD_STRONG
    )
    return pd.DataFrame(
        {"kind": kind, "colour": colour, "dash": np.where(hot, "", "4 3")},
        index=sig.index,
    )


def _add_cells(fmap: folium.Map, cells: gpd.GeoDataFrame) -> None:
    if cells is None or cells.empty:
        return
    classes = cell_classes(cells)
    if classes.empty:
        return
    sig = cells.loc[classes.index, ["n", "gistar", "geometry"]].copy()
    sig["kind"] = classes["kind"]
    sig["colour"] = classes["colour"]
    sig["dash"] = classes["dash"]
    sig["z"] = sig["gistar"].map(lambda v: f"{v:.1f}")
    layer = folium.FeatureGroup(name=LAYER_CELLS)
    folium.GeoJson(
        _to_wgs84(sig, ["kind", "n", "z", "colour", "dash"]),
        style_function=lambda f: {
            "fillColor": f["properties"]["colour"],
            "color": f["properties"]["colour"],
            "weight": 1,
            "dashArray": f["properties"]["dash"],
            "fillOpacity": 0.55,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["kind", "n", "z"],
            aliases=["Cell", "Incidents", "Gi* z-score"],
        ),
    ).add_to(layer)
    layer.add_to(fmap)


def _add_hotspots(fmap: folium.Map, hotspots: gpd.GeoDataFrame) -> None:
    if hotspots is None or hotspots.empty:
        return
    fields = ["hotspot_id", "name", "incidents", "peak_times", "categories"]
    aliases = ["Hotspot", "Near", "Incidents", "Peak times", "Themes"]
    data = _to_wgs84(hotspots, fields)
    for column in fields:
        data[column] = data[column].astype(str)
    layer = folium.FeatureGroup(name=LAYER_HOTSPOTS)
    folium.GeoJson(
        data,
        style_function=lambda _: {
            "color": OUTLINE,
            "weight": 3,
            "fillColor": HOT_STRONG,
            "fillOpacity": 0.08,
        },
        highlight_function=lambda _: {"weight": 5, "fillOpacity": 0.2},
        tooltip=folium.GeoJsonTooltip(fields=fields[:4], aliases=aliases[:4]),
        popup=folium.GeoJsonPopup(fields=fields, aliases=aliases),
    ).add_to(layer)
    lon, lat = bng_to_lonlat(hotspots["label_x"], hotspots["label_y"])
    for hotspot_id, name, y, x in zip(
        hotspots["hotspot_id"], hotspots["name"], lat, lon, strict=True
    ):
        folium.Marker(
            [float(y), float(x)],
            icon=folium.DivIcon(
                html=f'<div class="cmet-label">{html.escape(str(hotspot_id))}</div>',
                icon_size=(36, 18),
                icon_anchor=(18, 9),
                class_name="cmet-label-icon",
            ),
            tooltip=html.escape(f"{hotspot_id}: {name}"),
        ).add_to(layer)
    layer.add_to(fmap)


def _service_symbol(category: str) -> tuple[str, str]:
    return SERVICE_STYLE.get(category, _OTHER_SERVICE)


def _add_services(fmap: folium.Map, services: gpd.GeoDataFrame | None) -> None:
    if services is None or services.empty:
        return
    data = _to_wgs84(services, ["name", "category", "opening_hours"])
    for category, group in data.groupby("category", sort=True):
        symbol, colour = _service_symbol(str(category))
        layer = folium.FeatureGroup(name=f"{SERVICES_PREFIX}{category}")
        for name, hours, point in zip(
            group["name"], group["opening_hours"], group.geometry, strict=True
        ):
            tip = f"{name} ({category})" + (f", open {hours}" if hours else "")
            folium.Marker(
                [point.y, point.x],
                icon=folium.DivIcon(
                    html=(
                        f'<div class="cmet-svc" style="background:{colour}">'
                        f"{symbol}</div>"
                    ),
                    icon_size=(26, 20),
                    icon_anchor=(13, 10),
                    class_name="cmet-svc-icon",
                ),
                tooltip=html.escape(tip),
            ).add_to(layer)
        layer.add_to(fmap)


def _add_spaces(fmap: folium.Map, spaces: gpd.GeoDataFrame | None) -> None:
    if spaces is None or spaces.empty:
        return
    data = _to_wgs84(spaces, ["name", "category"])
    layer = folium.FeatureGroup(name=LAYER_SPACES, show=False)
    for name, category, point in zip(
        data["name"], data["category"], data.geometry, strict=True
    ):
        folium.CircleMarker(
            [point.y, point.x],
            radius=5,
            color="#4d4d4d",
            weight=2,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=1,
            tooltip=html.escape(f"{name} ({category})"),
        ).add_to(layer)
    layer.add_to(fmap)


def _swatch(fill: str, border: str, dash: str = "solid") -> str:
    return (
        f'<span style="display:inline-block;width:14px;height:12px;'
        f"background:{fill};border:2px {dash} {border};margin-right:6px;"
        f'vertical-align:middle"></span>'
    )


def legend_html(services: gpd.GeoDataFrame | None = None) -> str:
    """Return the map legend as a small HTML block naming every symbol in words.

    Parameters
    ----------
    services
        Services drawn on the map; only their categories are listed.

    Returns
    -------
    str
        HTML with a ``cmet-legend`` block and the label/marker styles.
    """
    rows = [
        f"{_swatch('transparent', OUTLINE)}<b>H01</b> hotspot area (thick outline)",
        f"{_swatch(HOT_STRONG, HOT_STRONG)}Strong hot cell (z &ge; {STRONG_Z})",
        f"{_swatch(HOT, HOT)}Hot cell",
        f"{_swatch(COLD, COLD, 'dashed')}Cold cell (dashed)",
        f"{_swatch(COLD_STRONG, COLD_STRONG, 'dashed')}Strong cold cell (dashed)",
    ]
    if services is not None and not services.empty:
        for category in sorted(services["category"].astype(str).unique()):
            symbol, colour = _service_symbol(category)
            rows.append(
                f'<span class="cmet-svc" style="background:{colour};'
                f'display:inline-block;margin-right:6px">{symbol}</span>'
                f"{html.escape(category)}"
            )
    rows.append(
        f"{_swatch('#ffffff', '#4d4d4d')}Community space (circle; off by default)"
    )
    items = "".join(f"<div>{row}</div>" for row in rows)
    return (
        "<style>"
        ".cmet-legend{position:fixed;bottom:56px;left:10px;z-index:1000;"
        "background:rgba(255,255,255,.92);padding:6px 8px;border:1px solid #999;"
        "border-radius:4px;font:12px/1.5 sans-serif;color:#111}"
        ".cmet-label{font:bold 12px sans-serif;background:#fff;color:#111;"
        "border:2px solid #1a1a1a;border-radius:3px;text-align:center}"
        ".cmet-svc{font:bold 10px/16px sans-serif;color:#fff;min-width:20px;"
        "text-align:center;border:1px solid #fff;border-radius:8px;padding:0 2px}"
        "</style>"
        '<details class="cmet-legend" open aria-label="Map legend">'
        f"<summary><b>Legend</b></summary>{items}</details>"
    )
