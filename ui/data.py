"""Which files the app is using, and cached calls into the pipeline keyed on them.

GeoDataFrames cannot be hashed by ``st.cache_data``, so every cached function here
takes the uploaded bytes (a frozen :class:`Sources`) and frozen parameter objects,
never frames; each stage calls the cached stage before it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

import pipeline
from geodata.errors import InputDataError
from geodata.read import Source
from geodata.workers import read_workers
from hotspots.params import HotspotParams
from hotspots.result import HotspotResult
from outreach.gaps import find_gaps
from outreach.params import RotaParams
from ui import state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sources:
    """The files in use: the user's uploads or the synthetic demo set.

    Attributes
    ----------
    incidents, contacts, services, spaces
        ``(file name, bytes)`` pairs, several per kind allowed.
    workers, area
        One ``(file name, bytes)`` pair, or ``None``.
    demo
        ``True`` when these are the built-in synthetic demo files.
    """

    incidents: tuple[Source, ...] = ()
    contacts: tuple[Source, ...] = ()
    services: tuple[Source, ...] = ()
    spaces: tuple[Source, ...] = ()
    workers: Source | None = None
    area: Source | None = None
    demo: bool = False


@st.cache_data(show_spinner=False)
def demo_sources() -> Sources:
    """Return the embedded synthetic demo files."""
    files = pipeline.demo_sources()
    return Sources(
        incidents=tuple(files["incidents"]),
        contacts=tuple(files.get("contacts", ())),
        services=tuple(files.get("services", ())),
        spaces=tuple(files.get("spaces", ())),
        workers=next(iter(files.get("workers", ())), None),
        area=next(iter(files.get("area", ())), None),
        demo=True,
    )


def current_sources() -> Sources:
    """Return the uploaded files, or the demo set when nothing is uploaded."""
    uploads: dict[str, tuple[Source, ...]] = st.session_state.get(state.UPLOADS, {})
    if not any(uploads.values()):
        return demo_sources()
    single = {k: next(iter(uploads.get(k, ())), None) for k in state.SINGLE_FILE_KINDS}
    return Sources(
        incidents=uploads.get("incidents", ()),
        contacts=uploads.get("contacts", ()),
        services=uploads.get("services", ()),
        spaces=uploads.get("spaces", ()),
        workers=single["workers"],
        area=single["area"],
    )


def remember_upload(kind: str) -> None:
    """Copy one uploader's files into session state so they outlive the page."""
    value = st.session_state.get(state.uploader_key(kind))
    files = value if isinstance(value, list) else [value] if value else []
    uploads = dict(st.session_state.get(state.UPLOADS, {}))
    uploads[kind] = tuple((f.name, f.getvalue()) for f in files)
    log.info("%s uploads: %s", kind, [name for name, _ in uploads[kind]] or "none")
    st.session_state[state.UPLOADS] = uploads


def clear_uploads() -> None:
    """Forget every upload, so the demo data is used again."""
    st.session_state[state.UPLOADS] = {}


@st.cache_data(show_spinner="Reading and checking the files...", max_entries=8)
def load(sources: Sources) -> pipeline.Inputs:
    """Read and validate the files into canonical frames.

    Raises
    ------
    InputDataError
        When a file breaks a rule, or there is no incidents file.
    """
    if not sources.incidents:
        raise InputDataError(
            "No incidents file: the uploads so far are "
            f"{', '.join(_names(sources)) or 'none'}. Upload at least one incidents "
            "file, or press 'Use the demo data' to go back to the synthetic set."
        )
    return pipeline.load_inputs(
        incidents=sources.incidents,
        contacts=sources.contacts,
        services=sources.services,
        spaces=sources.spaces,
        area=sources.area,
    )


def _names(sources: Sources) -> list[str]:
    pairs = [
        *sources.incidents,
        *sources.contacts,
        *sources.services,
        *sources.spaces,
        sources.workers,
        sources.area,
    ]
    return [name for name, _ in filter(None, pairs)]


@st.cache_data(show_spinner=False, max_entries=8)
def team_size(workers: Source) -> int:
    """Return how many workers the team file lists (it is checked on the way).

    Raises
    ------
    InputDataError
        When the team file breaks a rule.
    """
    return len(read_workers(*workers))


@st.cache_data(show_spinner="Finding hotspots...", max_entries=16)
def detect(sources: Sources, params: HotspotParams) -> HotspotResult:
    """Return the hotspot result for these files and settings."""
    return pipeline.detect(load(sources), params)


@st.cache_data(show_spinner="Measuring walks to services...", max_entries=16)
def gaps(sources: Sources, params: HotspotParams) -> pd.DataFrame:
    """Return the service gaps for these files and hotspot settings."""
    # make_plan also returns gaps, but only after solving a rota; this page must
    # not wait for the solver. find_gaps' walking defaults are RotaParams' defaults.
    return find_gaps(detect(sources, params).hotspots, load(sources).services)


@st.cache_data(show_spinner=False, max_entries=8)
def plan(
    sources: Sources, params: HotspotParams, rota_params: RotaParams
) -> pipeline.Plan:
    """Return gaps, sessions, rota and routes for these files and settings.

    Raises
    ------
    InputDataError
        When there is no team file, or a file breaks a rule.
    """
    if sources.workers is None:
        raise InputDataError(
            "No team file: the rota needs a workers file (one row per outreach "
            "worker). Upload it on the Data page."
        )
    return pipeline.make_plan(
        load(sources), detect(sources, params), sources.workers, rota_params
    )


@st.cache_data(show_spinner="Preparing downloads...", max_entries=8)
def outputs(
    sources: Sources,
    params: HotspotParams,
    rota_params: RotaParams,
    meeting_date: date,
) -> dict[str, bytes]:
    """Return the export files (name to bytes) for a planned rota."""
    return pipeline.plan_outputs(
        load(sources), plan(sources, params, rota_params), meeting_date=meeting_date
    )


def inputs_or_stop(sources: Sources) -> pipeline.Inputs:
    """Return the loaded inputs, or show the user's error and stop the page."""
    try:
        return load(sources)
    except InputDataError as exc:
        st.error(str(exc))
        st.stop()


def hotspot_params() -> HotspotParams:
    """Return the sidebar's hotspot settings (defaults before the sidebar ran)."""
    return st.session_state.get(state.HOTSPOT_PARAMS) or HotspotParams()
