"""Smoke tests: the load-test harness runs two sessions at 10k incidents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
STEPS = ("first_page", "upload", "map", "rerun")
NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian chromium at /usr/bin/chromium (apt-get install chromium)",
)

pytestmark = pytest.mark.e2e


def _load(argv: list[str], timeout_s: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "bench/load.py", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def _two_sessions(client: str, tmp_path: Path) -> dict:
    """Run two concurrent sessions at 10k incidents; return the results file."""
    results = tmp_path / "load.json"
    done = _load(
        [
            *("--client", client, "--sessions", "2", "--size", "10k"),
            *("--cache", str(tmp_path / "cache"), "--results", str(results)),
            *("--step-timeout", "120", "--deadline", "300"),
        ],
        timeout_s=400,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "| rerun | 2 |" in results.with_suffix(".md").read_text()
    return json.loads(results.read_text())


def _assert_every_step_timed(report: dict) -> None:
    assert report["errors"] == 0
    assert report["run"]["server_tracebacks"] == 0
    assert report["run"]["websocket_closed"] == 0
    for session in report["sessions"]:
        assert list(session["seconds"]) == list(STEPS)
        assert all(s > 0 for s in session["seconds"].values())
        assert all(s > 0 for s in session["server_seconds"].values())
    for step in STEPS:
        summary = report["steps"][step]
        assert summary["count"] == 2, step
        assert summary["max_s"] >= summary["p95_s"] >= summary["p50_s"] > 0, step
    assert report["run"]["server_peak_rss_mb"] > 100
    assert report["machine"]["cores"] >= 1


@NEEDS_CHROMIUM
def test_two_browser_sessions_time_every_step_without_errors(tmp_path):
    """Two Chromium sessions upload 10k incidents, see the map and rerun; all timed."""
    report = _two_sessions("browser", tmp_path)
    _assert_every_step_timed(report)
    assert report["run"]["client_cpu_s"] > 0  # the browser's processes were found


def test_two_protocol_sessions_time_every_step_without_errors(tmp_path):
    """Two websocket sessions do the same steps over Streamlit's protocol; all timed."""
    report = _two_sessions("protocol", tmp_path)
    _assert_every_step_timed(report)
    assert report["run"]["client"] == "protocol"


def test_refuses_an_address_beyond_loopback():
    """The harness will not serve the app on a non-loopback address."""
    done = _load(["--host", "0.0.0.0", "--sessions", "1"], timeout_s=60)
    assert done.returncode == 2
    assert "only serves on loopback" in done.stderr
