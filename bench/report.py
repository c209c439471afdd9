"""Turn a ``bench/run.py`` results record into Markdown tables for the README."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ours import STAGES as OUR_STAGES

PEER_STAGES = (
    "imports",
    "read",
    "validate",
    "project",
    "grid",
    "sjoin + count",
    "weights (Queen)",
    "Gi* (999 permutations)",
    "FDR",
    "hotspot areas",
    "write outputs",
)
TARGET_TIME, TARGET_MEMORY, TARGET_READ = 0.4, 0.8, 3.0


def _proc(run: dict) -> str:
    p = run.get("process")
    if p is None:
        return "skipped"
    if p["timed_out"]:
        return f"stopped at {p['wall_s']:.0f} s"
    if p["returncode"] != 0:
        return "failed"
    return f"{p['wall_s']:.1f} / {p['cpu_s']:.1f} / {p['peak_mb']:,.0f}"


def _found(size: dict, key: str) -> str:
    t = size.get(key)
    if not t:
        return "-"
    return f"{t['found_as_area']}/{t['planted']} (+{t['extra_areas']})"


def _stage_rows(sizes: list[dict], source: str, stages: tuple[str, ...]) -> list[str]:
    head = "| stage | " + " | ".join(s["label"] for s in sizes) + " |"
    rows = [head, "|---" * (len(sizes) + 1) + "|"]
    for stage in stages:
        cells = []
        for s in sizes:
            run = s.get(source, {})
            t = run.get("stages_s", {}).get(stage)
            cells.append("-" if t is None else f"{t['wall']:.2f} ({t['cpu']:.2f})")
        rows.append(f"| {stage} | " + " | ".join(cells) + " |")
    return rows


def markdown(record: dict) -> str:
    """Return the summary, stage and agreement tables as Markdown."""
    m = record["machine"]
    sizes = record["sizes"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python "
        f"{m['python']}; {libs}; numba {m['numba'] or 'not installed'}. Load average "
        f"{m['load_average_at_start'][0]:.1f} at start, "
        f"{m['load_average_at_end'][0]:.1f} at end; whole run "
        f"{m['bench_wall_s']:.0f} s. Code: {m.get('code', '?')}.",
        "",
        "Each cell: wall s / CPU s / peak MB of one fresh process (best of the "
        "repeats). Ratios are ours ÷ peer and ours ÷ a process that only reads the "
        "CSV. Found: planted hotspots found as areas (+ areas away from any planted "
        "one).",
        "",
        "| incidents | CSV MB | read only, pandas C | read only, pyarrow | ours "
        "`cli.py hotspots` | peer | time ratio | CPU ratio | memory ratio | ours ÷ "
        "read (C / pyarrow) | found ours | found peer | map HTML |",
        "|---" * 13 + "|",
    ]
    for s in sizes:
        stages = s.get("stages", {})
        html = stages.get("map", {}).get("html_bytes")
        lines.append(
            f"| {s['n']:,} | {s['csv_mb']:.0f} | {_proc(s['read_c'])} | "
            f"{_proc(s['read_pyarrow'])} | {_proc(s['cli'])} | "
            f"{_proc(s['peer'])} | "
            f"{s.get('time_ratio', '-')} | {s.get('cpu_ratio', '-')} | "
            f"{s.get('memory_ratio', '-')} | "
            f"{s['ours_over_read_c']} / "
            f"{s['ours_over_read_pyarrow']} | {_found(s, 'ours_truth')} | "
            f"{_found(s, 'peer_truth')} | "
            f"{'-' if html is None else f'{html / 1e3:.0f} KB'} |"
        )
    one_m = next((s for s in sizes if s["n"] == 1_000_000), None)
    if one_m is not None and "time_ratio" in one_m:
        checks = [
            ("time ÷ peer", one_m["time_ratio"], TARGET_TIME),
            ("memory ÷ peer", one_m["memory_ratio"], TARGET_MEMORY),
            ("ours ÷ read (pandas C)", one_m["ours_over_read_c"], TARGET_READ),
        ]
        if "tuned_time_ratio" in one_m:
            checks += [
                ("time ÷ peer with n_jobs=1", one_m["tuned_time_ratio"], TARGET_TIME),
                (
                    "memory ÷ peer with n_jobs=1",
                    one_m["tuned_memory_ratio"],
                    TARGET_MEMORY,
                ),
            ]
        lines += ["", "Targets at 1M incidents:", ""]
        lines += [
            f"- {name}: {value} (target ≤ {target}) "
            f"{'met' if value <= target else 'MISSED'}"
            for name, value, target in checks
        ]
        tuned = one_m.get("peer_tuned")
        if tuned and "process" in tuned:
            lines.append(f"- peer with n_jobs=1 at 1M: {_proc(tuned)}")
    lines += ["", "Our stages, wall s (CPU s):", ""]
    lines += _stage_rows(sizes, "stages", OUR_STAGES)
    lines += ["", "Peer stages, wall s (CPU s):", ""]
    lines += _stage_rows(sizes, "peer", PEER_STAGES)
    lines += ["", "Agreement on the same cells:", ""]
    lines += [
        "| incidents | cells | same counts | max z diff | hot both | ours only | "
        "peer only | peer p floor | cells at floor / needed for BH | peer hot "
        "uncorrected (far from planted) |",
        "|---" * 10 + "|",
    ]
    for s in sizes:
        a = s.get("agreement")
        if not a:
            continue
        pt = s.get("peer_truth", {})
        lines.append(
            f"| {s['n']:,} | {a['cells_matched']:,} | {a['counts_equal']} | "
            f"{a['max_abs_z_difference']} | {a['hot_both']} | {a['hot_ours_only']} | "
            f"{a['hot_peer_only']} | {a['peer_p_floor']:.4f} | "
            f"{a['peer_cells_at_floor']} / {a['peer_cells_needed_at_floor']} | "
            f"{a['peer_hot_uncorrected']} "
            f"({pt.get('uncorrected_hot_cells_far_from_planted', '-')}) |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1]).read_text())))
