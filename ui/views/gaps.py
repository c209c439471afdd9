"""Services and gaps page: how far each hotspot is from each kind of service."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from outreach.exports import csv_bytes
from outreach.gaps import GAP_MINUTES, SERVICE_CATEGORIES, gap_summary
from ui import data, state

GAP_LABELS = {
    "hotspot_id": "Hotspot",
    "hotspot_name": "Near",
    "category": "Service type",
    "nearest_service": "Nearest service",
    "distance_m": "Walk (m, est.)",
    "walk_minutes": "Walk (min, est.)",
}


def sorted_gaps(gaps: pd.DataFrame) -> pd.DataFrame:
    """Return the gaps longest walk first, with "no such service" rows at the top."""
    return gaps.sort_values(
        ["walk_minutes", "hotspot_id"],
        ascending=[False, True],
        na_position="first",
        kind="stable",
    ).reset_index(drop=True)


def render() -> None:
    """Draw the services and gaps page."""
    st.title("Services and gaps")
    sources = data.current_sources()
    data.inputs_or_stop(sources)
    params = data.hotspot_params()
    result = data.detect(sources, params)
    if result.hotspots.empty:
        st.info(
            "No hotspot areas, so there are no gaps to measure. " + result.message,
            icon=":material/info:",
        )
        return
    gaps = sorted_gaps(data.gaps(sources, params))
    types = st.multiselect(
        "Service types",
        SERVICE_CATEGORIES,
        key=state.GAP_TYPES,
        placeholder="All service types",
        help="Show only these kinds of service. Leave empty to show all.",
    )
    if types:
        gaps = gaps[gaps["category"].isin(types)].reset_index(drop=True)

    summary = gap_summary(gaps)
    far = int((gaps["walk_minutes"] > GAP_MINUTES).fillna(False).sum())
    st.markdown(
        f"**{far} of {len(gaps)}** hotspot and service-type pairs are more than "
        f"**{GAP_MINUTES} minutes' walk** apart (estimated from straight-line "
        "distance, allowing for streets). Longest walks first."
    )
    if summary:
        with st.expander("The long walks in words", expanded=len(summary) <= 8):
            st.markdown("\n".join(f"- {line}" for line in summary))

    st.dataframe(
        gaps[list(GAP_LABELS)].rename(columns=GAP_LABELS),
        hide_index=True,
        width="stretch",
    )
    st.download_button(
        "Download gaps table (CSV)",
        data=csv_bytes(gaps),
        file_name="gaps.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(
        f"Disclosure threshold {params.threshold}: incident counts from 1 to "
        f'{params.threshold - 1} are shown as "<{params.threshold}" everywhere.'
    )


render()
