"""The reader's language (English or Welsh) and the app's strings in it."""

from __future__ import annotations

import html

import streamlit as st

from geodata.errors import InputDataError
from i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from ui import state

NAMES = {"en": "English", "cy": "Cymraeg"}
QUERY = "lang"


def current() -> str:
    """Return the language chosen in this session ("en" or "cy").

    Before the switch is drawn, a ``?lang=cy`` link decides, so a shared link
    opens in the sender's language.
    """
    chosen = st.session_state.get(state.LANG)
    if chosen in LANGUAGES:
        return chosen
    asked = st.query_params.get(QUERY)
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, /, **values: object) -> str:
    """Return the catalogue string ``key`` in the session's language."""
    return t(key, current(), **values)


def switch() -> str:
    """Draw the language switch (labelled in both languages) and return the choice."""
    if st.session_state.get(state.LANG) not in LANGUAGES:
        st.session_state[state.LANG] = current()
    lang = st.segmented_control(
        "Iaith / Language",
        LANGUAGES,
        key=state.LANG,
        format_func=NAMES.__getitem__,
        required=True,
        help="Cymraeg neu Saesneg / Welsh or English",
    )
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    if st.query_params.get(QUERY) != lang:
        st.query_params[QUERY] = lang
    return lang


def mark_document() -> None:
    """Set the page's ``<html lang>`` to the chosen language (WCAG 3.1.1).

    Streamlit writes ``<html lang="en">`` and offers no setting for it, so a
    one-line script corrects it once the page has loaded (see the README's
    accessibility notes for what this does not cover).
    """
    lang = current()
    st.html(
        f"<script>document.documentElement.lang = {lang!r};</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def block(markdown: str) -> None:
    """Draw Markdown inside a ``<div lang>`` of the chosen language (WCAG 3.1.2)."""
    st.markdown(
        f'<div lang="{html.escape(current())}">\n\n{markdown}\n\n</div>',
        unsafe_allow_html=True,
    )


class WelshReadyError(InputDataError):
    """A user's error whose message is already in the session's language."""


def show_error(exc: Exception) -> None:
    """Show a user's error (rule, finding, fix); in Welsh, say it is in English.

    The readers and checks below the app word their messages in English only, so
    a Welsh reader gets a Welsh lead-in before them.
    """
    if current() == "en" or isinstance(exc, WelshReadyError):
        st.error(str(exc))
        return
    st.error(f"{tr('error.in_english')}\n\n{exc}", icon=":material/error:")
