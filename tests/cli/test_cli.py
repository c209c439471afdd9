"""The command line: demo, hotspots and plan, with clean user errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from pipeline import PLAN_OUTPUTS


def _header(path) -> list[str]:
    with open(path, encoding="utf-8-sig") as f:
        return next(csv.reader(f))


def test_demo_is_deterministic(demo_dir, tmp_path):
    """Two runs with the same seed write identical bytes; another seed differs."""
    assert main(["demo", "--out", str(tmp_path / "a")]) == 0
    assert main(["demo", "--out", str(tmp_path / "b"), "--seed", "8"]) == 0
    for name in ("incidents.csv", "workers.csv", "area.geojson"):
        assert (tmp_path / "a" / name).read_bytes() == (demo_dir / name).read_bytes()
    assert (tmp_path / "b" / "incidents.csv").read_bytes() != (
        demo_dir / "incidents.csv"
    ).read_bytes()


def test_hotspots_writes_its_four_outputs(demo_dir, tmp_path):
    """`hotspots` writes GeoJSON, CSV, cells and a report with the choices made."""
    out = tmp_path / "hot"
    code = main(
        ["hotspots", "--incidents", str(demo_dir / "incidents.csv"), "--out", str(out)]
    )
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "ok"
    assert report["hotspots"] >= 3
    assert report["parameters"]["cell_size_m"] > 0
    assert report["files"][0]["rows_read"] == report["files"][0]["rows_kept"]
    assert "hotspot_id" in _header(out / "hotspots.csv")
    cells = json.loads((out / "cells.geojson").read_text())
    assert cells["type"] == "FeatureCollection"
    assert {"n", "gistar", "p_value", "significant"} <= set(
        cells["features"][0]["properties"]
    )


def test_category_filter_and_area(demo_dir, tmp_path):
    """--category narrows the analysis; --area drops and counts outside rows."""
    out = tmp_path / "violence"
    code = main(
        [
            "hotspots",
            "--incidents", str(demo_dir / "incidents.csv"),
            "--category", "Violence",
            "--area", str(demo_dir / "area.geojson"),
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    assert report["parameters"]["categories"] == ["violence"]
    assert report["parameters"]["incidents_analysed"] < report["files"][0]["rows_kept"]


def test_plan_writes_every_output_with_documented_columns(plan_dir):
    """`plan` writes all nine outputs; rota and gaps carry the documented columns."""
    for name in PLAN_OUTPUTS:
        assert (plan_dir / name).stat().st_size > 0, name
    assert {
        "session_id", "date", "start", "end", "hotspot_id", "hotspot_name",
        "workers", "priority",
    } <= set(_header(plan_dir / "rota.csv"))  # fmt: skip
    assert {
        "hotspot_id", "category", "nearest_service", "distance_m", "walk_minutes"
    } <= set(_header(plan_dir / "gaps.csv"))  # fmt: skip
    assert (plan_dir / "rota.ics").read_text().startswith("BEGIN:VCALENDAR")
    html = (plan_dir / "panel_pack.html").read_text()
    assert "<svg" in html
    assert "H01" in html


def test_plan_rota_pairs_include_a_lead(plan_dir, demo_dir):
    """Every staffed session has exactly two workers, at least one of them a lead."""
    with open(demo_dir / "workers.csv", encoding="utf-8") as f:
        leads = {r["worker"] for r in csv.DictReader(f) if r["lead"] == "yes"}
    with open(plan_dir / "rota.csv", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["workers"]]
    assert rows
    for row in rows:
        pair = row["workers"].split(";")
        assert len(pair) == 2
        assert set(pair) & leads


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("date,category,place\n2025-01-01,violence,Kingsway\n", "no location columns"),
        ("date,category,Name,lat,lon\n2025-01-01,x,Al,51.6,-3.9\n", "personal data"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(tmp_path, capsys, content, message):
    """A bad file gives exit code 2 and one short message, never a traceback."""
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    code = main(["hotspots", "--incidents", str(bad), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file_is_a_user_error(tmp_path, capsys):
    """A path that does not exist is named in the message."""
    code = main(["hotspots", "--incidents", "nope.csv", "--out", str(tmp_path)])
    assert code == 2
    assert "nope.csv: no such file" in capsys.readouterr().err


def test_hotspots_say_what_changed_since_the_last_panel(demo_dir, tmp_path, capsys):
    """The demo's story: Parc Tawe new, Castle Square growing, Blaenymaes fading."""
    out = tmp_path / "since"
    code = main(
        [
            "hotspots",
            "--incidents", str(demo_dir / "incidents.csv"),
            "--area", str(demo_dir / "area.geojson"),
            "--since", "2026-11-30",
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    report = json.loads((out / "report.json").read_text())
    lines = report["since_last_panel"]
    assert lines[0].startswith("New: Parc Tawe")
    assert any(line.startswith("Growing: Castle Square") for line in lines)
    assert any(line.startswith("Fading: Blaenymaes") for line in lines)
    assert report["parameters"]["last_panel_date"] == "2026-11-16"
    assert {"trend", "recent", "change_since_last", "sources", "reach"} <= set(
        _header(out / "hotspots.csv")
    )
    assert "New: Parc Tawe" in capsys.readouterr().err


def test_gaps_command_writes_commissioner_tables(demo_dir, tmp_path):
    """`gaps` writes per-hotspot gaps, area gaps, coverage and the what-if."""
    out = tmp_path / "gaps"
    code = main(
        [
            "gaps",
            "--incidents", str(demo_dir / "incidents.csv"),
            "--services", str(demo_dir / "services.csv"),
            "--spaces", str(demo_dir / "spaces.csv"),
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    assert {"open_at_peak", "nearest_open_service"} <= set(_header(out / "gaps.csv"))
    assert {"area_id", "gap_rank"} <= set(_header(out / "area_gaps.csv"))
    assert (out / "coverage.csv").stat().st_size > 0
    assert (out / "whatif.csv").stat().st_size > 0


def test_purge_deletes_old_records(tmp_path, monkeypatch, capsys):
    """`purge` opens the configured database and reports what it deleted."""
    monkeypatch.setenv("CMET_DB_URL", f"sqlite:///{tmp_path / 'cmet.sqlite'}")
    assert main(["purge", "--older-than", "30"]) == 0
    assert "snapshots: 0 deleted" in capsys.readouterr().out


def test_part_of_a_file_names_a_sheet(tmp_path, capsys):
    """FILE#Sheet reads that sheet of a workbook."""
    import pandas as pd

    book = tmp_path / "export.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Notes", index=False)
        pd.DataFrame(
            {"date": [f"2026-01-{d:02d}" for d in range(1, 41)][:31] * 2,
             "category": ["drugs"] * 62,
             "latitude": [51.62] * 31 + [51.63] * 31, "longitude": [-3.94] * 62}
        ).to_excel(writer, sheet_name="Cases", index=False)  # fmt: skip
    code = main(
        ["hotspots", "--incidents", f"{book}#Cases", "--out", str(tmp_path / "o")]
    )
    assert code == 0, capsys.readouterr().err
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["files"][0]["rows_kept"] == 62


def test_replan_changes_only_what_must_change(plan_dir, demo_dir, tmp_path, capsys):
    """A worker off sick from the 16th: past sessions stay, few sessions change."""
    with open(demo_dir / "workers.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(plan_dir / "rota.csv", encoding="utf-8-sig") as f:
        rota = list(csv.DictReader(f))
    sick = next(
        r["workers"].split(";")[0]
        for r in rota
        if r["date"] >= "2026-12-16" and r["workers"]
    )
    for row in rows:
        if row["worker"] == sick:
            row["unavailable"] = (
                "2026-12-16;2026-12-17;2026-12-18;2026-12-19;2026-12-20"
            )
    workers = tmp_path / "workers.csv"
    with open(workers, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "replan"
    code = main(
        [
            "replan",
            "--rota", str(plan_dir / "rota.csv"),
            "--workers", str(workers),
            "--start", "2026-12-07",
            "--today", "2026-12-16",
            "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    with open(out / "rota.csv", encoding="utf-8-sig") as f:
        after = {r["session_id"]: r["workers"] for r in csv.DictReader(f)}
    before = {r["session_id"]: r["workers"] for r in rota}
    changed = [s for s in before if before[s] != after.get(s)]
    assert all(s[1:11] >= "2026-12-16" for s in changed)
    assert not any(
        sick in after[s].split(";") for s in after if s[1:11] >= "2026-12-16"
    )
    sick_sessions = [
        s for s in before if sick in before[s].split(";") and s[1:11] >= "2026-12-16"
    ]
    assert len(changed) <= len(sick_sessions) + 2
    assert "→" in capsys.readouterr().err


def test_run_as_a_program_writes_everything_and_exits_with_its_code(demo_dir, tmp_path):
    """`python cli.py` leaves without Python's teardown: outputs whole, codes kept."""
    root = Path(__file__).resolve().parents[2]

    def program(incidents: Path, out: Path) -> subprocess.CompletedProcess:
        command = ["hotspots", "--incidents", str(incidents), "--out", str(out)]
        # Buffered, as usual for output into a pipe or a file.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
        return subprocess.run(
            [sys.executable, "cli.py", *command],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    out = tmp_path / "hot"
    ran = program(demo_dir / "incidents.csv", out)
    assert ran.returncode == 0, ran.stderr
    assert "hotspot(s) found" in ran.stderr
    # The files written are listed on standard output, flushed before leaving.
    assert ran.stdout.splitlines() == [
        str(out / name)
        for name in (
            "hotspots.geojson",
            "hotspots.csv",
            "cells.geojson",
            "contexts.geojson",
            "report.json",
        )
    ]
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "ok"
    for name in ("hotspots.geojson", "cells.geojson", "contexts.geojson"):
        assert json.loads((out / name).read_text())["type"] == "FeatureCollection"
    assert _header(out / "hotspots.csv")[0] == "hotspot_id"
    bad = program(tmp_path / "missing.csv", tmp_path / "o")
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("error: ")
    assert len(bad.stderr.strip().splitlines()) == 1
