"""Re-planning on the rota page: someone cannot make it, change as little as can be."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from geodata.errors import InputDataError
from geodata.workers import Worker, read_workers
from outreach.exports import csv_bytes
from outreach.ics import rota_to_ics
from outreach.params import RotaParams
from outreach.replan import replan_rota
from ui.exports import download
from ui.lang import current, show_error, tr


def with_absence(
    team: list[Worker], name: str, first: date, last: date
) -> list[Worker]:
    """Return the team with ``name`` unavailable from ``first`` to ``last``."""
    days = {first + timedelta(days=i) for i in range((last - first).days + 1)}
    return [
        dataclasses.replace(w, unavailable=w.unavailable | days)
        if w.name == name
        else w
        for w in team
    ]


def render(
    rota: pd.DataFrame,
    workers_file: tuple[str, bytes],
    params: RotaParams,
    meeting: date,
) -> None:
    """Draw the re-plan form and, when asked, the changed rota and its files."""
    lang = current()
    st.subheader(tr("replan.title"), anchor=False)
    try:
        team = read_workers(*workers_file)
    except InputDataError as exc:
        show_error(exc)
        return
    left, middle, right = st.columns(3)
    name = left.selectbox(tr("replan.who"), [w.name for w in team], key="replan_who")
    first = middle.date_input(
        tr("replan.from"), value=params.start, key="replan_from", format="DD/MM/YYYY"
    )
    last = right.date_input(
        tr("replan.to"), value=first, key="replan_to", format="DD/MM/YYYY"
    )
    if not st.button(tr("replan.button"), key="replan_go"):
        return
    if last < first:
        st.error(tr("replan.order"))
        return
    with st.spinner(tr("replan.working")):
        result = replan_rota(
            rota,
            with_absence(team, name, first, last),
            params,
            today=first,
            lang=lang,
        )
    if result.changes:
        st.markdown("\n".join(f"- {line}" for line in result.changes))
    else:
        st.info(tr("replan.none"))
    stamp = datetime.combine(first, time(9, 0))
    rota_id = f"cmet-{meeting.isoformat()}"
    left, right = st.columns(2)
    with left:
        download(
            tr("download.rota.csv"),
            "rota.csv",
            "text/csv",
            lambda: csv_bytes(result.rota),
            "replan_rota_csv",
        )
    with right:
        download(
            tr("download.rota.ics"),
            "rota.ics",
            "text/calendar",
            lambda: rota_to_ics(
                result.rota, rota_id=rota_id, stamp=stamp, previous=rota, lang=lang
            ),
            "replan_rota_ics",
        )
