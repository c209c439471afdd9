"""Demo data written once per test session for the command-line tests."""

from __future__ import annotations

from collections.abc import Callable
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
def run_plan(demo_dir) -> Callable[..., Path]:
    """Return a runner of `cli.py plan` on the demo data: (out, *extra options)."""

    def _run(out: Path, *extra: str, time_limit: int = 5) -> Path:
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
                "--time-limit", str(time_limit),
                "--out", str(out),
                *extra,
            ]
        )  # fmt: skip
        assert code == 0
        return out

    return _run


@pytest.fixture(scope="session")
def plan_dir(run_plan, tmp_path_factory) -> Path:
    """A full `cli.py plan` run on the demo data."""
    return run_plan(tmp_path_factory.mktemp("plan"))
