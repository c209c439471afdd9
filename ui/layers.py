"""The panel map's context layers: area, boundaries, deprivation, density, contexts,
services and community spaces (no Streamlit here).
"""

from __future__ import annotations

import html
import json
import logging

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from i18n import t
from i18n.terms import term
from outreach.exports import geojson_bytes

log = logging.getLogger(__name__)

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
OTHER_SERVICE = ("S", "#666666")
# Viridis in five steps (colour-blind safe, light to dark reads low to high).
DENSITY_COLOURS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
# WIMD deciles in pairs, darkest for the most deprived (decile 1-2).
WIMD_COLOURS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
CONTEXT_COLOUR = "#6a3d9a"

LAYER_AREA = "map.layer.area"
LAYER_BOUNDARIES = "map.layer.boundaries"
LAYER_WIMD = "map.layer.wimd"
LAYER_DENSITY = "map.layer.density"
LAYER_CONTEXTS = "map.layer.contexts"
LAYER_SPACES = "map.layer.spaces"
LAYER_SERVICES = "map.layer.services"


def features(frame: gpd.GeoDataFrame) -> dict:
    """Return a layer as a GeoJSON FeatureCollection in lon/lat, for ``folium``.

    The planner's own exporter (vectorised, coordinates to 6 places, about 0.1 m)
    instead of folium's reprojection and per-feature ``__geo_interface__`` round
    trip, which took half the time of building the map.
    """
    return json.loads(geojson_bytes(frame))


def service_symbol(category: str) -> tuple[str, str]:
    """Return the text symbol and colour of a service category."""
    return SERVICE_STYLE.get(category, OTHER_SERVICE)


def add_area(fmap: folium.Map, area: gpd.GeoDataFrame | None, lang: str) -> None:
    """Draw the study area's outline (dashed grey, not clickable)."""
    if area is None or area.empty:
        return
    folium.GeoJson(
        features(area[["geometry"]]),
        name=t(LAYER_AREA, lang),
        style_function=lambda _: {
            "color": "#555555",
            "weight": 2,
            "dashArray": "8 6",
            "fill": False,
        },
        interactive=False,
    ).add_to(fmap)


def add_boundaries(
    fmap: folium.Map, boundaries: gpd.GeoDataFrame | None, lang: str
) -> bool:
    """Draw area boundaries, shaded by WIMD decile when known; ``True`` if shaded."""
    if boundaries is None or boundaries.empty:
        return False
    data = boundaries[["geometry"]].copy()
    data["name"] = boundaries.get("name", boundaries.get("code", "")).astype(str)
    data["code"] = boundaries.get("code", pd.Series("", index=boundaries.index))
    data["code"] = data["code"].astype(str)
    shaded = "wimd_decile" in boundaries and boundaries["wimd_decile"].notna().any()
    fields, aliases = (
        ["name", "code"],
        [t("map.tip.area", lang), t("map.tip.code", lang)],
    )
    if shaded:
        decile = pd.to_numeric(boundaries["wimd_decile"], errors="coerce")
        step = np.clip((decile.fillna(0).to_numpy() - 1) // 2, 0, 4).astype(int)
        data["colour"] = np.where(
            decile.notna(), np.array(WIMD_COLOURS)[step], "transparent"
        )
        data["wimd"] = [
            t("map.tip.wimd_decile", lang, decile=int(d)) if pd.notna(d) else "-"
            for d in decile
        ]
        fields.append("wimd")
        aliases.append(t("map.tip.wimd", lang))
    else:
        data["colour"] = "transparent"
    folium.GeoJson(
        features(data),
        name=t(LAYER_WIMD if shaded else LAYER_BOUNDARIES, lang),
        show=False,
        style_function=lambda f: {
            "color": "#444444",
            "weight": 1,
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.35,
        },
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases),
    ).add_to(fmap)
    return bool(shaded)


def density_classes(density: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return a class 0-4 per cell (-1 where hidden or zero) and the class edges.

    Classes are quintiles of the cells with a shown, positive density.
    """
    values = pd.to_numeric(density, errors="coerce").to_numpy(float)
    shown = np.isfinite(values) & (values > 0)
    if not shown.any():
        return np.full(len(values), -1), np.array([])
    edges = np.unique(np.quantile(values[shown], np.linspace(0, 1, 6)))
    klass = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    return np.where(shown, klass, -1), edges


def add_density(
    fmap: folium.Map, cells: gpd.GeoDataFrame | None, lang: str
) -> list[str]:
    """Draw the kernel density surface (hidden at first); return its class labels.

    Cells of one class are merged into one shape, so the layer stays small; cells
    where density is suppressed are left blank.
    """
    if cells is None or cells.empty or "density" not in cells:
        return []
    klass, edges = density_classes(cells["density"])
    if len(edges) < 2:
        return []
    labels, shapes = [], []
    for k in range(len(edges) - 1):
        chosen = cells.geometry.to_numpy()[klass == k]
        if not len(chosen):
            continue
        label = t(
            "map.density_class", lang, low=f"{edges[k]:.0f}", high=f"{edges[k + 1]:.0f}"
        )
        labels.append(label)
        shapes.append(
            {"klass": k, "label": label, "geometry": shapely.coverage_union_all(chosen)}
        )
    frame = gpd.GeoDataFrame(shapes, geometry="geometry", crs=cells.crs)
    frame["colour"] = [DENSITY_COLOURS[min(k, 4)] for k in frame["klass"]]
    folium.GeoJson(
        features(frame[["label", "colour", "geometry"]]),
        name=t(LAYER_DENSITY, lang),
        show=False,
        style_function=lambda f: {
            "fillColor": f["properties"]["colour"],
            "color": f["properties"]["colour"],
            "weight": 0,
            "fillOpacity": 0.45,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["label"], aliases=[t("map.tip.density", lang)]
        ),
    ).add_to(fmap)
    return labels


def add_contexts(
    fmap: folium.Map, contexts: gpd.GeoDataFrame | None, lang: str
) -> None:
    """Draw contexts (small places where incidents gather) as dotted outlines."""
    if contexts is None or contexts.empty:
        return
    data = contexts[["context_id", "name", "incidents", "geometry"]].copy()
    for column in ("context_id", "name", "incidents"):
        data[column] = data[column].astype(str)
    folium.GeoJson(
        features(data),
        name=t(LAYER_CONTEXTS, lang),
        style_function=lambda _: {
            "color": CONTEXT_COLOUR,
            "weight": 2,
            "dashArray": "1 5",
            "fillOpacity": 0.0,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["context_id", "name", "incidents"],
            aliases=[
                t("map.tip.context", lang),
                t("map.tip.near", lang),
                t("map.tip.incidents", lang),
            ],
        ),
    ).add_to(fmap)


def _points(frame: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    """Return ``columns`` of point features as text."""
    data = frame[[*columns, "geometry"]].copy()
    for column in columns:
        data[column] = data[column].astype(str)
    return data


def add_services(
    fmap: folium.Map, services: gpd.GeoDataFrame | None, lang: str
) -> None:
    """Draw services, one layer per category, each with its own text symbol.

    One GeoJSON layer per category (not one marker per service) keeps the page
    small and quick to render.
    """
    if services is None or services.empty:
        return
    open_word = t("map.tip.open", lang)
    data = _points(services, ["name", "opening_hours", "category"])
    words = {c: term("service", c, lang) for c in data["category"].unique()}
    data["tip"] = [
        html.escape(f"{n} ({words[c]})" + (f", {open_word} {h}" if h else ""))
        for n, h, c in zip(
            data["name"], data["opening_hours"], data["category"], strict=True
        )
    ]
    # One export for every service, then split by kind: the same features as
    # one export per kind, in a fifth of the time.
    collection = features(data[["tip", "geometry"]])
    kinds = data["category"].to_numpy()
    for category in sorted(words):
        symbol, colour = service_symbol(category)
        icon = folium.DivIcon(
            html=f'<div class="cmet-svc" style="background:{colour}">{symbol}</div>',
            icon_size=(26, 24),
            icon_anchor=(13, 12),
            class_name="cmet-svc-icon",
        )
        chosen = [
            f
            for f, k in zip(collection["features"], kinds, strict=True)
            if k == category
        ]
        folium.GeoJson(
            {**collection, "features": chosen},
            name=t(LAYER_SERVICES, lang, category=words[category]),
            marker=folium.Marker(icon=icon),
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        ).add_to(fmap)


def add_spaces(fmap: folium.Map, spaces: gpd.GeoDataFrame | None, lang: str) -> None:
    """Draw community spaces as white circles (hidden at first)."""
    if spaces is None or spaces.empty:
        return
    data = _points(spaces, ["name", "category"])
    data["tip"] = [
        html.escape(f"{n} ({term('space', c, lang)})")
        for n, c in zip(data["name"], data["category"], strict=True)
    ]
    folium.GeoJson(
        features(data[["tip", "geometry"]]),
        name=t(LAYER_SPACES, lang),
        show=False,
        marker=folium.CircleMarker(
            radius=6,
            color="#4d4d4d",
            weight=2,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=1,
        ),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(fmap)
