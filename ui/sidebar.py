"""The shared sidebar: language, which incidents, the panel date and the settings
every page uses, kept as frozen objects in session state.
"""

from __future__ import annotations

import logging
from datetime import date

import streamlit as st

from geodata.disclosure import DEFAULT_THRESHOLD, PUBLISHABLE_THRESHOLD
from geodata.errors import InputDataError
from hotspots.params import PERIOD_LENGTHS, HotspotParams
from i18n import t
from i18n.terms import term
from ui import data, lang, state
from ui.filters import BANDS, IncidentFilter
from ui.lang import show_error, tr

log = logging.getLogger(__name__)

AUTO, MANUAL = "auto", "manual"
ALPHAS = (0.01, 0.05, 0.1)
MIN_THRESHOLD = 2
MAX_THRESHOLD = 50


def _options(sources: data.Sources) -> tuple[list[str], list[str], date, date]:
    try:
        return data.options(sources)
    except InputDataError:
        today = date.today()
        return [], [], today, today  # the page shows the error


def _keep_known(key: str, options: list[str]) -> None:
    """Drop choices an earlier file offered, which would make the widget fail."""
    chosen = st.session_state.get(key, [])
    st.session_state[key] = [c for c in chosen if c in options]


def _keep_dates(first: date, last: date) -> None:
    """Keep the chosen dates inside the files' range; new files start on all of it."""
    if st.session_state.get(state.SB_DATES_RANGE) != (first, last):
        # Other files (or none readable before): an old span would filter these.
        st.session_state[state.SB_DATES_RANGE] = (first, last)
        st.session_state[state.SB_DATES] = (first, last)
        st.session_state[state.SB_PANEL_DATE] = last
        return
    span = st.session_state.get(state.SB_DATES)
    if not span or any(not first <= d <= last for d in span):
        st.session_state[state.SB_DATES] = (first, last)
    day = st.session_state.get(state.SB_PANEL_DATE)
    if day is None or not first <= day <= last:
        st.session_state[state.SB_PANEL_DATE] = last


def _filters(sources: data.Sources) -> tuple[IncidentFilter, date | None]:
    lg = lang.current()
    categories, partners, first, last = _options(sources)
    _keep_known(state.SB_CATEGORIES, categories)
    _keep_known(state.SB_SOURCES, partners)
    _keep_dates(first, last)
    st.header(tr("sb.which"), anchor=False)
    span = st.date_input(
        tr("sb.dates"),
        min_value=first,
        max_value=last,
        key=state.SB_DATES,
        format="DD/MM/YYYY",
        help=tr("sb.dates_help"),
    )
    chosen = st.multiselect(
        tr("sb.themes"),
        categories,
        key=state.SB_CATEGORIES,
        format_func=lambda c: term("category", c, lg),
        placeholder=tr("sb.all_themes"),
        help=tr("sb.themes_help"),
    )
    from_partners = st.multiselect(
        tr("sb.sources"),
        partners,
        key=state.SB_SOURCES,
        format_func=lambda s: term("source", s, lg),
        placeholder=tr("sb.all_sources"),
        help=tr("sb.sources_help"),
    )
    bands = st.multiselect(
        tr("sb.bands"),
        BANDS,
        key=state.SB_BANDS,
        format_func=lambda b: term("band", b, lg),
        placeholder=tr("sb.all_bands"),
        help=tr("sb.bands_help"),
    )
    start, end = (*tuple(span or ()), None, None)[:2]
    choice = IncidentFilter(
        start=start if start and start > first else None,
        end=end if end and end < last else None,
        categories=tuple(chosen),
        sources=tuple(from_partners),
        bands=tuple(bands),
    )
    st.header(tr("sb.panel"), anchor=False)
    panel_day = st.date_input(
        tr("sb.panel_date"),
        min_value=first,
        max_value=last,
        key=state.SB_PANEL_DATE,
        format="DD/MM/YYYY",
        help=tr("sb.panel_date_help"),
    )
    return choice, (None if panel_day in (None, last) else panel_day)


def publishable_threshold(threshold: int, publishable: bool) -> int:
    """Return the threshold once the publishable mode is turned on or off.

    On, it is raised to the publishable one. Off, the default comes back only if
    the threshold is still the one the mode set; one raised further by hand is
    kept.
    """
    if publishable:
        return max(threshold, PUBLISHABLE_THRESHOLD)
    return DEFAULT_THRESHOLD if threshold == PUBLISHABLE_THRESHOLD else threshold


def _publishable_changed() -> None:
    """Set the threshold for the publishable mode just turned on or off."""
    threshold = int(st.session_state.get(state.SB_THRESHOLD, DEFAULT_THRESHOLD))
    publishable = bool(st.session_state.get(state.SB_PUBLISHABLE))
    st.session_state[state.SB_THRESHOLD] = publishable_threshold(threshold, publishable)


def threshold_choices(threshold: int) -> tuple[tuple[int, int], int]:
    """Return the thresholds allowed now, and the one the publishable switch gives.

    The first is the lowest and highest the threshold box accepts; the second is
    the threshold after the publishable mode is switched the other way.
    """
    publishable = bool(st.session_state.get(state.SB_PUBLISHABLE, False))
    bounds = threshold_bounds()
    return bounds, publishable_threshold(threshold, not publishable)


def unit_choices(sources: data.Sources) -> tuple[str, ...]:
    """Return the kinds of unit offered: the user's own areas only when given."""
    return ("square", "hex", "areas") if sources.area else ("square", "hex")


def threshold_bounds() -> tuple[int, int]:
    """Return the lowest and highest disclosure threshold the sidebar allows now."""
    publishable = st.session_state.get(state.SB_PUBLISHABLE, False)
    return (PUBLISHABLE_THRESHOLD if publishable else MIN_THRESHOLD, MAX_THRESHOLD)


def _settings(sources: data.Sources, categories: tuple[str, ...]) -> HotspotParams:
    lg = lang.current()
    period = st.radio(
        tr("sb.period"),
        PERIOD_LENGTHS,
        key=state.SB_PERIOD,
        format_func=lambda p: term("period_length", p, lg),
        help=tr("sb.period_help"),
    )
    st.toggle(
        tr("sb.publishable", k=PUBLISHABLE_THRESHOLD),
        key=state.SB_PUBLISHABLE,
        on_change=_publishable_changed,
        help=tr(
            "sb.publishable_help",
            k=PUBLISHABLE_THRESHOLD,
            below=PUBLISHABLE_THRESHOLD - 1,
            default=DEFAULT_THRESHOLD,
        ),
    )
    lowest = threshold_bounds()[0]
    with st.expander(tr("sb.settings")):
        units = unit_choices(sources)
        if st.session_state.get(state.SB_UNITS) not in (None, *units):
            st.session_state[state.SB_UNITS] = "square"
        unit = st.radio(
            tr("sb.units"),
            units,
            key=state.SB_UNITS,
            format_func=lambda u: term("units_choice", u, lg),
            help=tr("sb.units_help"),
        )
        mode = st.radio(
            tr("sb.cell_size"),
            (AUTO, MANUAL),
            key=state.SB_CELL_MODE,
            horizontal=True,
            format_func=lambda m: t(f"sb.cell_{m}", lg),
            help=tr("sb.cell_size_help"),
        )
        cell_size = None
        if mode == MANUAL:
            cell_size = st.number_input(
                tr("sb.cell_side"),
                min_value=25,
                max_value=5000,
                value=250,
                step=25,
                key=state.SB_CELL_SIZE,
            )
        alpha = st.select_slider(
            tr("sb.alpha"),
            ALPHAS,
            value=0.05,
            key=state.SB_ALPHA,
            help=tr("sb.alpha_help"),
        )
        # Held in session state, not ``value=``: the publishable toggle sets it too.
        held = st.session_state.get(state.SB_THRESHOLD)
        if held is None or held < lowest:
            st.session_state[state.SB_THRESHOLD] = max(DEFAULT_THRESHOLD, lowest)
        threshold = st.number_input(
            tr("sb.threshold"),
            min_value=lowest,
            max_value=MAX_THRESHOLD,
            key=state.SB_THRESHOLD,
            help=tr(
                "sb.threshold_help",
                k=DEFAULT_THRESHOLD,
                publishable=PUBLISHABLE_THRESHOLD,
            ),
        )
    st.checkbox(
        tr("sb.offline"),
        value=False,
        key=state.SB_OFFLINE,
        help=tr("sb.offline_help"),
    )
    try:
        return HotspotParams(
            cell_size=None if cell_size is None else float(cell_size),
            alpha=float(alpha),
            threshold=int(threshold),
            categories=categories,
            units=str(unit),
            period=str(period),
        )
    except InputDataError as exc:
        show_error(exc)
        return HotspotParams()


def render_sidebar(sources: data.Sources) -> HotspotParams:
    """Draw the language switch, filters and settings; store them for every page.

    Parameters
    ----------
    sources
        Files in use; their categories, partners and dates fill the filters.

    Returns
    -------
    HotspotParams
        The settings, also kept in ``st.session_state`` with the incident filter
        and the panel date. Invalid settings show an error and fall back to the
        defaults.
    """
    with st.sidebar:
        lang.switch()
        try:
            choice, panel_date = _filters(sources)
        except InputDataError as exc:
            show_error(exc)
            choice, panel_date = IncidentFilter(), None
        params = _settings(sources, choice.categories)
    st.session_state[state.FILTER] = choice
    st.session_state[state.PANEL_DATE] = panel_date
    st.session_state[state.HOTSPOT_PARAMS] = params
    return params
