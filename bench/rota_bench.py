"""Time the outreach rota solver on 10 workers x 8 hotspots x 14 days.

Run from the repository root: ``.venv/bin/python bench/rota_bench.py [--runs N]``.
Cases: the demo team on the demo data's hotspots, and seeded random teams on
random hotspots. Prints one line per run (status, wall time, staffed sessions,
objective, bound, gap, checker violations) and never writes files.
"""

from __future__ import annotations

import argparse
import random
import sys
import time as clock
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geodata.workers import Worker, parse_available, read_workers
from outreach.checker import check_rota
from outreach.params import RotaParams
from outreach.rota import plan_rota
from outreach.sessions import make_sessions

START = date(2026, 12, 7)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BANDS = ("after school", "evening", "late night", "daytime")
PATTERNS = (
    "Mon-Fri 15:00-24:00",
    "any",
    "Mon-Sat 12:00-24:00",
    "Mon-Sun 12:00-24:00",
    "Tue-Sat 15:00-24:00",
    "Mon-Fri 12:00-22:00; Sat 12:00-18:00",
    "Wed-Sun 15:00-24:00",
    "Sat-Sun 12:00-24:00; Fri 18:00-24:00",
    "Mon-Thu 15:00-22:00",
)


def demo_case() -> tuple[gpd.GeoDataFrame, list[Worker]]:
    """Return the demo data's hotspots and team (the app's first screen)."""
    import pipeline
    from hotspots.params import HotspotParams

    sources = pipeline.demo_sources()
    inputs = pipeline.load_inputs(
        incidents=sources["incidents"],
        contacts=sources["contacts"],
        services=sources["services"],
        spaces=sources["spaces"],
        area=sources["area"][0],
    )
    result = pipeline.detect(inputs, HotspotParams())
    return result.hotspots, read_workers(*sources["workers"][0])


def random_case(seed: int) -> tuple[gpd.GeoDataFrame, list[Worker]]:
    """Return 8 random hotspots and a random team of 10 (4 leads)."""
    rng = random.Random(seed)
    hotspots = gpd.GeoDataFrame(
        {
            "hotspot_id": [f"H{n + 1:02d}" for n in range(8)],
            "name": [f"Place {n + 1}" for n in range(8)],
            "strength": sorted((rng.uniform(2, 8) for _ in range(8)), reverse=True),
            "peak_day": [rng.choice(DAYS) for _ in range(8)],
            "peak_band": [rng.choices(BANDS, (3, 4, 2, 1))[0] for _ in range(8)],
        },
        geometry=[Point(265000 + 100 * n, 192000) for n in range(8)],
        crs="EPSG:27700",
    )
    team = [
        Worker(
            name=f"W{n:02d}",
            lead=n in (0, 1, 3, 6),
            max_hours=rng.choice((9, 12, 12, 15, 18)),
            available=parse_available(rng.choice(PATTERNS)),
            unavailable=frozenset(
                START + timedelta(days=d) for d in range(14) if rng.random() < 0.15
            ),
        )
        for n in range(10)
    ]
    return hotspots, team


def run(
    name: str, hotspots: gpd.GeoDataFrame, team: list[Worker], limit: float
) -> None:
    """Plan and check one rota and print its figures."""
    params = RotaParams(start=START, time_limit_s=limit)
    sessions = make_sessions(hotspots, params)
    began = clock.perf_counter()
    result = plan_rota(sessions, team, params)
    elapsed = clock.perf_counter() - began
    problems = check_rota(result.rota, team, params)
    print(
        f"{name:10s} sessions={len(sessions):3d} {result.status:8s} "
        f"wall={result.wall_time_s:6.2f}s total={elapsed:6.2f}s "
        f"staffed={int(result.rota['staffed'].sum()):3d} "
        f"objective={result.objective:.0f} bound={result.bound:.0f} "
        f"gap={result.gap:.2e} violations={len(problems)}",
        flush=True,
    )


def main() -> None:
    """Run the benchmark cases."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="random teams to try")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per solve")
    args = parser.parse_args()
    hotspots, team = demo_case()
    run("demo", hotspots, team, args.limit)
    for seed in range(args.runs):
        run(f"random-{seed}", *random_case(seed), args.limit)


if __name__ == "__main__":
    main()
