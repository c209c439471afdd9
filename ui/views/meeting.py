"""Meeting page (the landing page): since the last panel, map, outreach, gaps,
the panel's decision and the pack.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from i18n.terms import change_line, long_date, term
from ui import data, decision, exports, prepare
from ui.changes import ARROWS, ORDER, SinceLast
from ui.lang import block, current, tr
from ui.mapview import render_map_section, with_tiles
from ui.sidebar import threshold_choices, unit_choices
from ui.summary import method_caption, result_line

PAGE_ROTA = "ui/views/rota.py"
PAGE_GAPS = "ui/views/gaps.py"


def since_lines(since: SinceLast, lang: str) -> list[tuple[str | None, str]]:
    """Return (headline, text) per change line, ordered New, Growing, ... Gone."""
    lines = [change_line(line, lang) for line in since.lines]
    rank = {head: i for i, head in enumerate(ORDER)}
    return sorted(lines, key=lambda item: rank.get(item[0], len(ORDER)))


def _since_section(since: SinceLast, result_ok: bool) -> None:
    lang = current()
    st.header(tr("meeting.since"), anchor=False)
    if not result_ok:
        return
    if since.snapshot is not None:
        basis = tr(
            "meeting.basis_snapshot",
            date=long_date(since.snapshot.meeting_date, lang),
        )
    elif since.compared_with:
        basis = tr(
            "meeting.basis_period",
            date=long_date(pd.Timestamp(since.compared_with).date(), lang),
        )
    else:
        basis = tr("meeting.basis_none")
    st.caption(basis)
    items = []
    for head, text in since_lines(since, lang):
        if head is None:
            items.append(f"- {html.escape(text)}")
            continue
        word = tr(f"term.headline.{head}")
        items.append(f"- **{ARROWS[head]} {word}:** {html.escape(text)}")
    block("\n".join(items))
    if since.snapshot is not None and since.snapshot.decisions:
        when = long_date(since.snapshot.meeting_date, lang)
        st.markdown(f"**{tr('meeting.last_decisions', date=when)}**")
        block("\n".join(f"- {html.escape(d)}" for d in since.snapshot.decisions))


def _outreach_section(plan: data.pipeline.Plan | None, can_rota: bool) -> None:
    lang = current()
    st.header(tr("meeting.outreach"), anchor=False)
    if plan is None:
        st.info(tr("meeting.no_rota"), icon=":material/calendar_month:")
        if can_rota:
            st.page_link(
                PAGE_ROTA, label=tr("nav.rota"), icon=":material/arrow_forward:"
            )
        return
    rota = plan.rota.rota
    staffed = int(rota["staffed"].astype(bool).sum())
    st.markdown(tr("meeting.rota_summary", sessions=len(rota), staffed=staffed))
    table = pd.DataFrame(
        {
            tr("col.date"): [pd.Timestamp(d).strftime("%d/%m") for d in rota["date"]],
            tr("col.time"): (rota["start"] + "-" + rota["end"]).to_numpy(),
            tr("col.hotspot"): (
                rota["hotspot_id"] + " " + rota["hotspot_name"]
            ).to_numpy(),
            tr("col.band"): [term("band", b, lang) for b in rota["band"]],
            tr("col.staffed"): [
                tr("word.yes") if s else tr("word.no") for s in rota["staffed"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=240)
    if plan.rota.explanations:
        with st.expander(tr("meeting.uncovered", n=len(plan.rota.explanations))):
            st.markdown("\n".join(f"- {e}" for e in plan.rota.explanations))


def _gaps_section(
    request: data.Request, gaps: data.pipeline.Gaps | None, can_gaps: bool
) -> None:
    st.header(tr("meeting.gaps"), anchor=False)
    if gaps is None:
        st.info(tr("meeting.no_gaps"))
        return
    lines = data.gap_lines(request, current())
    block("\n".join(f"- {html.escape(s)}" for s in lines) or tr("meeting.no_gaps"))
    if can_gaps:
        st.page_link(PAGE_GAPS, label=tr("nav.gaps"), icon=":material/arrow_forward:")


def render() -> None:
    """Draw the meeting page."""
    access = st.session_state.get(data.state.USER)
    request = data.current_request()
    result = data.analyse_or_stop(request)
    threshold = request.params.threshold
    panel_date = data.panel_day(result)
    st.title(tr("meeting.title"), anchor=False)
    st.caption(tr("meeting.panel_date", date=long_date(panel_date, current())))
    ok = data.has_hotspots(result)
    (st.success if ok else st.info)(
        result_line(result, current()), icon=":material/info:"
    )
    since = data.since_for(request, result)
    _since_section(since, ok)

    gaps = data.gaps_with_progress(request) if ok else None
    planned = data.planned(request)
    plan = planned[0] if planned else None
    st.header(tr("meeting.map"), anchor=False)
    render_map_section(
        request,
        result,
        since,
        gaps=gaps,
        plan=plan,
        threshold=threshold,
    )
    _outreach_section(plan, access is None or access.can("rota"))
    _gaps_section(request, gaps, access is None or access.can("gaps"))
    if ok and (access is None or access.decides):
        decision.render_form(result, panel_date)
    exports.render_pack_downloads(request, result, since, panel_date, gaps, planned)
    st.caption(method_caption(result, threshold, current()))
    prepare.after_meeting_page(
        request,
        current(),
        with_tiles(),
        thresholds=threshold_choices(threshold),
        units=unit_choices(request.sources),
    )


render()
