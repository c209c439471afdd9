"""The one pipeline both front doors call: files in, hotspots, plan and outputs out."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geodata.layers import join_wimd, read_boundaries, read_wimd
from geodata.memory import release_free_memory
from geodata.places import load_places
from geodata.read import (
    FileReport,
    Source,
    read_area,
    read_contacts,
    read_incidents,
    read_places,
)
from hotspots import HotspotParams, HotspotResult, analyse
from outreach.exports import csv_bytes, geojson_bytes

if TYPE_CHECKING:
    from outreach.params import RotaParams
    from outreach.rota import RotaResult
    from outreach.routes import RoutePlan

# The planning modules (OR-Tools, osmnx, the database) are imported inside the
# functions that plan, so `cli.py hotspots` starts about 1.5 s sooner without them.

log = logging.getLogger(__name__)

HOTSPOT_OUTPUTS = (
    "hotspots.geojson",
    "hotspots.csv",
    "cells.geojson",
    "contexts.geojson",
    "report.json",
)
GAP_OUTPUTS = (
    "gaps.csv",
    "area_gaps.csv",
    "area_gaps.geojson",
    "coverage.csv",
    "whatif.csv",
)
PLAN_OUTPUTS = (
    *HOTSPOT_OUTPUTS,
    *GAP_OUTPUTS,
    "rota.csv",
    "rota.ics",
    "routes.geojson",
    "session_sheets.html",
    "panel_pack.html",
)
# Debriefs from this many weeks before the rota starts count towards priorities.
DOSAGE_WEEKS = 8
# The what-if asks where one new evening youth provision would help most.
WHATIF_CATEGORY = "youth and diversionary"
WHATIF_BAND = "evening"


@dataclass(frozen=True)
class Inputs:
    """Canonical inputs (EPSG:27700) and the validation report of every file.

    ``boundaries`` are optional LSOA or ward polygons (``code``, ``name``, WIMD
    columns when a WIMD file was given) used for area gaps.
    """

    incidents: pd.DataFrame  # x/y columns, not points (geodata.read_incidents)
    contacts: gpd.GeoDataFrame
    services: gpd.GeoDataFrame
    spaces: gpd.GeoDataFrame
    area: gpd.GeoDataFrame | None
    report: dict
    boundaries: gpd.GeoDataFrame | None = None


@dataclass(frozen=True)
class Gaps:
    """Where need meets no provision, all disclosure-safe."""

    hotspots: pd.DataFrame
    areas: gpd.GeoDataFrame
    coverage: pd.DataFrame
    whatif: gpd.GeoDataFrame
    lang: str = "en"

    @cached_property
    def sentences(self) -> tuple[str, ...]:
        """The gaps in plain words, in ``lang``; worded when first read.

        The app words them in the page's language itself (``ui.data.gap_lines``),
        so a new view does not word them twice.
        """
        from outreach.wording import gap_sentences

        return tuple(
            gap_sentences(
                self.lang, self.hotspots, self.areas, self.coverage, self.whatif
            )
        )


@dataclass(frozen=True)
class Plan:
    """Everything one planning run produces, all disclosure-safe."""

    hotspots: HotspotResult
    gaps: Gaps
    sessions: pd.DataFrame
    rota: RotaResult
    routes: gpd.GeoDataFrame
    rota_params: RotaParams
    route_plan: RoutePlan | None = None
    dosage: pd.DataFrame | None = None
    lang: str = "en"


def load_inputs(
    *,
    incidents: Sequence[Source],
    contacts: Sequence[Source] = (),
    services: Sequence[Source] = (),
    spaces: Sequence[Source] = (),
    area: Source | None = None,
    postcodes: Source | None = None,
    boundaries: Source | None = None,
    wimd: Source | None = None,
) -> Inputs:
    """Read and validate every file; incidents and contacts are kept to ``area``."""
    area_frame = read_area(area) if area is not None else None
    incident_frame, reports = read_incidents(
        incidents, area=area_frame, postcodes=postcodes
    )
    contact_frame, contact_reports = read_contacts(
        contacts, area=area_frame, postcodes=postcodes
    )
    service_frame, service_reports = read_places(
        services, "services", postcodes=postcodes
    )
    space_frame, space_reports = read_places(spaces, "spaces", postcodes=postcodes)
    boundary_frame = read_boundaries(boundaries) if boundaries is not None else None
    if boundary_frame is not None and wimd is not None:
        boundary_frame = join_wimd(boundary_frame, read_wimd(wimd))
    all_reports: list[FileReport] = [
        *reports,
        *contact_reports,
        *service_reports,
        *space_reports,
    ]
    report = {
        "files": [r.as_dict() for r in all_reports],
        "study_area": area[0] if area is not None else None,
        "boundaries": boundaries[0] if boundaries is not None else None,
    }
    release_free_memory()  # the readers' working memory (~190 MB at a million rows)
    return Inputs(
        incidents=incident_frame,
        contacts=contact_frame,
        services=service_frame,
        spaces=space_frame,
        area=area_frame,
        report=report,
        boundaries=boundary_frame,
    )


def named_places(inputs: Inputs) -> gpd.GeoDataFrame:
    """Return the gazetteer used for labels: built-in places plus community spaces."""
    builtin = load_places()
    spaces = inputs.spaces[["name", "geometry"]]
    return gpd.GeoDataFrame(
        pd.concat([builtin[["name", "geometry"]], spaces], ignore_index=True),
        geometry="geometry",
        crs=builtin.crs,
    )


def detect(
    inputs: Inputs, params: HotspotParams, *, panel_date: date | None = None
) -> HotspotResult:
    """Find hotspots up to the panel date and what changed since the last panel."""
    return analyse(
        inputs.incidents,
        params,
        area=inputs.area,
        places=named_places(inputs),
        contacts=inputs.contacts,
        panel_date=panel_date,
    )


@dataclass(frozen=True)
class AreaNeeds:
    """Need against provision across the whole area: independent of the hotspots."""

    areas: gpd.GeoDataFrame
    coverage: pd.DataFrame
    whatif: gpd.GeoDataFrame


def area_needs(
    inputs: Inputs,
    *,
    threshold: int,
    speed_m_per_min: float = 80.0,
    circuity: float = 1.3,
) -> AreaNeeds:
    """Area gaps, coverage and the best new site for these incidents and services.

    They depend on the incidents, services and disclosure threshold only, not on
    the hotspot settings, so a new false discovery rate, period or cell size
    need not work them out again.
    """
    from outreach.access import area_gaps
    from outreach.coverage import coverage_table
    from outreach.whatif import best_new_site

    walk = {"speed_m_per_min": speed_m_per_min, "circuity": circuity}
    boundaries = inputs.boundaries
    wimd_column = None
    if boundaries is not None and "wimd_rank" in boundaries.columns:
        wimd_column = "wimd_rank"
    areas = area_gaps(
        boundaries,
        inputs.incidents,
        inputs.services,
        threshold=threshold,
        wimd_column=wimd_column,
        id_column="code" if boundaries is not None else None,
        name_column="name" if boundaries is not None else None,
        places=named_places(inputs),
        **walk,
    )
    coverage = coverage_table(
        inputs.incidents, inputs.services, threshold=threshold, **walk
    )
    candidates = inputs.spaces if len(inputs.spaces) else load_places()
    whatif = best_new_site(
        inputs.incidents,
        inputs.services,
        candidates,
        WHATIF_CATEGORY,
        band=WHATIF_BAND,
        threshold=threshold,
        **walk,
    )
    return AreaNeeds(areas=areas, coverage=coverage, whatif=whatif)


def find_service_gaps(
    inputs: Inputs,
    result: HotspotResult,
    *,
    speed_m_per_min: float = 80.0,
    circuity: float = 1.3,
    lang: str = "en",
    needs: AreaNeeds | None = None,
) -> Gaps:
    """Nearest services per hotspot, area gaps, coverage and the best new site.

    ``needs`` are ``area_needs`` already worked out for these inputs, walking
    speed and the result's disclosure threshold; without them they are worked
    out here.
    """
    from outreach.gaps import find_gaps

    threshold = int(result.choices["disclosure_threshold"])
    walk = {"speed_m_per_min": speed_m_per_min, "circuity": circuity}
    hotspot_gaps = find_gaps(result.hotspots, inputs.services, **walk)
    if needs is None:
        needs = area_needs(inputs, threshold=threshold, **walk)
    return Gaps(
        hotspots=hotspot_gaps,
        areas=needs.areas,
        coverage=needs.coverage,
        whatif=needs.whatif,
        lang=lang,
    )


def make_plan(
    inputs: Inputs,
    result: HotspotResult,
    workers: Source,
    rota_params: RotaParams,
    *,
    network: Source | None = None,
    debriefs: Source | None = None,
    lang: str = "en",
) -> Plan:
    """Plan outreach from hotspots: gaps, sessions, a rota and walking routes.

    ``network`` is an OpenStreetMap extract or GraphML for walking times along
    streets; ``debriefs`` feed the last eight weeks' visits into priorities.
    """
    from geodata.workers import read_workers
    from outreach.dosage import dosage_table
    from outreach.network import read_walk_network
    from outreach.rota import plan_rota
    from outreach.routes import plan_routes
    from outreach.sessions import make_sessions
    from store.debriefs import read_debriefs

    team = read_workers(*workers)
    gaps = find_service_gaps(
        inputs,
        result,
        speed_m_per_min=rota_params.walk_speed_m_per_min,
        circuity=rota_params.circuity,
        lang=lang,
    )
    dosage = None
    if debriefs is not None:
        dosage = dosage_table(
            read_debriefs(*debriefs),
            result.hotspots,
            threshold=int(result.choices["disclosure_threshold"]),
            start=rota_params.start - timedelta(weeks=DOSAGE_WEEKS),
            end=rota_params.start - timedelta(days=1),
        )
    sessions = make_sessions(
        result.hotspots, rota_params, gaps=gaps.hotspots, dosage=dosage
    )
    rota = plan_rota(sessions, team, rota_params, lang=lang)
    stops = pd.concat(
        [named_places(inputs), inputs.services[["name", "geometry"]]],
        ignore_index=True,
    )
    routes = plan_routes(
        rota.rota,
        result.hotspots,
        gpd.GeoDataFrame(stops, geometry="geometry", crs=inputs.services.crs),
        network=read_walk_network(*network) if network is not None else None,
        dwell_minutes=rota_params.dwell_minutes,
        circuity=rota_params.circuity,
        speed_m_per_min=rota_params.walk_speed_m_per_min,
    )
    return Plan(
        hotspots=result,
        gaps=gaps,
        sessions=sessions,
        rota=rota,
        routes=routes.routes,
        rota_params=rota_params,
        route_plan=routes,
        dosage=dosage,
        lang=lang,
    )


def _report(inputs: Inputs, result: HotspotResult, extra: dict | None) -> bytes:
    body = {
        "status": result.status,
        "message": result.message,
        "hotspots": len(result.hotspots),
        "since_last_panel": list(result.changes),
        "parameters": result.choices,
        "periods": (
            []
            if result.periods is None
            else result.periods.assign(
                start=result.periods["start"].astype(str),
                end=result.periods["end"].astype(str),
            ).to_dict("records")
        ),
        **inputs.report,
        **(extra or {}),
    }
    return json.dumps(body, indent=2, sort_keys=True, default=str).encode()


def _table(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame.drop(columns="geometry"))


def hotspot_outputs(
    inputs: Inputs, result: HotspotResult, extra: dict | None = None
) -> dict[str, bytes]:
    """Return the hotspot files: name -> bytes (already disclosure-safe)."""
    contexts = result.contexts
    if contexts is None:
        contexts = gpd.GeoDataFrame(geometry=[], crs=result.cells.crs)
    return {
        "hotspots.geojson": geojson_bytes(result.hotspots),
        "hotspots.csv": csv_bytes(_table(result.hotspots)),
        "cells.geojson": geojson_bytes(result.cells),
        "contexts.geojson": geojson_bytes(contexts),
        "report.json": _report(inputs, result, extra),
    }


def gap_outputs(gaps: Gaps) -> dict[str, bytes]:
    """Return the service-gap files: name -> bytes (already disclosure-safe)."""
    return {
        "gaps.csv": csv_bytes(gaps.hotspots),
        "area_gaps.csv": csv_bytes(_table(gaps.areas)),
        "area_gaps.geojson": geojson_bytes(gaps.areas),
        "coverage.csv": csv_bytes(gaps.coverage),
        "whatif.csv": csv_bytes(_table(gaps.whatif)),
    }


def plan_outputs(inputs: Inputs, plan: Plan, *, meeting_date: date) -> dict[str, bytes]:
    """Return every plan output file: name -> bytes (already disclosure-safe)."""
    from outreach.ics import rota_to_ics
    from outreach.pack import render_pack
    from outreach.sheets import session_sheets_html

    rota = plan.rota
    params_used = {
        "rota_parameters": rota_params_dict(plan.rota_params),
        "rota_status": rota.status,
        "rota_objective": rota.objective,
        "rota_bound": rota.bound,
        "rota_gap": rota.gap,
        "rota_seconds": round(rota.wall_time_s, 2),
        "uncovered": list(rota.explanations),
        "service_gaps": list(plan.gaps.sentences),
        "rota_summary": rota.summary,
        "broken_preferences": list(rota.broken),
    }
    files = hotspot_outputs(inputs, plan.hotspots, {"rota": params_used})
    files.update(gap_outputs(plan.gaps))
    rota_id = f"cmet-{meeting_date.isoformat()}"
    stamp = datetime.combine(meeting_date, time(9, 0))
    files.update(
        {
            "rota.csv": csv_bytes(rota.rota),
            "rota.ics": rota_to_ics(
                rota.rota,
                rota_id=rota_id,
                stamp=stamp,
                routes=plan.routes,
                lang=plan.lang,
            ),
            "routes.geojson": geojson_bytes(plan.routes),
            "session_sheets.html": session_sheets_html(
                rota.rota,
                plan.route_plan,
                plan.hotspots.hotspots,
                services=inputs.services,
                cells=plan.hotspots.cells,
                lang=plan.lang,
            ).encode(),
            "panel_pack.html": render_pack(
                title="CMET panel pack",
                meeting_date=meeting_date,
                hotspots=plan.hotspots.hotspots,
                cells=plan.hotspots.cells,
                gaps=plan.gaps.hotspots,
                rota=rota.rota,
                explanations=rota.explanations,
                routes=plan.routes,
                services=inputs.services,
                spaces=inputs.spaces,
                area=inputs.area,
                choices=plan.hotspots.choices,
                report=inputs.report,
                threshold=plan.hotspots.choices["disclosure_threshold"],
                status_message=plan.hotspots.message,
                changes=plan.hotspots.changes,
                gap_lines=plan.gaps.sentences,
                area_gaps=plan.gaps.areas,
                coverage=plan.gaps.coverage,
                whatif=plan.gaps.whatif,
                lang=plan.lang,
            ).encode(),
        }
    )
    return files


def demo_sources(seed: int = 7) -> dict[str, list[Source]]:
    """Return the built-in synthetic demo files as sources, by kind."""
    from geodata.demo import demo_tables

    tables = demo_tables(seed)
    kinds = ("incidents", "contacts", "services", "spaces", "workers")
    sources = {k: [(f"{k}.csv", tables[f"{k}.csv"])] for k in kinds}
    sources["area"] = [("area.geojson", tables["area.geojson"])]
    return sources


def rota_params_dict(params: RotaParams) -> dict:
    """Return rota settings as JSON-friendly values for reports."""
    return {k: str(v) if isinstance(v, date) else v for k, v in asdict(params).items()}
