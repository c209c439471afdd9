"""The shared sidebar: hotspot settings every page uses, as a frozen HotspotParams."""

from __future__ import annotations

import logging

import streamlit as st

from geodata.disclosure import DEFAULT_THRESHOLD
from geodata.errors import InputDataError
from hotspots.params import HotspotParams
from ui import data, state

log = logging.getLogger(__name__)

AUTO, MANUAL = "Automatic", "Set by hand"
ALPHAS = (0.01, 0.05, 0.1)


def _categories(sources: data.Sources) -> list[str]:
    try:
        inputs = data.load(sources)
    except InputDataError:
        return []  # the page shows the error; the sidebar just offers no themes
    return sorted(inputs.incidents["category"].astype(str).unique())


def render_sidebar(sources: data.Sources) -> HotspotParams:
    """Draw the hotspot settings and store the resulting parameters.

    Parameters
    ----------
    sources
        Files in use; their incident categories fill the theme filter.

    Returns
    -------
    HotspotParams
        The settings, also kept in ``st.session_state`` for every page. Invalid
        settings show an error and fall back to the defaults.
    """
    options = _categories(sources)
    chosen = st.session_state.get(state.SB_CATEGORIES, [])
    # Themes from an earlier file would make the widget fail; keep only known ones.
    st.session_state[state.SB_CATEGORIES] = [c for c in chosen if c in options]
    with st.sidebar:
        st.header("Hotspot settings")
        categories = st.multiselect(
            "Incident themes",
            options,
            key=state.SB_CATEGORIES,
            placeholder="All themes",
            help="Look for hotspots of these themes only. Leave empty to use all.",
        )
        mode = st.radio(
            "Cell size",
            (AUTO, MANUAL),
            key=state.SB_CELL_MODE,
            horizontal=True,
            help="The map counts incidents in squares of this size. Automatic "
            "chooses it from how far apart incidents are.",
        )
        cell_size = None
        if mode == MANUAL:
            cell_size = st.number_input(
                "Cell side (metres)",
                min_value=25,
                max_value=5000,
                value=250,
                step=25,
                key=state.SB_CELL_SIZE,
            )
        alpha = st.select_slider(
            "False-discovery rate",
            ALPHAS,
            value=0.05,
            key=state.SB_ALPHA,
            help="Share of marked cells that may be chance findings. Lower is "
            "stricter: fewer, surer hotspots.",
        )
        threshold = st.number_input(
            "Disclosure threshold",
            min_value=2,
            max_value=50,
            value=DEFAULT_THRESHOLD,
            key=state.SB_THRESHOLD,
            help="Counts from 1 up to one below this are shown as '<k' everywhere, "
            "so no small group can be picked out.",
        )
        st.checkbox(
            "Offline basemap",
            value=False,
            key=state.SB_OFFLINE,
            help="Draw the map on a plain background, without OpenStreetMap tiles "
            "(for rooms where the tiles are blocked).",
        )
        try:
            params = HotspotParams(
                cell_size=None if cell_size is None else float(cell_size),
                alpha=float(alpha),
                threshold=int(threshold),
                categories=tuple(categories),
            )
        except InputDataError as exc:
            st.error(str(exc))
            params = HotspotParams()
    st.session_state[state.HOTSPOT_PARAMS] = params
    return params
