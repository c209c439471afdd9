"""Outreach rota page: plan paired sessions at the hotspots and download them."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from geodata.errors import InputDataError
from i18n.terms import long_date, term
from outreach.params import RotaParams
from store import save_rota
from ui import data, memory, replan, state
from ui.exports import build_pack, calendar_file, decisions_on, download
from ui.lang import current, show_error, tr

# File name, catalogue key of the button label and MIME type, in the order shown.
DOWNLOADS = (
    ("rota.csv", "download.rota.csv", "text/csv"),
    ("rota.ics", "download.rota.ics", "text/calendar"),
    ("routes.geojson", "download.routes.geojson", "application/geo+json"),
    ("session_sheets.html", "download.session_sheets", "text/html"),
)


def next_monday(today: date) -> date:
    """Return the Monday after ``today`` (a week on when today is Monday)."""
    return today + timedelta(days=7 - today.weekday())


def rota_table(rota: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the rota with headers, days and bands in ``lang``."""
    return pd.DataFrame(
        {
            tr("col.date"): [
                pd.Timestamp(d).strftime("%d/%m/%Y") for d in rota["date"]
            ],
            tr("col.start"): rota["start"].to_numpy(),
            tr("col.end"): rota["end"].to_numpy(),
            tr("col.hotspot"): rota["hotspot_id"].to_numpy(),
            tr("col.near"): rota["hotspot_name"].to_numpy(),
            tr("col.band"): [term("band", b, lang) for b in rota["band"]],
            tr("col.priority"): rota["priority"].to_numpy(),
            tr("col.workers"): rota["workers"].to_numpy(),
            tr("col.staffed"): [
                tr("word.yes") if s else tr("word.no") for s in rota["staffed"]
            ],
        }
    )


def _request_form(request: data.Request, panel_date: date) -> None:
    left, middle, right = st.columns(3)
    start = left.date_input(
        tr("rotapage.first_day"),
        value=next_monday(panel_date),
        key=state.ROTA_START,
        format="DD/MM/YYYY",
    )
    days = middle.number_input(
        tr("rotapage.days"), min_value=1, max_value=56, value=14, key=state.ROTA_DAYS
    )
    time_limit = right.number_input(
        tr("rotapage.time_limit"),
        min_value=1,
        max_value=600,
        value=10,
        key=state.ROTA_TIME_LIMIT,
        help=tr("rotapage.time_limit_help"),
    )
    meeting = left.date_input(
        tr("rotapage.meeting"),
        value=panel_date,
        key=state.ROTA_MEETING,
        format="DD/MM/YYYY",
        help=tr("rotapage.meeting_help"),
    )
    harder = middle.checkbox(
        tr("rotapage.try_harder"),
        key="rota_try_harder",
        help=tr("rotapage.try_harder_help"),
    )
    if st.button(tr("rotapage.plan"), key=state.ROTA_PLAN, type="primary"):
        try:
            rota_params = RotaParams(
                start=start,
                days=int(days),
                time_limit_s=float(time_limit),
                try_harder=harder,
            )
        except InputDataError as exc:
            show_error(exc)
            return
        st.session_state[state.ROTA_REQUEST] = (request, rota_params, meeting)


def _remember(rota: pd.DataFrame, meeting: date) -> None:
    """Save the rota as a version in the store once per distinct rota per session."""
    key = f"cmet-{meeting.isoformat()}"
    digest = hashlib.sha256(rota.to_csv(index=False).encode()).hexdigest()[:16]
    saved = st.session_state.setdefault(state.SAVED_ROTAS, set())
    if (key, digest) in saved:
        return
    version = save_rota(
        memory.engine(),
        key,
        rota,
        user=memory.current_user(),
        note="planned in the app",
    )
    saved.add((key, digest))
    st.caption(tr("rotapage.saved", key=key, version=version.version))


def render() -> None:
    """Draw the outreach rota page."""
    lang = current()
    st.title(tr("rotapage.title"), anchor=False)
    request = data.current_request()
    result = data.analyse_or_stop(request)
    if result.hotspots.empty:
        st.info(tr("rotapage.no_hotspots"), icon=":material/info:")
        return
    panel_date = pd.Timestamp(result.choices.get("panel_date")).date()
    st.markdown(tr("rotapage.intro"))
    _request_form(request, panel_date)
    asked = st.session_state.get(state.ROTA_REQUEST)
    if asked is None:
        st.caption(tr("rotapage.press"))
        return
    if asked[0] != request:
        st.warning(tr("rotapage.stale"), icon=":material/sync_problem:")
        return
    _, rota_params, meeting = asked
    try:
        with st.status(
            tr("rotapage.planning", seconds=f"{rota_params.time_limit_s:g}"),
            expanded=False,
        ) as status:
            plan = data.plan(request, rota_params)
            files = data.outputs(request, rota_params, meeting)
            rota = plan.rota
            status.update(
                label=tr(
                    "rotapage.planned",
                    start=long_date(rota_params.start, lang),
                    days=rota_params.days,
                    status=rota.status.lower(),
                    seconds=f"{rota.wall_time_s:.1f}",
                ),
                state="complete",
            )
    except InputDataError as exc:
        show_error(exc)
        return
    _remember(rota.rota, meeting)
    st.dataframe(rota_table(rota.rota, lang), hide_index=True, width="stretch")
    if rota.explanations:
        st.markdown(
            tr("rotapage.uncovered", n=len(rota.explanations), total=len(rota.rota))
        )
        st.markdown("\n".join(f"- {line}" for line in rota.explanations))
    else:
        st.success(tr("rotapage.all_covered"))

    def _file(name: str) -> bytes:
        if name == "rota.ics":
            return calendar_file(files, plan, meeting, lang)
        return files[name]

    columns = st.columns(len(DOWNLOADS) + 1)
    for column, (name, label, mime) in zip(columns, DOWNLOADS, strict=False):
        with column:
            download(tr(label), name, mime, lambda n=name: _file(n), f"download_{name}")
    replan.render(rota.rota, request.sources.workers, rota_params, meeting)
    inputs = data.inputs(request.sources, request.choice)
    since = data.since_previous(request, panel_date)
    gaps = plan.gaps
    engine = memory.engine()  # the pack is made when pressed, outside this run

    def _pack() -> str:
        return build_pack(
            lang=lang,
            meeting=meeting,
            result=result,
            since=since,
            inputs=inputs,
            gaps=gaps,
            plan=plan,
            decisions=decisions_on(engine, meeting),
        )

    with columns[-1]:
        download(
            tr("download.panel_pack"),
            f"panel_pack_{meeting.isoformat()}_{lang}.html",
            "text/html",
            _pack,
            "download_panel_pack.html",
        )
    threshold = request.params.threshold
    st.caption(tr("threshold.caption", k=threshold, below=threshold - 1))


render()
