"""Panel map page: where concern is concentrated, with its table twin."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geodata.crs import lonlat_to_bng
from geodata.disclosure import suppress_counts
from hotspots.result import HotspotResult
from ui import data, state
from ui.maps import build_map

TABLE_COLUMNS = {
    "hotspot_id": "Hotspot",
    "name": "Near",
    "incidents": "Incidents",
    "peak_times": "Peak times",
    "categories": "Themes",
    "strength": "Strength (mean Gi* z)",
}
MAP_HEIGHT = 560


def method_caption(result: HotspotResult, threshold: int) -> str:
    """Return the plain-words method note, including every automatic choice."""
    c = result.choices
    parts = []
    if "cell_size_m" in c:
        rule = c.get("cell_size_rule", "")
        parts.append(
            f"cells of {float(c['cell_size_m']):.0f} m" + (f" ({rule})" if rule else "")
        )
    if "cells" in c:
        area = c.get("study_area_km2")
        over = f" over {area} km² ({c.get('study_area', 'study area')})" if area else ""
        parts.append(f"{c['cells']} cells{over}")
    if "incidents_analysed" in c:
        shown = suppress_counts(np.array([int(c["incidents_analysed"])]), threshold)
        parts.append(f"{shown.iloc[0]} incidents analysed")
    if "weights" in c:
        parts.append(f"Getis-Ord Gi*, {c['weights']}")
    if "alpha_fdr" in c:
        parts.append(f"false-discovery rate {float(c['alpha_fdr']):.0%}")
    parts.append(f'counts from 1 to {threshold - 1} shown as "<{threshold}"')
    return "Method: " + "; ".join(parts) + "."


def hotspot_at(hotspots: gpd.GeoDataFrame, click: dict | None) -> str | None:
    """Return the id of the hotspot under a map click (its area or its label)."""
    if not click or hotspots.empty or click.get("lat") is None:
        return None
    x, y = lonlat_to_bng([click["lng"]], [click["lat"]])
    point = shapely.Point(x[0], y[0])
    on_label = np.hypot(hotspots["label_x"] - x[0], hotspots["label_y"] - y[0]) < 1.0
    hits = hotspots.loc[
        hotspots.geometry.contains(point).to_numpy() | on_label.to_numpy(),
        "hotspot_id",
    ]
    return str(hits.iloc[0]) if len(hits) else None


def _table(hotspots: gpd.GeoDataFrame) -> pd.DataFrame:
    table = pd.DataFrame(hotspots[list(TABLE_COLUMNS)])
    table["strength"] = table["strength"].astype(float).round(1)
    return table.rename(columns=TABLE_COLUMNS)


def _details(hotspots: gpd.GeoDataFrame, sources: data.Sources) -> None:
    ids = hotspots["hotspot_id"].astype(str).tolist()
    names = dict(zip(ids, hotspots["name"].astype(str), strict=True))
    if st.session_state.get(state.HOTSPOT_PICK) not in ids:
        st.session_state[state.HOTSPOT_PICK] = ids[0]
    picked = st.selectbox(
        "Hotspot details",
        ids,
        key=state.HOTSPOT_PICK,
        format_func=lambda i: f"{i}: {names[i]}",
        help="Pick a hotspot here or click it on the map.",
    )
    row = hotspots.loc[hotspots["hotspot_id"].astype(str) == picked].iloc[0]
    st.markdown(
        f"**{row['hotspot_id']}, near {row['name']}**: {row['incidents']} incidents "
        f"in {int(row['cells'])} cells. Busiest: {row['peak_times']}.  \n"
        f"Themes: {row['categories']}."
    )
    gaps = data.gaps(sources, data.hotspot_params())
    near = gaps[gaps["hotspot_id"].astype(str) == picked]
    near = near[near["nearest_service"].astype(str) != ""]
    if len(near):
        lines = [
            f"{cat}: {svc} ({mins} min walk, est.)"
            for cat, svc, mins in zip(
                near["category"],
                near["nearest_service"],
                near["walk_minutes"],
                strict=True,
            )
        ]
        st.markdown("Nearest services: " + "; ".join(lines) + ".")


def render() -> None:
    """Draw the panel map page."""
    st.title("Panel map")
    sources = data.current_sources()
    inputs = data.inputs_or_stop(sources)
    params = data.hotspot_params()
    result = data.detect(sources, params)

    if result.status != "ok" or result.hotspots.empty:
        st.info(result.message, icon=":material/info:")
    else:
        st.success(result.message, icon=":material/location_on:")

    fmap = build_map(
        result,
        inputs.services,
        inputs.spaces,
        inputs.area,
        tiles=not st.session_state.get(state.SB_OFFLINE, False),
    )
    returned = st_folium(
        fmap,
        key=state.MAP,
        returned_objects=["last_object_clicked"],
        height=MAP_HEIGHT,
        width=None,
    )
    click = (returned or {}).get("last_object_clicked")
    if click and click != st.session_state.get(state.MAP_LAST_CLICK):
        # Act on a click once, so the picker can still be changed by hand later.
        st.session_state[state.MAP_LAST_CLICK] = click
        clicked = hotspot_at(result.hotspots, click)
        if clicked is not None:
            st.session_state[state.HOTSPOT_PICK] = clicked
    st.caption(
        "Thick black outlines labelled H01, H02... are hotspot areas. Inside them, "
        "solid squares are hot cells and dashed squares cold cells (the legend is on "
        "the map). Use the layer box to show or hide services and community spaces."
    )

    st.subheader("Hotspots")
    if result.hotspots.empty:
        st.write("No hotspot areas to list.")
    else:
        st.dataframe(_table(result.hotspots), hide_index=True, width="stretch")
        _details(result.hotspots, sources)
    st.caption(method_caption(result, params.threshold))


render()
