"""Smoke test: the benchmark harness runs end to end at 2,000 incidents (no timings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_harness_runs_both_pipelines_on_2k_incidents(tmp_path):
    """Both pipelines run, test the same cells, and ours finds planted hotspots."""
    results = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            "--sizes",
            "2k",
            "--cache",
            str(tmp_path / "cache"),
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(results),
            "--peer-tuned",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    size = json.loads(results.read_text())["sizes"][0]
    for run in ("read_c", "read_pyarrow", "cli", "peer", "stages"):
        assert size[run]["process"]["returncode"] == 0, run
    stages = {"read", "validate", "project", "points", "grid", "Gi*", "hotspot areas"}
    stages |= {"contexts (HDBSCAN)", "trends"}
    assert stages <= set(size["stages"]["stages_s"])
    assert size["agreement"]["counts_equal"]
    assert size["agreement"]["max_abs_z_difference"] < 1e-3
    assert size["ours_truth"]["found_as_area"] >= 1
    assert size["stages"]["map"]["html_bytes"] < 2_000_000
    assert "| 2,000 |" in done.stdout
