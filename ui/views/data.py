"""Data page: upload partners' files and see what was read, kept and dropped."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geodata.errors import InputDataError
from ui import data, state

# Label and plain-words help for each kind of file.
UPLOADERS: dict[str, tuple[str, str]] = {
    "incidents": (
        "Incidents",
        "police.uk CSV, Excel export or GeoJSON. Needs a date, a category (or "
        "'Crime type') and a location: latitude/longitude, easting/northing, or a "
        "postcode. Several files can be added at once.",
    ),
    "contacts": (
        "Outreach contacts",
        "Date, number of young people met, and a location.",
    ),
    "services": (
        "Services",
        "Name, category (mental health, substance misuse, homelessness, youth and "
        "diversionary, sexual health, education, health), opening hours and a "
        "location.",
    ),
    "spaces": ("Community spaces", "Name, category and a location."),
    "workers": (
        "Outreach team",
        "One CSV row per worker: worker, lead (yes/no), max_hours, available "
        "(e.g. 'Mon-Fri 16:00-22:00'), unavailable (dates). No contact details.",
    ),
    "area": (
        "Study area",
        "Boundary polygons as GeoJSON or GeoPackage, e.g. the council's LSOAs.",
    ),
}


def report_table(report: dict) -> pd.DataFrame:
    """Return one row per file: rows read, kept and dropped (total and by reason)."""
    rows = [
        {
            "File": f["file"],
            "Kind": f["kind"],
            "Rows read": int(f["rows_read"]),
            "Rows kept": int(f["rows_kept"]),
            "Rows dropped": int(sum(f["dropped"].values())),
            "Why dropped": "; ".join(f"{k}: {n}" for k, n in f["dropped"].items()),
        }
        for f in report.get("files", [])
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "File",
            "Kind",
            "Rows read",
            "Rows kept",
            "Rows dropped",
            "Why dropped",
        ],
    )


def _uploaders() -> None:
    left, right = st.columns(2)
    for i, (kind, (label, help_text)) in enumerate(UPLOADERS.items()):
        (left if i % 2 == 0 else right).file_uploader(
            label,
            accept_multiple_files=kind not in state.SINGLE_FILE_KINDS,
            key=state.uploader_key(kind),
            help=help_text,
            on_change=data.remember_upload,
            args=(kind,),
        )


def _in_use(sources: data.Sources) -> None:
    uploads: dict = st.session_state.get(state.UPLOADS, {})
    lines = [
        f"- {UPLOADERS[kind][0]}: {', '.join(name for name, _ in files)}"
        for kind, files in uploads.items()
        if files
    ]
    if sources.demo:
        st.markdown("Using the built-in synthetic demo files.")
        return
    st.markdown("**Files in use**\n" + "\n".join(lines))
    st.button(
        "Use the demo data",
        key=state.USE_DEMO,
        on_click=data.clear_uploads,
        help="Forget the uploaded files and go back to the synthetic demo set.",
    )


def render() -> None:
    """Draw the data page."""
    st.title("Data")
    st.markdown(
        "Add your files below. Rows that cannot be used are counted, never lost "
        "silently: the report says how many rows each file had and why any were "
        "left out. Files with personal details (names, addresses, dates of birth) "
        "are refused."
    )
    _uploaders()
    sources = data.current_sources()
    _in_use(sources)
    inputs = data.inputs_or_stop(sources)

    st.subheader("Validation report")
    st.dataframe(report_table(inputs.report), hide_index=True, width="stretch")
    notes = [
        f"{f['file']}: {note}"
        for f in inputs.report.get("files", [])
        for note in f.get("notes", [])
    ]
    if notes:
        st.markdown("\n".join(f"- {note}" for note in notes))
    area = inputs.report.get("study_area")
    st.caption(
        f"Study area: {area}."
        if area
        else "No study area file: the data's own extent is used."
    )
    _team(sources)


def _team(sources: data.Sources) -> None:
    if sources.workers is None:
        st.caption("No team file yet: the rota needs one.")
        return
    try:
        size = data.team_size(sources.workers)
    except InputDataError as exc:
        st.error(str(exc))
        return
    st.caption(f"Team file {sources.workers[0]}: {size} workers.")


render()
