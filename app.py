"""CMET hotspot and outreach planner: the Streamlit front door.

Run with ``streamlit run app.py``. Pages live in ``ui/views/``; the sidebar's
language, filters and settings are shared by every page. The meeting page opens
first. Served beyond 127.0.0.1, nothing is shown until the user has signed in
(``ui/auth.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from ui import auth, data, lang
from ui.background import PREPARER
from ui.lang import tr
from ui.sidebar import render_sidebar

VIEWS = Path(__file__).with_name("ui") / "views"
# Page key, file, catalogue key of the title, icon and URL path.
PAGES = (
    ("meeting", "meeting.py", "nav.meeting", ":material/groups:", "meeting"),
    ("gaps", "gaps.py", "nav.gaps", ":material/directions_walk:", "gaps"),
    ("rota", "rota.py", "nav.rota", ":material/calendar_month:", "rota"),
    ("data", "data.py", "nav.data", ":material/upload_file:", "data"),
)


def _configure_logging() -> None:
    # basicConfig does nothing once the root logger has a handler, so reruns are safe.
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _pages(access: auth.Access) -> list[st.Page]:
    allowed = [p for p in PAGES if access.can(p[0])]
    return [
        st.Page(
            VIEWS / file,
            title=tr(title),
            icon=icon,
            url_path=url,
            default=i == 0,
        )
        for i, (_, file, title, icon, url) in enumerate(allowed)
    ]


def main() -> None:
    """Configure the page, check access, draw the shared sidebar and run the page."""
    with PREPARER.page_run():  # views are prepared ahead only between runs
        _page()


def _page() -> None:
    _configure_logging()
    st.set_page_config(
        page_title=tr("app.title"),
        page_icon=":material/map:",
        layout="wide",
    )
    lang.mark_document()
    access = auth.gate()
    page = st.navigation(_pages(access))
    sources = data.current_sources()
    render_sidebar(sources)
    with st.sidebar:
        auth.sign_out_button(access)
    if sources.demo:
        st.info(tr("app.demo_banner"), icon=":material/science:")
    page.run()


main()
