"""Time the outreach rota solver: the demo, small random teams and the issue's size.

Run from the repository root:
``.venv/bin/python bench/rota_bench.py [--runs N] [--big N] [--limit S]``.

Cases: the demo team on the demo data's hotspots; seeded random teams of 10 on 8
random hotspots; and the issue's benchmark, seeded random teams of 12 (
6 leads, two Welsh speakers, one with no weekends, one banned pairing, ~15 %
unavailability) on 25 random hotspots over 14 days (the top 5 hotspots twice a
week, the rest once: 60 sessions; three hotspots ask for a Welsh speaker) with a
past fortnight as history. Prints one line per run (status, wall time, staffed
sessions, objective, bound, gap, soft-goal gap, checker violations) and never
writes files.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataclasses import replace

import pandas as pd

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


# Leads of the issue-size team: experienced staff with the widest availability.
LEADS = (0, 1, 3, 6, 8, 9)


def big_case(seed: int) -> tuple[pd.DataFrame, list[Worker], pd.DataFrame]:
    """Return the issue's case: 60 sessions at 25 hotspots, 12 workers, history."""
    rng = random.Random(1000 + seed)
    n = 25
    # Peak days spread over the week (as in practice), so that no day needs more
    # pairs than a team of 12 can field with one session each a day.
    days = [DAYS[k % 7] for k in range(n)]
    rng.shuffle(days)
    hotspots = gpd.GeoDataFrame(
        {
            "hotspot_id": [f"H{k + 1:02d}" for k in range(n)],
            "name": [f"Place {k + 1}" for k in range(n)],
            "strength": sorted((rng.uniform(2, 8) for _ in range(n)), reverse=True),
            "peak_day": days,
            "peak_band": [rng.choices(BANDS, (3, 4, 2, 1))[0] for _ in range(n)],
        },
        geometry=[Point(265000 + 100 * k, 192000) for k in range(n)],
        crs="EPSG:27700",
    )
    welsh = [f"H{k:02d}" for k in rng.sample(range(1, n + 1), 3)]
    top = RotaParams(start=START, sessions_per_hotspot=2, max_hotspots=5)
    rest = replace(top, sessions_per_hotspot=1, max_hotspots=n)
    sessions = pd.concat(
        [
            make_sessions(hotspots.iloc[:5], top, welsh=welsh),
            make_sessions(hotspots.iloc[5:], rest, welsh=welsh),
        ],
        ignore_index=True,
    ).sort_values(["date", "start", "priority"], ascending=[True, True, False])
    names = [f"W{k:02d}" for k in range(12)]
    team = [
        Worker(
            name=names[k],
            lead=k in LEADS,
            max_hours=rng.choice((15, 18, 18, 21, 24)),
            available=parse_available(
                "Mon-Fri 12:00-24:00"
                if k == 11
                else rng.choice(PATTERNS[1:4] if k in LEADS else PATTERNS)
            ),
            unavailable=frozenset(
                START + timedelta(days=d) for d in range(14) if rng.random() < 0.15
            ),
            welsh_speaker=k in (1, 4),
            not_with=frozenset({"W05"}) if k == 2 else frozenset(),
        )
        for k in range(12)
    ]
    history = sessions.assign(
        date=[d - timedelta(days=14) for d in sessions["date"]],
        workers=[";".join(sorted(rng.sample(names, 2))) for _ in range(len(sessions))],
    )
    return sessions.reset_index(drop=True), team, history


def _line(name: str, sessions: pd.DataFrame, result, problems: list[str]) -> str:
    soft_gap = (result.soft - result.soft_bound) / max(result.soft, 1)
    return (
        f"{name:10s} sessions={len(sessions):3d} {result.status:8s} "
        f"wall={result.wall_time_s:6.2f}s "
        f"staffed={int(result.rota['staffed'].sum()):3d} "
        f"uncovered_priority={result.uncovered_priority} "
        f"(bound {result.cover_bound:.0f}) soft={result.soft} "
        f"(bound {result.soft_bound:.0f}) objective={result.objective:.0f} "
        f"bound={result.bound:.0f} gap={100 * result.gap:.2f}% "
        f"soft_gap={100 * soft_gap:.1f}% violations={len(problems)}"
    )


def run(
    name: str, hotspots: gpd.GeoDataFrame, team: list[Worker], limit: float
) -> None:
    """Plan and check one rota and print its figures."""
    params = RotaParams(start=START, time_limit_s=limit)
    sessions = make_sessions(hotspots, params)
    result = plan_rota(sessions, team, params)
    problems = check_rota(result.rota, team, params)
    print(_line(name, sessions, result, problems), flush=True)


def run_big(seed: int, limit: float) -> None:
    """Plan and check the issue's 12 x 25 x 14-day case and print its figures."""
    sessions, team, history = big_case(seed)
    params = RotaParams(start=START, time_limit_s=limit)
    result = plan_rota(sessions, team, params, history=history)
    problems = check_rota(result.rota, team, params)
    print(_line(f"big-{seed}", sessions, result, problems), flush=True)


def main() -> None:
    """Run the benchmark cases."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="random teams to try")
    parser.add_argument("--big", type=int, default=5, help="issue-size cases to try")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per solve")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPU cores visible", flush=True)
    for seed in range(args.big):
        run_big(seed, args.limit)
    hotspots, team = demo_case()
    run("demo", hotspots, team, args.limit)
    for seed in range(args.runs):
        run(f"random-{seed}", *random_case(seed), args.limit)


if __name__ == "__main__":
    main()
