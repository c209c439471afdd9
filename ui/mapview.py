"""The panel map with its table twin and the card of the picked (or clicked) area."""

from __future__ import annotations

import threading

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

import pipeline
from hotspots.result import HotspotResult
from i18n.terms import breakdown, peak_times, reach, term
from ui import data, state
from ui.card import render_card
from ui.changes import ARROWS, SinceLast, areas
from ui.lang import current, tr
from ui.maps import build_map, hotspot_at

MAP_HEIGHT = 640
# streamlit-folium's component, kept before ``drawn_map`` ever swaps it to capture
# its arguments, so drawing never meets the stand-in.
_DRAW = streamlit_folium._component_func
_CAPTURING = threading.Lock()


def twin_table(frame: gpd.GeoDataFrame, classes: pd.Series, lang: str) -> pd.DataFrame:
    """Return the map's text twin: one row per area, every symbol in words."""
    ids = frame["hotspot_id"].astype(str)
    heads = [classes.get(i, "Steady") for i in ids]
    blank = pd.Series("", index=frame.index)
    return pd.DataFrame(
        {
            tr("col.hotspot"): ids.to_numpy(),
            tr("col.near"): frame["name"].astype(str).to_numpy(),
            tr("col.change"): [
                f"{ARROWS[h]} {tr(f'term.headline.{h}')}" for h in heads
            ],
            tr("col.incidents"): frame["incidents"].astype(str).to_numpy(),
            tr("col.peak"): [peak_times(p, lang) for p in frame["peak_times"]],
            tr("col.themes"): [breakdown(c, lang) for c in frame["categories"]],
            tr("col.trend"): [
                term("trend", v, lang) if v else "-"
                for v in frame.get("trend", blank).fillna("")
            ],
            tr("col.reach"): [
                reach(v, lang) if v else "-"
                for v in frame.get("reach", blank).fillna("")
            ],
            tr("col.strength"): frame["strength"].astype(float).round(1).to_numpy(),
        }
    )


def _built_map(
    request: data.Request, snapshot_id: int | None, lang: str, tiles: bool
) -> folium.Map:
    """Build the folium map for these settings (about 0.2 s at 100k incidents)."""
    result = data.detect(request)
    since = data.since(request, snapshot_id)
    inputs = data.inputs(request.sources, request.choice)
    return build_map(
        result,
        inputs.services,
        inputs.spaces,
        inputs.area,
        tiles=tiles,
        classes=since.classes,
        gone=since.gone,
        boundaries=inputs.boundaries,
        lang=lang,
    )


@st.cache_resource(
    max_entries=data.VIEWS_KEPT, show_spinner=False, hash_funcs=data.BY_DIGEST
)
def drawn_map(
    request: data.Request, snapshot_id: int | None, lang: str, tiles: bool
) -> dict:
    """Return what ``st_folium`` sends the browser for this map, worked out once.

    ``st_folium`` renders the whole folium map on every run: two thirds of a
    cached rerun on 100k incidents, and a third of the server's time under 20
    sessions (bench/load.py). So ``st_folium`` runs once per map with its
    component call captured, and later runs send the same arguments
    (streamlit-folium is pinned; ``tests/e2e`` clicks the map). Only what is sent
    is kept: the folium map is built afresh here and rendered once
    (``render=False`` skips a whole-page render whose output ``st_folium`` never
    uses; the arguments are the same, 0.3 -> 0.1 s).
    """
    fmap = _built_map(request, snapshot_id, lang, tiles)
    captured: dict = {}
    with _CAPTURING:  # sessions run in threads: one capture at a time
        streamlit_folium._component_func = lambda **kwargs: captured.update(kwargs)
        try:
            st_folium(
                fmap,
                key=state.MAP,
                returned_objects=["last_object_clicked"],
                height=MAP_HEIGHT,
                width=None,
                render=False,
            )
        finally:
            streamlit_folium._component_func = _DRAW
    return captured


def with_tiles() -> bool:
    """Return whether the map has background tiles (not when offline is ticked)."""
    return not st.session_state.get(state.SB_OFFLINE, False)


def _picked(ids: list[str], frame: gpd.GeoDataFrame, click: dict | None) -> str:
    if click and click != st.session_state.get(state.MAP_LAST_CLICK):
        # Act on a click once, so the picker can still be changed by hand later.
        st.session_state[state.MAP_LAST_CLICK] = click
        clicked = hotspot_at(frame, click)
        if clicked is not None:
            st.session_state[state.HOTSPOT_PICK] = clicked
    if st.session_state.get(state.HOTSPOT_PICK) not in ids:
        st.session_state[state.HOTSPOT_PICK] = ids[0]
    return st.session_state[state.HOTSPOT_PICK]


def render_map_section(
    request: data.Request,
    result: HotspotResult,
    since: SinceLast,
    *,
    gaps: pipeline.Gaps | None,
    plan: pipeline.Plan | None,
    threshold: int,
) -> None:
    """Draw the map, its legend note, the table twin and the picked area's card."""
    lang = current()
    tiles = with_tiles()
    returned = _DRAW(**drawn_map(request, data.snapshot_of(since), lang, tiles))
    st.caption(tr("map.caption"))
    frame = areas(result)
    if frame.empty:
        st.write(tr("map.no_areas"))
        return
    st.markdown(f"**{tr('map.table_title')}**")
    st.dataframe(
        twin_table(frame, since.classes, lang), hide_index=True, width="stretch"
    )
    ids = frame["hotspot_id"].astype(str).tolist()
    names = dict(zip(ids, frame["name"].astype(str), strict=True))
    click = (returned or {}).get("last_object_clicked")
    _picked(ids, frame, click)
    picked = st.selectbox(
        tr("map.pick"),
        ids,
        key=state.HOTSPOT_PICK,
        format_func=lambda i: f"{i}: {names[i]}",
        help=tr("map.pick_help"),
    )
    row = frame.loc[frame["hotspot_id"].astype(str) == picked].iloc[0]
    with st.container(border=True):
        render_card(
            row,
            head=str(since.classes.get(picked, "Steady")),
            profiles=result.profiles,
            threshold=threshold,
            gaps=gaps,
            plan=plan,
        )
