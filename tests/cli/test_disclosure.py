"""No CLI output carries an incident's location or a count below the threshold, at
the default threshold and with ``--publishable`` (k=10).

``plan`` writes every file ``hotspots`` and ``gaps`` write (the same functions
make them), so walking ``plan`` and ``replan`` walks every command's outputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import _threshold, build_parser, main
from geodata.disclosure import DEFAULT_THRESHOLD, PUBLISHABLE_THRESHOLD
from geodata.errors import InputDataError
from pipeline import PLAN_OUTPUTS
from tests.disclosure_check import incident_places, leaks

# Outputs that must carry counts, so a clean result means they were read.
COUNTED = {
    "hotspots.csv",
    "hotspots.geojson",
    "cells.geojson",
    "contexts.geojson",
    "report.json",
    "area_gaps.csv",
    "whatif.csv",
    "panel_pack.html",
}


@pytest.fixture(scope="module")
def publishable_dir(run_plan, tmp_path_factory) -> Path:
    """A `cli.py plan --publishable` run on the demo data."""
    return run_plan(
        tmp_path_factory.mktemp("publishable"), "--publishable", time_limit=3
    )


@pytest.fixture(scope="module")
def places(demo_dir):
    """The demo incidents' locations."""
    return incident_places((demo_dir / "incidents.csv").read_bytes())


@pytest.mark.parametrize("k", [DEFAULT_THRESHOLD, PUBLISHABLE_THRESHOLD])
def test_every_plan_output_is_disclosure_safe(request, k, places):
    """Every plan output is free of incident locations and counts below k."""
    fixture = "plan_dir" if k == DEFAULT_THRESHOLD else "publishable_dir"
    out = request.getfixturevalue(fixture)
    assert {p.name for p in out.iterdir()} == set(PLAN_OUTPUTS)
    problems, empty = [], []
    for name in PLAN_OUTPUTS:
        finding = leaks(name, (out / name).read_bytes(), k, places)
        problems += finding.problems
        if name in COUNTED and not finding.counts:
            empty.append(name)
    assert not problems, "\n".join(problems[:20])
    assert not empty, f"no counts found in {empty}"


def test_replan_outputs_are_disclosure_safe(plan_dir, demo_dir, tmp_path, places):
    """The re-planned rota and calendar carry no incident location or small count."""
    code = main(
        [
            "replan",
            "--rota", str(plan_dir / "rota.csv"),
            "--workers", str(demo_dir / "workers.csv"),
            "--start", "2026-12-07",
            "--today", "2026-12-10",
            "--out", str(tmp_path),
        ]
    )  # fmt: skip
    assert code == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["rota.csv", "rota.ics"]
    for name in written:
        assert not leaks(name, (tmp_path / name).read_bytes(), 5, places).problems


def test_publishable_plan_uses_threshold_10(publishable_dir):
    """--publishable reaches the analysis: the report and pack say k=10."""
    report = (publishable_dir / "report.json").read_text(encoding="utf-8-sig")
    assert '"disclosure_threshold": 10' in report
    pack = (publishable_dir / "panel_pack.html").read_text(encoding="utf-8")
    assert "Counts below 10 are shown as &lt;10" in pack


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], DEFAULT_THRESHOLD),
        (["--threshold", "7"], 7),
        (["--publishable"], PUBLISHABLE_THRESHOLD),
        (["--publishable", "--threshold", "10"], PUBLISHABLE_THRESHOLD),
        (["--publishable", "--threshold", "12"], 12),
    ],
)
@pytest.mark.parametrize("command", ["hotspots", "gaps", "plan"])
def test_publishable_sets_the_threshold(command, flags, expected):
    """--publishable means k=10; a --threshold given with it may only be stricter."""
    argv = [command, "--incidents", "x.csv", "--out", "o", *flags]
    if command == "gaps":
        argv += ["--services", "s.csv"]
    if command == "plan":
        argv += ["--workers", "w.csv", "--start", "2026-12-07"]
    assert _threshold(build_parser().parse_args(argv)) == expected


def test_publishable_refuses_a_lower_threshold():
    """A --threshold below 10 with --publishable is a user error naming both."""
    argv = ["hotspots", "--incidents", "x.csv", "--out", "o", "--publishable"]
    args = build_parser().parse_args([*argv, "--threshold", "7"])
    with pytest.raises(
        InputDataError, match=r"--publishable needs .* at least 10.*--threshold 7"
    ):
        _threshold(args)


def test_publishable_with_a_lower_threshold_is_one_error_line(
    demo_dir, tmp_path, capsys
):
    """--publishable --threshold 7 disagree: one plain line, exit 2, nothing written."""
    out = tmp_path / "out"
    code = main(
        [
            "hotspots",
            "--incidents", str(demo_dir / "incidents.csv"),
            "--publishable",
            "--threshold", "7",
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: --publishable needs a disclosure threshold")
    assert "--threshold 7" in lines[0]
    assert not out.exists()
