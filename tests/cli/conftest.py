"""Demo data written once per test session for the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import main


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The synthetic demo files, written by `cli.py demo`."""
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def plan_dir(demo_dir, tmp_path_factory) -> Path:
    """A full `cli.py plan` run on the demo data."""
    out = tmp_path_factory.mktemp("plan")
    d = demo_dir
    code = main(
        [
            "plan",
            "--incidents", str(d / "incidents.csv"),
            "--contacts", str(d / "contacts.csv"),
            "--services", str(d / "services.csv"),
            "--spaces", str(d / "spaces.csv"),
            "--workers", str(d / "workers.csv"),
            "--area", str(d / "area.geojson"),
            "--start", "2026-12-07",
            "--days", "14",
            "--time-limit", "5",
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    return out
