"""Our pipeline stage by stage in one process, printing stage times as JSON.

The same calls as ``cli.py hotspots`` (``pipeline.load_inputs``, ``pipeline.detect``,
``pipeline.hotspot_outputs``), with the functions behind each stage wrapped in
timers, then the later stages the CLI's ``hotspots`` command does not run: trend
classes, service gaps and the folium map the app would send to the browser.

Run from the repository root (``bench/run.py`` does this in a fresh process)::

    .venv/bin/python bench/ours.py --incidents A.csv [B.csv ...] --area AREA \
        --services S.csv --out DIR [--panel-date 2026-11-30]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import Future
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import StageClock, instrument, peak_rss_mb  # noqa: E402

# (module whose global is patched, function, stage). The innermost stage wins: a
# stage's figure excludes the stages called inside it.
TARGETS = (
    ("pipeline", "load_inputs", "validate"),
    ("geodata.read", "load_table", "read"),
    ("geodata.read", "_screen", "validate"),
    ("geodata.read", "parse_dates", "validate"),
    ("geodata.read", "apply_clock", "validate"),
    ("geodata.read", ("_locate_rows", "locate_rows"), "project"),
    ("geodata.read", ("_clip", "clip_to_area"), "clip to area"),
    ("geodata.read", ("_frame", "points_frame", "xy_frame"), "points"),
    ("pipeline", "detect", "changes since last panel"),
    ("hotspots.panel", "compare_hotspots", "changes since last panel"),
    ("hotspots.panel", "detect_hotspots", "hotspot areas"),
    ("hotspots.detect", "choose_cell_size", "grid"),
    ("hotspots.detect", "study_area_m2", "grid"),
    ("hotspots.detect", "_make_units", "grid"),
    ("hotspots.detect", "gi_star", "Gi*"),
    ("hotspots.gistar", "false_discovery_control", "FDR"),
    ("hotspots.detect", "label_components", "hotspot areas"),
    ("hotspots.detect", "build_hotspots", "hotspot areas"),
    ("hotspots.detect", "kernel_density", "density (KDE)"),
    ("hotspots.detect", "find_contexts", "contexts (HDBSCAN)"),
    ("hotspots.panel", "find_contexts", "contexts (HDBSCAN)"),
    ("hotspots.panel", "hotspot_trends", "trends"),
    ("pipeline", "hotspot_outputs", "write outputs"),
)
STAGES = (
    "imports",
    "read",
    "validate",
    "project",
    "points",
    "clip to area",
    "grid",
    "Gi*",
    "FDR",
    "hotspot areas",
    "density (KDE)",
    "contexts (HDBSCAN)",
    "trends",
    "changes since last panel",
    "write outputs",
    "gaps",
    "map",
)


def _trends(clock: StageClock, inputs, result, params, panel_date: date) -> dict:
    """Run trend classes unless detection did; return a summary."""
    if "trends" in result.choices:
        trends = result.hotspots.get("trend")
        return {
            "in_detection": True,
            "classes": {} if trends is None else trends.value_counts().to_dict(),
        }
    try:
        from hotspots.timeline import hotspot_trends
    except ImportError:
        try:
            from hotspots.trends import hotspot_trends
        except ImportError:
            return {"skipped": "no hotspot_trends in hotspots/timeline.py or trends.py"}
    with clock.stage("trends"):
        trends = hotspot_trends(inputs.incidents, result, params, panel_date)
    return {
        "periods": int(trends.choices.get("periods", 0)),
        "classes": trends.hotspots["trend"].value_counts().to_dict(),
    }


def _gaps(clock: StageClock, result, services_path: Path | None) -> dict:
    if services_path is None:
        return {"skipped": "no services file"}
    from geodata.read import read_places
    from outreach.gaps import find_gaps

    with clock.stage("gaps"):
        services, _ = read_places(
            [(services_path.name, services_path.read_bytes())], "services"
        )
        gaps = find_gaps(result.hotspots, services)
    return {"rows": len(gaps)}


def _map(clock: StageClock, inputs, result, services_path: Path | None) -> dict:
    """Render the app's folium map and return its HTML size."""
    from geodata.read import read_places
    from ui.maps import build_map

    services = None
    if services_path is not None:
        services, _ = read_places(
            [(services_path.name, services_path.read_bytes())], "services"
        )
    with clock.stage("map"):
        fmap = build_map(result, services, None, inputs.area, tiles=False)
        html = fmap.get_root().render().encode()
    return {"html_bytes": len(html)}


def _guarded(step, *args: object) -> dict:
    """Run an after-the-CLI step; code others are changing may fail: record it."""
    try:
        return step(*args)
    except Exception as exc:  # a broken later stage must not lose the figures
        return {"error": f"{type(exc).__name__}: {exc}"}


class _Serial:
    """A stand-in for ``ThreadPoolExecutor`` that runs each job when submitted."""

    def __init__(self, max_workers: int = 1) -> None:
        self.max_workers = max_workers

    def __enter__(self) -> _Serial:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, job, *args, **kwargs):
        done: Future = Future()
        done.set_result(job(*args, **kwargs))
        return done


def main(argv: list[str] | None = None) -> int:
    """Run our pipeline once, stage-timed; print a JSON record on stdout."""
    began = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", nargs="+", type=Path, required=True)
    parser.add_argument("--area", type=Path)
    parser.add_argument("--services", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--panel-date", type=date.fromisoformat, default=date(2026, 11, 30)
    )
    parser.add_argument("--no-map", action="store_true")
    args = parser.parse_args(argv)
    clock = StageClock()
    with clock.stage("imports"):
        import pipeline
        from hotspots import HotspotParams

    missing = instrument(clock, TARGETS)
    # cli.py finds point contexts in a second thread; here stages run one after
    # another so that each one's time is its own.
    import hotspots.panel

    hotspots.panel.ThreadPoolExecutor = _Serial
    with clock.stage("read"):
        sources = [(p.name, p.read_bytes()) for p in args.incidents]
        area = (args.area.name, args.area.read_bytes()) if args.area else None
    inputs = pipeline.load_inputs(incidents=sources, area=area)
    del sources
    params = HotspotParams()
    result = pipeline.detect(inputs, params)
    files = pipeline.hotspot_outputs(inputs, result)
    with clock.stage("write outputs"):
        args.out.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (args.out / name).write_bytes(data)
    pipeline_s = time.perf_counter() - began
    peak_pipeline = peak_rss_mb()
    trends = _guarded(_trends, clock, inputs, result, params, args.panel_date)
    gaps = _guarded(_gaps, clock, result, args.services)
    fmap = {} if args.no_map else _guarded(_map, clock, inputs, result, args.services)
    record = {
        "incidents_kept": len(inputs.incidents),
        "report": inputs.report,
        "status": result.status,
        "hotspots": len(result.hotspots),
        "choices": result.choices,
        "stages_s": clock.rounded(),
        "hotspots_pipeline_s": round(pipeline_s, 3),
        "peak_mb_hotspots": round(peak_pipeline, 1),
        "peak_mb": round(peak_rss_mb(), 1),
        "trends": trends,
        "gaps": gaps,
        "map": fmap,
        "not_instrumented": missing,
    }
    print(json.dumps(record, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
