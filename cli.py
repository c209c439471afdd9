"""Command line for the CMET planner: demo data, hotspots and a full outreach plan."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from geodata.demo import write_demo
from geodata.errors import InputDataError
from hotspots import HotspotParams

log = logging.getLogger("cli")


def _read_sources(paths: Sequence[str] | None) -> list[tuple[str, bytes]]:
    sources = []
    for raw in paths or []:
        path = Path(raw)
        if not path.is_file():
            raise InputDataError(
                f"{raw}: no such file. Check the path and the file name."
            )
        sources.append((path.name, path.read_bytes()))
    return sources


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-12-07"
        ) from exc


def _add_hotspot_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--incidents",
        nargs="+",
        required=True,
        metavar="FILE",
        help="incident files (CSV, TSV, Excel, GeoJSON, GeoPackage, police.uk CSV)",
    )
    parser.add_argument(
        "--category",
        action="append",
        default=[],
        metavar="C",
        help="analyse only this category (repeat for several)",
    )
    parser.add_argument(
        "--area",
        metavar="POLYGONS",
        help="study-area polygons (GeoJSON/GeoPackage); incidents outside are dropped",
    )
    parser.add_argument(
        "--cell-size",
        type=float,
        default=None,
        metavar="M",
        help="grid cell side in metres (default: chosen from the data)",
    )
    parser.add_argument(
        "--units",
        choices=("square", "hex", "areas"),
        default="square",
        help="square cells, equal-area hexagons, or the --area polygons themselves",
    )
    parser.add_argument(
        "--alpha", type=float, default=0.05, help="false discovery rate (default 0.05)"
    )
    parser.add_argument(
        "--threshold",
        type=int,
        default=5,
        help="disclosure threshold: counts below it show as <k (default 5)",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser (sub-commands demo, hotspots, plan)."""
    parser = argparse.ArgumentParser(
        prog="cli.py", description="Hotspot and outreach planner for the CMET panel."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the synthetic Swansea demo data")
    demo.add_argument("--out", required=True, metavar="DIR")
    demo.add_argument("--seed", type=int, default=7)

    hot = sub.add_parser("hotspots", help="find hotspots and write them")
    _add_hotspot_arguments(hot)

    plan = sub.add_parser("plan", help="hotspots, service gaps, rota, routes, pack")
    _add_hotspot_arguments(plan)
    plan.add_argument("--contacts", nargs="+", metavar="FILE")
    plan.add_argument("--services", nargs="+", metavar="FILE")
    plan.add_argument("--spaces", nargs="+", metavar="FILE")
    plan.add_argument("--workers", required=True, metavar="FILE")
    plan.add_argument("--start", required=True, type=_iso_date, metavar="YYYY-MM-DD")
    plan.add_argument("--days", type=int, default=14)
    plan.add_argument(
        "--time-limit",
        type=float,
        default=10.0,
        metavar="S",
        help="rota solver time limit in seconds (default 10)",
    )
    return parser


def _write(out: Path, files: dict[str, bytes]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
        print(out / name)


def _run(args: argparse.Namespace) -> None:
    if args.command == "demo":
        for path in write_demo(Path(args.out), seed=args.seed):
            print(path)
        return
    # Imported here so `demo` stays quick and light.
    import pipeline
    from outreach.params import RotaParams

    params = HotspotParams(
        cell_size=args.cell_size,
        alpha=args.alpha,
        threshold=args.threshold,
        units=args.units,
        categories=tuple(c.strip().lower() for c in args.category),
    )
    area = _read_sources([args.area])[0] if args.area else None
    inputs = pipeline.load_inputs(
        incidents=_read_sources(args.incidents),
        contacts=_read_sources(getattr(args, "contacts", None)),
        services=_read_sources(getattr(args, "services", None)),
        spaces=_read_sources(getattr(args, "spaces", None)),
        area=area,
    )
    result = pipeline.detect(inputs, params)
    print(result.message, file=sys.stderr)
    if args.command == "hotspots":
        _write(Path(args.out), pipeline.hotspot_outputs(inputs, result))
        return
    rota_params = RotaParams(
        start=args.start, days=args.days, time_limit_s=args.time_limit
    )
    workers = _read_sources([args.workers])[0]
    plan = pipeline.make_plan(inputs, result, workers, rota_params)
    for line in plan.rota.explanations:
        print(line, file=sys.stderr)
    _write(
        Path(args.out),
        pipeline.plan_outputs(inputs, plan, meeting_date=args.start),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for a user error)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        _run(args)
    except InputDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
