"""Online importers on the Data page: police.uk crimes and OpenStreetMap places."""

from __future__ import annotations

import logging
from datetime import date

import geopandas as gpd
import streamlit as st

from geodata import online
from geodata.errors import InputDataError
from outreach.exports import geojson_bytes
from ui import state
from ui.lang import show_error, tr

log = logging.getLogger(__name__)


def as_upload(kind: str, frame: gpd.GeoDataFrame) -> bytes:
    """Return fetched records as GeoJSON bytes the readers take like an upload.

    police.uk gives only a month, so incident dates are written as YYYY-MM and
    stay month-only; the flags the readers compute are dropped.
    """
    table = frame.drop(columns=["has_day", "has_time"], errors="ignore")
    if kind == "incidents" and "when" in table:
        table = table.assign(date=table["when"].dt.strftime("%Y-%m")).drop(
            columns="when"
        )
    return geojson_bytes(table)


def _add(kind: str, name: str, data: bytes) -> None:
    uploads = dict(st.session_state.get(state.UPLOADS, {}))
    uploads[kind] = (*uploads.get(kind, ()), (name, data))
    st.session_state[state.UPLOADS] = uploads


def render(area: gpd.GeoDataFrame | None) -> None:
    """Draw the import buttons; fetched files join the uploads in use."""
    st.subheader(tr("online.title"), anchor=False)
    if area is None:
        st.caption(tr("online.need_area"))
        return
    default = date.today().replace(day=1)
    month = st.text_input(
        tr("online.month"), value=f"{default.year}-{default.month:02d}",
        help=tr("online.month_help"),
    )  # fmt: skip
    police, services, spaces = st.columns(3)
    try:
        if police.button(tr("online.police"), key="online_police"):
            with st.spinner(tr("online.fetching")):
                frame, _ = online.fetch_police_crimes(area, month.strip())
            _add("incidents", f"police-uk-{month.strip()}.geojson",
                 as_upload("incidents", frame))  # fmt: skip
            st.success(tr("online.added", name=f"police.uk {month.strip()}"))
        for column, kind in ((services, "services"), (spaces, "spaces")):
            if column.button(tr(f"online.osm_{kind}"), key=f"online_{kind}"):
                with st.spinner(tr("online.fetching")):
                    frame, _ = online.fetch_osm_places(area, kind)
                _add(kind, f"openstreetmap-{kind}.geojson", as_upload(kind, frame))
                st.success(tr("online.added", name=f"OpenStreetMap {kind}"))
    except InputDataError as exc:
        show_error(exc)
