"""Record the panel's decision: the meeting date, what was agreed and which areas
to target, saved as a snapshot so the next panel compares against it.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import streamlit as st

from geodata.errors import InputDataError
from hotspots.result import HotspotResult
from i18n.terms import long_date
from store import list_snapshots, save_snapshot
from ui import memory, state
from ui.changes import areas
from ui.lang import current, show_error, tr

log = logging.getLogger(__name__)


def decision_texts(text: str, targets: list[str], names: dict[str, str]) -> list[str]:
    """Return the decisions to store: one per non-blank line, then the targets."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if targets:
        chosen = ", ".join(f"{i} {names.get(i, '')}".strip() for i in targets)
        lines.append(tr("decision.target_line", targets=chosen))
    return lines


def _saved_panels() -> None:
    saved = list_snapshots(memory.engine())
    if saved.empty:
        st.caption(tr("decision.none_saved"))
        return
    lang = current()
    table = pd.DataFrame(
        {
            tr("col.meeting"): [long_date(d, lang) for d in saved["meeting_date"]],
            tr("col.hotspots"): saved["hotspots"].to_numpy(),
            tr("col.decisions"): saved["decisions"].to_numpy(),
        }
    )
    with st.expander(tr("decision.saved_list", n=len(saved))):
        st.dataframe(table, hide_index=True, width="stretch")


def render_form(result: HotspotResult, panel_date: date) -> None:
    """Draw the decision form and save a snapshot when it is submitted."""
    st.header(tr("decision.title"), anchor=False)
    st.caption(tr("decision.intro"))
    frame = areas(result)
    ids = frame["hotspot_id"].astype(str).tolist()
    names = dict(zip(ids, frame["name"].astype(str), strict=True))
    with st.form(state.DECISION_FORM, clear_on_submit=False, border=True):
        meeting = st.date_input(
            tr("decision.date"),
            value=panel_date,
            key=state.DECISION_DATE,
            format="DD/MM/YYYY",
            help=tr("decision.date_help"),
        )
        targets = st.multiselect(
            tr("decision.targets"),
            ids,
            key=state.DECISION_TARGETS,
            format_func=lambda i: f"{i}: {names.get(i, '')}",
            placeholder=tr("decision.targets_none"),
        )
        text = st.text_area(
            tr("decision.text"),
            key=state.DECISION_TEXT,
            height=110,
            max_chars=2000,
            help=tr("decision.text_help"),
        )
        submitted = st.form_submit_button(
            tr("decision.save"),
            type="primary",
            icon=":material/save:",
            key=state.DECISION_SAVE,
        )
    if submitted:
        texts = decision_texts(text or "", list(targets), names)
        try:
            snapshot_id = save_snapshot(
                memory.engine(),
                meeting,
                result,
                user=memory.current_user(),
                decisions=texts,
            )
        except InputDataError as exc:
            show_error(exc)
        else:
            st.session_state[state.SAVED_SNAPSHOT] = snapshot_id
            st.success(
                tr("decision.saved", date=long_date(meeting, current())),
                icon=":material/check_circle:",
            )
    _saved_panels()
