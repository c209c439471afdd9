"""Which files the app is using, and cached calls into the pipeline keyed on them.

GeoDataFrames cannot be hashed by Streamlit's caches, so every cached function here
takes the uploaded bytes (a frozen :class:`Sources`) and frozen settings (a
:class:`Request`), never frames; each stage calls the cached stage before it, so
changing one control recomputes only what depends on it.

The frames, results and plans are kept with ``st.cache_resource``: one shared
object, never copied. ``st.cache_data`` would unpickle every frame on every call,
which took three quarters of a rerun on 100,000 incidents. So nothing may modify
what these functions return (pandas copy-on-write makes derived frames safe);
``tests/ui/test_download_leaks.py`` walks every page and checks nothing changed.
The views prepared ahead (``ui/prepare.py``) read the same objects from a second
thread, one more reason they must stay as they were made.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import streamlit as st

import pipeline
from geodata.errors import InputDataError
from geodata.read import Source
from geodata.workers import read_workers
from hotspots.params import HotspotParams
from hotspots.result import HotspotResult
from outreach.params import RotaParams
from outreach.wording import gap_sentences
from store import load_snapshot
from ui import memory, state
from ui.background import PREPARER
from ui.changes import SinceLast, since_last
from ui.filters import IncidentFilter, filter_incidents
from ui.lang import WelshReadyError, show_error, tr

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sources:
    """The files in use: the user's uploads or the synthetic demo set.

    Attributes
    ----------
    incidents, contacts, services, spaces
        ``(file name, bytes)`` pairs, several per kind allowed.
    workers, area, postcodes, boundaries, wimd
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
    postcodes: Source | None = None
    boundaries: Source | None = None
    wimd: Source | None = None
    demo: bool = False

    @functools.cached_property
    def key(self) -> str:
        """Return a digest of every file's name and bytes, worked out once.

        Streamlit would otherwise hash the files' bytes again at every cached
        call of every rerun (a tenth of a rerun on a 6 MB upload).
        """
        digest = hashlib.sha256(repr(self.demo).encode())
        for field_ in dataclasses.fields(self):
            value = getattr(self, field_.name)
            if not value or isinstance(value, bool):
                continue
            pairs = (value,) if isinstance(value[0], str) else value
            digest.update(f"{field_.name}:{len(pairs)}".encode())
            for name, content in pairs:
                digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        return digest.hexdigest()


@dataclass(frozen=True)
class Request:
    """Everything a hotspot result depends on: files, filter, settings, panel date."""

    sources: Sources
    choice: IncidentFilter = field(default_factory=IncidentFilter)
    params: HotspotParams = field(default_factory=HotspotParams)
    panel_date: date | None = None


# How many results, maps and summaries the caches keep: the views the panel has
# seen plus those prepared one control away (``ui/prepare.py``, at most 24).
VIEWS_KEPT = 40

# Cached calls take Sources and Requests; hash them by the files' digest, never by
# their bytes again (Streamlit turns a dataclass into a dict before hashing it).
BY_DIGEST = {
    Sources: lambda sources: sources.key,
    Request: lambda r: (r.sources.key, r.choice, r.params, r.panel_date),
}


@st.cache_data(show_spinner=False, hash_funcs=BY_DIGEST)
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
    """Return the uploaded files, or the demo set when nothing is uploaded.

    The same uploads give the same ``Sources`` object on every rerun, so their
    digest is worked out once per upload rather than once per rerun (about 10 ms
    on a 6 MB file).
    """
    uploads: dict[str, tuple[Source, ...]] = st.session_state.get(state.UPLOADS, {})
    if not any(uploads.values()):
        return demo_sources()
    held = st.session_state.get(state.SOURCES)
    if held is not None and held[0] is uploads:
        return held[1]
    single = {k: next(iter(uploads.get(k, ())), None) for k in state.SINGLE_FILE_KINDS}
    sources = Sources(
        incidents=uploads.get("incidents", ()),
        contacts=uploads.get("contacts", ()),
        services=uploads.get("services", ()),
        spaces=uploads.get("spaces", ()),
        **single,
    )
    st.session_state[state.SOURCES] = (uploads, sources)
    return sources


def remember_upload(kind: str) -> None:
    """Copy one uploader's files into session state so they outlive the page."""
    value = st.session_state.get(state.uploader_key(kind))
    files = value if isinstance(value, list) else [value] if value else []
    PREPARER.withdraw(current_sources().key)  # nothing more from the old files
    uploads = dict(st.session_state.get(state.UPLOADS, {}))
    uploads[kind] = tuple((f.name, f.getvalue()) for f in files)
    for _, content in uploads[kind]:
        memory.record_upload(content)
    log.info("%s uploads: %d file(s)", kind, len(uploads[kind]))
    st.session_state[state.UPLOADS] = uploads


def clear_uploads() -> None:
    """Forget every upload, so the demo data is used again."""
    PREPARER.withdraw(current_sources().key)
    st.session_state[state.UPLOADS] = {}


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=BY_DIGEST)
def load(sources: Sources) -> pipeline.Inputs:
    """Read and validate the files into canonical frames.

    Raises
    ------
    InputDataError
        When a file breaks a rule, or there is no incidents file.
    """
    if not sources.incidents:
        raise WelshReadyError(
            tr("data.no_incidents", files=", ".join(_names(sources)) or "-")
        )
    return pipeline.load_inputs(
        incidents=sources.incidents,
        contacts=sources.contacts,
        services=sources.services,
        spaces=sources.spaces,
        area=sources.area,
        postcodes=sources.postcodes,
        boundaries=sources.boundaries,
        wimd=sources.wimd,
    )


def _names(sources: Sources) -> list[str]:
    pairs = [
        *sources.incidents,
        *sources.contacts,
        *sources.services,
        *sources.spaces,
        sources.workers,
        sources.area,
        sources.postcodes,
        sources.boundaries,
        sources.wimd,
    ]
    return [name for name, _ in filter(None, pairs)]


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=BY_DIGEST)
def options(sources: Sources) -> tuple[list[str], list[str], date, date]:
    """Return the incident categories, partners and first and last day in the files."""
    incidents = load(sources).incidents
    when = incidents["when"]
    first = when.min().date() if len(when) else date.today()
    last = when.max().date() if len(when) else date.today()
    return (
        sorted(incidents["category"].astype(str).unique()),
        sorted(incidents["source"].astype(str).unique()),
        first,
        last,
    )


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=BY_DIGEST)
def inputs(sources: Sources, choice: IncidentFilter) -> pipeline.Inputs:
    """Return the loaded inputs with only the incidents the filter keeps."""
    loaded = load(sources)
    if not choice.active:
        return loaded
    return dataclasses.replace(
        loaded, incidents=filter_incidents(loaded.incidents, choice)
    )


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=BY_DIGEST)
def team_size(workers: Source) -> int:
    """Return how many workers the team file lists (it is checked on the way).

    Raises
    ------
    InputDataError
        When the team file breaks a rule.
    """
    return len(read_workers(*workers))


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT, hash_funcs=BY_DIGEST)
def detect(request: Request) -> HotspotResult:
    """Return the hotspot result for these files, filter, settings and panel date."""
    return pipeline.detect(
        inputs(request.sources, request.choice),
        request.params,
        panel_date=request.panel_date,
    )


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT, hash_funcs=BY_DIGEST)
def since(request: Request, snapshot_id: int | None) -> SinceLast:
    """Return what changed since the saved panel ``snapshot_id`` (or one period)."""
    snapshot = None
    if snapshot_id is not None:
        snapshot = load_snapshot(memory.engine(), snapshot_id)
    return since_last(detect(request), snapshot)


def since_previous(request: Request, panel_date: date) -> SinceLast:
    """Return what changed since the last panel saved before ``panel_date``."""
    previous = memory.previous_panel(panel_date)
    return since(request, None if previous is None else previous.snapshot_id)


def panel_day(result: HotspotResult) -> date:
    """Return the panel date a result was worked out for."""
    return pd.Timestamp(result.choices.get("panel_date")).date()


def since_for(request: Request, result: HotspotResult) -> SinceLast:
    """Return what changed between the last saved panel and ``result``."""
    return since_previous(request, panel_day(result))


def snapshot_of(changes: SinceLast) -> int | None:
    """Return the id of the saved panel ``changes`` compares with, if any."""
    return None if changes.snapshot is None else changes.snapshot.snapshot_id


def has_hotspots(result: HotspotResult) -> bool:
    """Return whether the analysis ran and found at least one hotspot."""
    return result.status == "ok" and not result.hotspots.empty


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT, hash_funcs=BY_DIGEST)
def gaps(request: Request) -> pipeline.Gaps:
    """Return the service gaps, area gaps, coverage and what-if for a result."""
    return pipeline.find_service_gaps(
        inputs(request.sources, request.choice),
        detect(request),
        needs=needs(request.sources, request.choice, request.params.threshold),
    )


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT, hash_funcs=BY_DIGEST)
def needs(
    sources: Sources, choice: IncidentFilter, threshold: int
) -> pipeline.AreaNeeds:
    """Return area gaps, coverage and the best new site (hotspot settings aside)."""
    return pipeline.area_needs(inputs(sources, choice), threshold=threshold)


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=BY_DIGEST)
def plan(request: Request, rota_params: RotaParams) -> pipeline.Plan:
    """Return gaps, sessions, rota and routes for these files and settings.

    Raises
    ------
    InputDataError
        When there is no team file, or a file breaks a rule.
    """
    if request.sources.workers is None:
        raise WelshReadyError(tr("data.no_team_file"))
    return pipeline.make_plan(
        inputs(request.sources, request.choice),
        detect(request),
        request.sources.workers,
        rota_params,
    )


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=BY_DIGEST)
def outputs(
    request: Request, rota_params: RotaParams, meeting_date: date
) -> dict[str, bytes]:
    """Return the export files (name to bytes) for a planned rota."""
    return pipeline.plan_outputs(
        inputs(request.sources, request.choice),
        plan(request, rota_params),
        meeting_date=meeting_date,
    )


@st.cache_resource(show_spinner=False, max_entries=VIEWS_KEPT, hash_funcs=BY_DIGEST)
def gap_lines(request: Request, lang: str) -> tuple[str, ...]:
    """Return the plain-words summary of the service gaps, in ``lang``."""
    found = gaps(request)
    return tuple(
        gap_sentences(lang, found.hotspots, found.areas, found.coverage, found.whatif)
    )


def current_request() -> Request:
    """Return this session's files, filter, settings and panel date."""
    return Request(
        sources=current_sources(),
        choice=st.session_state.get(state.FILTER) or IncidentFilter(),
        params=st.session_state.get(state.HOTSPOT_PARAMS) or HotspotParams(),
        panel_date=st.session_state.get(state.PANEL_DATE),
    )


def inputs_or_stop(sources: Sources) -> pipeline.Inputs:
    """Return the loaded inputs, or show the user's error and stop the page."""
    try:
        return load(sources)
    except InputDataError as exc:
        show_error(exc)
        st.stop()


def analyse_or_stop(request: Request) -> HotspotResult:
    """Return the hotspot result, with a spinner while it is worked out.

    ``st.spinner`` shows only once the work has taken half a second, so a kept
    result answers at once; ``st.status`` would sleep 0.05 s on every page run.
    """
    inputs_or_stop(request.sources)
    with st.spinner(tr("progress.working")):
        return detect(request)


def gaps_with_progress(request: Request) -> pipeline.Gaps:
    """Return the service gaps, with a spinner while they are measured."""
    with st.spinner(tr("progress.gaps")):
        return gaps(request)


def planned(request: Request) -> tuple[pipeline.Plan, RotaParams, date] | None:
    """Return the plan of the last "Plan rota" press when it used these settings.

    A rota planned with other files or settings is not solved again here (that
    takes seconds); the rota page offers to plan again.
    """
    asked = st.session_state.get(state.ROTA_REQUEST)
    if asked is None or asked[0] != request:
        return None
    _, rota_params, meeting = asked
    try:
        return plan(request, rota_params), rota_params, meeting
    except InputDataError:
        return None
