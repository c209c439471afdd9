"""Outreach rota page: plan paired sessions at the hotspots and download them."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from geodata.errors import InputDataError
from outreach.params import RotaParams
from ui import data, state

# File name, button label and MIME type of each download, in the order shown.
DOWNLOADS = (
    ("rota.csv", "Rota (CSV)", "text/csv"),
    ("rota.ics", "Calendar (iCalendar)", "text/calendar"),
    ("routes.geojson", "Walking routes (GeoJSON)", "application/geo+json"),
    ("panel_pack.html", "Panel pack (HTML)", "text/html"),
)
ROTA_LABELS = {
    "date": "Date",
    "start": "Start",
    "end": "End",
    "hotspot_id": "Hotspot",
    "hotspot_name": "Near",
    "band": "Time of day",
    "priority": "Priority",
    "workers": "Workers",
    "staffed": "Staffed",
}


def next_monday(today: date) -> date:
    """Return the Monday after ``today`` (a week on when today is Monday)."""
    return today + timedelta(days=7 - today.weekday())


def _request_form() -> None:
    today = date.today()
    left, middle, right = st.columns(3)
    start = left.date_input(
        "First day", value=next_monday(today), key=state.ROTA_START, format="DD/MM/YYYY"
    )
    days = middle.number_input(
        "Days", min_value=1, max_value=56, value=14, key=state.ROTA_DAYS
    )
    time_limit = right.number_input(
        "Solver time limit (seconds)",
        min_value=1,
        max_value=600,
        value=10,
        key=state.ROTA_TIME_LIMIT,
        help="The planner stops searching after this long and keeps the best rota "
        "found so far.",
    )
    meeting = left.date_input(
        "Panel meeting date",
        value=today,
        key=state.ROTA_MEETING,
        format="DD/MM/YYYY",
        help="Printed on the panel pack.",
    )
    if st.button("Plan rota", key=state.ROTA_PLAN, type="primary"):
        try:
            rota_params = RotaParams(
                start=start, days=int(days), time_limit_s=float(time_limit)
            )
        except InputDataError as exc:
            st.error(str(exc))
            return
        st.session_state[state.ROTA_REQUEST] = (rota_params, meeting)


def render() -> None:
    """Draw the outreach rota page."""
    st.title("Outreach rota")
    sources = data.current_sources()
    data.inputs_or_stop(sources)
    params = data.hotspot_params()
    result = data.detect(sources, params)
    if result.hotspots.empty:
        st.info(
            "No hotspot areas, so there are no sessions to plan. " + result.message,
            icon=":material/info:",
        )
        return
    st.markdown(
        "Plans paired sessions at the hotspots' busiest times, sharing evenings "
        "fairly and keeping familiar faces at each place."
    )
    _request_form()
    request = st.session_state.get(state.ROTA_REQUEST)
    if request is None:
        st.caption("Choose the dates and press **Plan rota**.")
        return
    rota_params, meeting = request
    try:
        with st.status("Planning the rota...", expanded=False) as status:
            plan = data.plan(sources, params, rota_params)
            files = data.outputs(sources, params, rota_params, meeting)
            rota = plan.rota
            status.update(
                label=f"Rota planned from {rota_params.start:%a %d %b %Y} for "
                f"{rota_params.days} days: {rota.status.lower()} "
                f"({rota.wall_time_s:.1f} s).",
                state="complete",
            )
    except InputDataError as exc:
        st.error(str(exc))
        return

    table = rota.rota[list(ROTA_LABELS)].rename(columns=ROTA_LABELS)
    st.dataframe(table, hide_index=True, width="stretch")
    if rota.explanations:
        st.markdown(
            f"**{len(rota.explanations)} of {len(rota.rota)} sessions not fully "
            "covered**"
        )
        st.markdown("\n".join(f"- {line}" for line in rota.explanations))
    else:
        st.success("Every planned session has a pair of workers.")

    columns = st.columns(len(DOWNLOADS))
    for column, (name, label, mime) in zip(columns, DOWNLOADS, strict=True):
        column.download_button(
            label,
            data=files[name],
            file_name=name,
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
            key=f"download_{name}",
        )
    st.caption(
        f"Disclosure threshold {params.threshold}: incident counts from 1 to "
        f'{params.threshold - 1} are shown as "<{params.threshold}" in every file.'
    )


render()
