"""CMET hotspot and outreach planner: the Streamlit front door.

Run with ``streamlit run app.py``. Pages live in ``ui/views/``; the sidebar's
hotspot settings are shared by every page.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from ui import data
from ui.sidebar import render_sidebar

VIEWS = Path(__file__).with_name("ui") / "views"

DEMO_BANNER = (
    "**Synthetic demo data.** Every incident, contact, service and worker here is "
    "made up, to show how the planner works. Upload your own files on the Data page."
)


def _configure_logging() -> None:
    # basicConfig does nothing once the root logger has a handler, so reruns are safe.
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def main() -> None:
    """Configure the page, draw the shared sidebar and run the chosen page."""
    _configure_logging()
    st.set_page_config(
        page_title="CMET hotspot and outreach planner",
        page_icon=":material/map:",
        layout="wide",
    )
    page = st.navigation(
        [
            st.Page(
                VIEWS / "panel_map.py",
                title="Panel map",
                icon=":material/map:",
                default=True,
            ),
            st.Page(
                VIEWS / "gaps.py",
                title="Services and gaps",
                icon=":material/directions_walk:",
            ),
            st.Page(
                VIEWS / "rota.py",
                title="Outreach rota",
                icon=":material/calendar_month:",
            ),
            st.Page(VIEWS / "data.py", title="Data", icon=":material/upload_file:"),
        ]
    )
    sources = data.current_sources()
    render_sidebar(sources)
    if sources.demo:
        st.info(DEMO_BANNER, icon=":material/science:")
    page.run()


main()
