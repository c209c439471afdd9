"""Data page: upload partners' files and see what was read, kept and dropped."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geodata.errors import InputDataError
from ui import data, online, state
from ui.lang import show_error, tr


def report_table(report: dict) -> pd.DataFrame:
    """Return one row per file: rows read, kept and dropped (total and by reason)."""
    headers = [
        tr(f"data.col.{k}") for k in ("file", "kind", "read", "kept", "dropped", "why")
    ]
    rows = [
        dict(
            zip(
                headers,
                (
                    f["file"],
                    tr(f"data.kind.{f['kind']}")
                    if f["kind"] in state.KINDS
                    else f["kind"],
                    int(f["rows_read"]),
                    int(f["rows_kept"]),
                    int(sum(f["dropped"].values())),
                    "; ".join(f"{k}: {n}" for k, n in f["dropped"].items()),
                ),
                strict=True,
            )
        )
        for f in report.get("files", [])
    ]
    return pd.DataFrame(rows, columns=headers)


def _uploaders() -> None:
    left, right = st.columns(2)
    for i, kind in enumerate(state.KINDS):
        (left if i % 2 == 0 else right).file_uploader(
            tr(f"data.kind.{kind}"),
            accept_multiple_files=kind not in state.SINGLE_FILE_KINDS,
            key=state.uploader_key(kind),
            help=tr(f"data.help.{kind}"),
            on_change=data.remember_upload,
            args=(kind,),
        )


def _in_use(sources: data.Sources) -> None:
    if sources.demo:
        st.markdown(tr("data.demo_in_use"))
        return
    uploads: dict = st.session_state.get(state.UPLOADS, {})
    lines = [
        f"- {tr(f'data.kind.{kind}')}: {', '.join(name for name, _ in files)}"
        for kind, files in uploads.items()
        if files
    ]
    st.markdown(f"**{tr('data.in_use')}**\n" + "\n".join(lines))
    st.button(
        tr("data.use_demo"),
        key=state.USE_DEMO,
        on_click=data.clear_uploads,
        help=tr("data.use_demo_help"),
    )


def _team(sources: data.Sources) -> None:
    if sources.workers is None:
        st.caption(tr("data.no_team"))
        return
    try:
        size = data.team_size(sources.workers)
    except InputDataError as exc:
        show_error(exc)
        return
    st.caption(tr("data.team", name=sources.workers[0], n=size))


def render() -> None:
    """Draw the data page."""
    st.title(tr("data.title"), anchor=False)
    st.markdown(tr("data.intro"))
    _uploaders()
    sources = data.current_sources()
    _in_use(sources)
    inputs = data.inputs_or_stop(sources)

    st.subheader(tr("data.report"), anchor=False)
    st.dataframe(report_table(inputs.report), hide_index=True, width="stretch")
    notes = [
        f"{f['file']}: {note}"
        for f in inputs.report.get("files", [])
        for note in f.get("notes", [])
    ]
    if notes:
        st.markdown("\n".join(f"- {note}" for note in notes))
    area = inputs.report.get("study_area")
    st.caption(tr("data.area", name=area) if area else tr("data.no_area"))
    boundaries = inputs.report.get("boundaries")
    if boundaries:
        st.caption(tr("data.boundaries", name=boundaries))
    _team(sources)
    online.render(inputs.area)


render()
