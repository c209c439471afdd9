"""The one pipeline both front doors call: files in, hotspots, plan and outputs out."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time

import geopandas as gpd
import pandas as pd

from geodata.demo import demo_tables
from geodata.places import load_places
from geodata.read import (
    FileReport,
    Source,
    read_area,
    read_contacts,
    read_incidents,
    read_places,
)
from geodata.workers import read_workers
from hotspots import HotspotParams, HotspotResult, detect_hotspots
from outreach.exports import csv_bytes, geojson_bytes
from outreach.gaps import find_gaps
from outreach.ics import rota_to_ics
from outreach.pack import render_pack
from outreach.params import RotaParams
from outreach.rota import RotaResult, plan_rota
from outreach.routes import build_routes
from outreach.sessions import make_sessions

log = logging.getLogger(__name__)

HOTSPOT_OUTPUTS = ("hotspots.geojson", "hotspots.csv", "cells.geojson", "report.json")
PLAN_OUTPUTS = (
    *HOTSPOT_OUTPUTS,
    "gaps.csv",
    "rota.csv",
    "rota.ics",
    "routes.geojson",
    "panel_pack.html",
)


@dataclass(frozen=True)
class Inputs:
    """Canonical inputs (EPSG:27700) and the validation report of every file."""

    incidents: gpd.GeoDataFrame
    contacts: gpd.GeoDataFrame
    services: gpd.GeoDataFrame
    spaces: gpd.GeoDataFrame
    area: gpd.GeoDataFrame | None
    report: dict


@dataclass(frozen=True)
class Plan:
    """Everything one planning run produces, all disclosure-safe."""

    hotspots: HotspotResult
    gaps: pd.DataFrame
    sessions: pd.DataFrame
    rota: RotaResult
    routes: gpd.GeoDataFrame
    rota_params: RotaParams


def load_inputs(
    *,
    incidents: Sequence[Source],
    contacts: Sequence[Source] = (),
    services: Sequence[Source] = (),
    spaces: Sequence[Source] = (),
    area: Source | None = None,
) -> Inputs:
    """Read and validate every file; incidents and contacts are kept to ``area``."""
    area_frame = read_area(area) if area is not None else None
    incident_frame, reports = read_incidents(incidents, area=area_frame)
    contact_frame, contact_reports = read_contacts(contacts, area=area_frame)
    service_frame, service_reports = read_places(services, "services")
    space_frame, space_reports = read_places(spaces, "spaces")
    all_reports: list[FileReport] = [
        *reports,
        *contact_reports,
        *service_reports,
        *space_reports,
    ]
    report = {
        "files": [r.as_dict() for r in all_reports],
        "study_area": area[0] if area is not None else None,
    }
    return Inputs(
        incidents=incident_frame,
        contacts=contact_frame,
        services=service_frame,
        spaces=space_frame,
        area=area_frame,
        report=report,
    )


def named_places(inputs: Inputs) -> gpd.GeoDataFrame:
    """Return the gazetteer used for labels: built-in places plus community spaces."""
    spaces = inputs.spaces[["name", "geometry"]]
    return gpd.GeoDataFrame(
        pd.concat([load_places()[["name", "geometry"]], spaces], ignore_index=True),
        geometry="geometry",
        crs=load_places().crs,
    )


def detect(inputs: Inputs, params: HotspotParams) -> HotspotResult:
    """Find hotspots in the inputs' incidents."""
    return detect_hotspots(
        inputs.incidents,
        params,
        area=inputs.area,
        places=named_places(inputs),
        contacts=inputs.contacts,
    )


def make_plan(
    inputs: Inputs,
    result: HotspotResult,
    workers: Source,
    rota_params: RotaParams,
) -> Plan:
    """Plan outreach from hotspots: gaps, sessions, a rota and walking routes."""
    team = read_workers(*workers)
    sessions = make_sessions(result.hotspots, rota_params)
    rota = plan_rota(sessions, team, rota_params)
    gaps = find_gaps(
        result.hotspots,
        inputs.services,
        speed_m_per_min=rota_params.walk_speed_m_per_min,
        circuity=rota_params.circuity,
    )
    stops = pd.concat(
        [named_places(inputs), inputs.services[["name", "geometry"]]],
        ignore_index=True,
    )
    routes = build_routes(
        rota.rota,
        result.hotspots,
        gpd.GeoDataFrame(stops, geometry="geometry", crs=inputs.services.crs),
        circuity=rota_params.circuity,
        speed_m_per_min=rota_params.walk_speed_m_per_min,
    )
    return Plan(
        hotspots=result,
        gaps=gaps,
        sessions=sessions,
        rota=rota,
        routes=routes,
        rota_params=rota_params,
    )


def _report(inputs: Inputs, result: HotspotResult, extra: dict | None) -> bytes:
    body = {
        "status": result.status,
        "message": result.message,
        "hotspots": len(result.hotspots),
        "parameters": result.choices,
        **inputs.report,
        **(extra or {}),
    }
    return json.dumps(body, indent=2, sort_keys=True, default=str).encode()


def hotspot_outputs(
    inputs: Inputs, result: HotspotResult, extra: dict | None = None
) -> dict[str, bytes]:
    """Return the hotspot files: name -> bytes (already disclosure-safe)."""
    table = pd.DataFrame(result.hotspots.drop(columns="geometry"))
    return {
        "hotspots.geojson": geojson_bytes(result.hotspots),
        "hotspots.csv": csv_bytes(table),
        "cells.geojson": geojson_bytes(result.cells),
        "report.json": _report(inputs, result, extra),
    }


def plan_outputs(inputs: Inputs, plan: Plan, *, meeting_date: date) -> dict[str, bytes]:
    """Return every plan output file: name -> bytes (already disclosure-safe)."""
    rota = plan.rota
    params_used = {
        "rota_parameters": rota_params_dict(plan.rota_params),
        "rota_status": rota.status,
        "rota_objective": rota.objective,
        "rota_bound": rota.bound,
        "rota_gap": rota.gap,
        "rota_seconds": round(rota.wall_time_s, 2),
        "uncovered": list(rota.explanations),
    }
    files = hotspot_outputs(inputs, plan.hotspots, {"rota": params_used})
    rota_id = f"cmet-{meeting_date.isoformat()}"
    stamp = datetime.combine(meeting_date, time(9, 0))
    files.update(
        {
            "gaps.csv": csv_bytes(plan.gaps),
            "rota.csv": csv_bytes(rota.rota),
            "rota.ics": rota_to_ics(
                rota.rota, rota_id=rota_id, stamp=stamp, routes=plan.routes
            ),
            "routes.geojson": geojson_bytes(plan.routes),
            "panel_pack.html": render_pack(
                title="CMET panel pack",
                meeting_date=meeting_date,
                hotspots=plan.hotspots.hotspots,
                cells=plan.hotspots.cells,
                gaps=plan.gaps,
                rota=rota.rota,
                explanations=rota.explanations,
                routes=plan.routes,
                services=inputs.services,
                spaces=inputs.spaces,
                area=inputs.area,
                choices=plan.hotspots.choices,
                report=inputs.report,
                threshold=plan.hotspots.choices.get("disclosure_threshold", 5),
                status_message=plan.hotspots.message,
            ).encode(),
        }
    )
    return files


def demo_sources(seed: int = 7) -> dict[str, list[Source]]:
    """Return the built-in synthetic demo files as sources, by kind."""
    tables = demo_tables(seed)
    kinds = ("incidents", "contacts", "services", "spaces", "workers")
    sources = {k: [(f"{k}.csv", tables[f"{k}.csv"])] for k in kinds}
    sources["area"] = [("area.geojson", tables["area.geojson"])]
    return sources


def rota_params_dict(params: RotaParams) -> dict:
    """Return rota settings as JSON-friendly values for reports."""
    return {k: str(v) if isinstance(v, date) else v for k, v in asdict(params).items()}
