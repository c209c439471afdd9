"""Services and gaps page: where concern is high and provision thin, and what one
new service would change.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

import pipeline
from i18n.terms import term
from outreach.gaps import GAP_MINUTES, SERVICE_CATEGORIES
from outreach.wording import long_walks
from ui import data, state
from ui.exports import download
from ui.lang import block, current, tr

CSV_FILES = ("gaps.csv", "area_gaps.csv", "coverage.csv", "whatif.csv")


def sorted_gaps(gaps: pd.DataFrame) -> pd.DataFrame:
    """Return the gaps longest walk first, with "no such service" rows at the top."""
    return gaps.sort_values(
        ["walk_minutes", "hotspot_id"],
        ascending=[False, True],
        na_position="first",
        kind="stable",
    ).reset_index(drop=True)


def gap_table(gaps: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the nearest-service table with headers and service types in ``lang``."""
    return pd.DataFrame(
        {
            tr("col.hotspot"): gaps["hotspot_id"].to_numpy(),
            tr("col.near"): gaps["hotspot_name"].to_numpy(),
            tr("col.service_type"): [
                term("service", c, lang) for c in gaps["category"]
            ],
            tr("col.nearest_service"): gaps["nearest_service"].to_numpy(),
            tr("col.walk_m"): gaps["distance_m"].to_numpy(),
            tr("col.walk_min"): gaps["walk_minutes"].to_numpy(),
            tr("col.open_at_peak_short"): [
                tr("word.yes") if v == "yes" else tr("word.no") if v == "no" else "-"
                for v in gaps["open_at_peak"]
            ],
        }
    )


def _areas(found: pipeline.Gaps) -> None:
    if found.areas is None or found.areas.empty:
        return
    top = found.areas.sort_values("gap_rank", kind="stable").head(20)
    st.subheader(tr("gaps.areas_title"), anchor=False)
    st.caption(tr("gaps.areas_help"))
    table = pd.DataFrame(
        {
            tr("col.rank"): top["gap_rank"].to_numpy(),
            tr("col.area"): (top["area_name"] + " (" + top["area_id"] + ")").to_numpy(),
            tr("col.incidents"): top["incidents"].astype(str).to_numpy(),
            tr("col.need"): top["need_score"].round(2).to_numpy(),
            tr("col.access"): top["access_score"].round(2).to_numpy(),
            tr("col.gap"): top["gap_score"].round(2).to_numpy(),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _coverage(found: pipeline.Gaps, lang: str) -> None:
    if found.coverage is None or found.coverage.empty:
        return
    st.subheader(tr("gaps.coverage_title"), anchor=False)
    cov = found.coverage
    table = pd.DataFrame(
        {
            tr("col.service_type"): [term("service", c, lang) for c in cov["category"]],
            tr("col.when"): [term("coverage", b, lang) for b in cov["band"]],
            tr("col.in5"): cov["within_5_min"].to_numpy(),
            tr("col.in10"): cov["within_10_min"].to_numpy(),
            tr("col.in15"): cov["within_15_min"].to_numpy(),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=300)


def _whatif(found: pipeline.Gaps, lang: str) -> None:
    if found.whatif is None or found.whatif.empty:
        return
    best = found.whatif.iloc[0]
    st.subheader(
        tr("gaps.whatif_title", category=term("service", best["category"], lang)),
        anchor=False,
    )
    top = found.whatif.head(10)
    table = pd.DataFrame(
        {
            tr("col.rank"): top["rank"].to_numpy(),
            tr("col.site"): top["site"].to_numpy(),
            tr("col.added"): top["added_share"].to_numpy(),
            tr("col.before"): top["covered_before"].to_numpy(),
            tr("col.after"): top["covered_after"].to_numpy(),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def render() -> None:
    """Draw the services and gaps page."""
    lang = current()
    st.title(tr("gaps.title"), anchor=False)
    request = data.current_request()
    result = data.analyse_or_stop(request)
    if result.hotspots.empty:
        st.info(tr("gaps.no_hotspots"), icon=":material/info:")
        return
    found = data.gaps_with_progress(request)
    lines = data.gap_lines(request, lang)
    block("\n".join(f"- {html.escape(s)}" for s in lines))

    st.subheader(tr("gaps.nearest_title"), anchor=False)
    gaps = sorted_gaps(found.hotspots)
    types = st.multiselect(
        tr("gaps.types"),
        SERVICE_CATEGORIES,
        key=state.GAP_TYPES,
        format_func=lambda c: term("service", c, lang),
        placeholder=tr("gaps.types_all"),
        help=tr("gaps.types_help"),
    )
    if types:
        gaps = gaps[gaps["category"].isin(types)].reset_index(drop=True)
    far = int((gaps["walk_minutes"] > GAP_MINUTES).fillna(False).sum())
    st.markdown(tr("gaps.far", far=far, total=len(gaps), minutes=GAP_MINUTES))
    walks = long_walks(gaps, lang)
    if walks:
        with st.expander(tr("gaps.in_words"), expanded=len(walks) <= 8):
            block("\n".join(f"- {html.escape(line)}" for line in walks))
    st.dataframe(gap_table(gaps, lang), hide_index=True, width="stretch")
    _areas(found)
    _coverage(found, lang)
    _whatif(found, lang)

    st.subheader(tr("gaps.downloads"), anchor=False)
    columns = st.columns(len(CSV_FILES))
    for column, name in zip(columns, CSV_FILES, strict=True):
        with column:
            download(
                tr(f"download.{name}"),
                name,
                "text/csv",
                lambda name=name: pipeline.gap_outputs(found)[name],
                f"download_{name}",
            )
    st.caption(
        tr(
            "threshold.caption",
            k=request.params.threshold,
            below=request.params.threshold - 1,
        )
    )


render()
