"""Faults: a write interrupted halfway leaves nothing; saved data survive a kill."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from store import audit_log, list_rotas, list_snapshots, load_debriefs
from store.debriefs import read_debriefs, save_debriefs
from store.rotas import save_rota
from store.snapshots import save_snapshot

CHILD = Path(__file__).with_name("child_process.py")
START_TIMEOUT_S = 90


def test_snapshot_failing_halfway_leaves_no_partial_record(
    engine, result, fail_on_insert
):
    """The header is inserted, the hotspots fail: no snapshot, no audit event."""
    fail_on_insert(engine, "snapshot_hotspots")
    with pytest.raises(RuntimeError, match="simulated failure"):
        save_snapshot(engine, date(2026, 12, 1), result, user="jo", decisions=["x"])
    assert list_snapshots(engine).empty
    assert audit_log(engine).empty


def test_rota_failing_halfway_leaves_the_previous_version(engine, rota, fail_on_insert):
    """Version 2's rows fail: version 1 stays the latest and only one."""
    save_rota(engine, "cmet-2026-12-07", rota, user="jo")
    fail_on_insert(engine, "rota_rows")
    with pytest.raises(RuntimeError, match="simulated failure"):
        save_rota(engine, "cmet-2026-12-07", rota.iloc[:2], user="jo")
    assert list_rotas(engine)["versions"].tolist() == [1]
    assert audit_log(engine)["object_id"].tolist() == ["rota:cmet-2026-12-07:v1"]


def test_debriefs_failing_halfway_keep_the_ones_they_replace(
    engine, debrief_csv, today, fail_on_insert
):
    """The old rows are deleted, the new insert fails: the old rows come back."""
    frame = read_debriefs("d.csv", debrief_csv, today=today)
    save_debriefs(engine, frame, user="jo")
    fail_on_insert(engine, "debriefs")
    with pytest.raises(RuntimeError, match="simulated failure"):
        save_debriefs(engine, frame.assign(young_people=[9, 0]), user="jo")
    assert load_debriefs(engine)["young_people"].tolist() == [7, 0]


def _payload(work: Path, result, rota, debrief_csv, today) -> None:
    payload = {
        "result": result,
        "decisions": ["Target Castle Square and Parc Tawe"],
        "rota": rota,
        "debriefs": read_debriefs("d.csv", debrief_csv, today=today),
    }
    (work / "payload.pkl").write_bytes(pickle.dumps(payload))


def _env(db_url: str) -> dict[str, str]:
    return {**os.environ, "CMET_DB_URL": db_url, "PYTHONDONTWRITEBYTECODE": "1"}


def _run_until(mode: str, marker: str, work: Path, db_url: str) -> None:
    """Start the child, wait for its marker file, then kill it (SIGKILL)."""
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), mode, str(work)],
        env=_env(db_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (work / marker).exists():
            if proc.poll() is not None:
                pytest.fail(
                    f"child exited early: {proc.stderr.read().decode()[-2000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"child did not reach '{marker}' in {START_TIMEOUT_S} s")
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait(timeout=30)
        proc.stderr.close()
    assert proc.returncode == -9


def _read_back(work: Path, db_url: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(CHILD), "read", str(work)],
        env=_env(db_url),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_saved_records_survive_a_killed_process(
    tmp_path, db_url, result, rota, debrief_csv, today
):
    """Saved in one process, killed with SIGKILL, read back in a new process."""
    _payload(tmp_path, result, rota, debrief_csv, today)
    _run_until("save", "saved", tmp_path, db_url)
    back = _read_back(tmp_path, db_url)
    assert back["snapshot"] == {
        "decisions": ["Target Castle Square and Parc Tawe"],
        "incidents": ["42", "<5"],
        "wkt": result.hotspots.geometry.to_wkt().tolist(),
    }
    assert back["rota"] == ["Aled;Rhian", "Ceri;Jordan", ""]
    assert back["debriefs"] == [7, 0]
    assert back["audit"] == ["snapshot_saved", "rota_changed", "debriefs_saved"]


def test_a_process_killed_mid_write_leaves_no_partial_record(
    tmp_path, db_url, result, rota, debrief_csv, today
):
    """Killed after the snapshot header but before its hotspots: nothing kept."""
    _payload(tmp_path, result, rota, debrief_csv, today)
    _run_until("hang", "mid", tmp_path, db_url)
    back = _read_back(tmp_path, db_url)
    assert back == {"snapshot": None, "rota": None, "debriefs": [], "audit": []}
