"""Child process for the restart tests: save then wait, hang mid-save, or read.

Run as ``python child_process.py MODE WORKDIR`` with ``CMET_DB_URL`` set. "save"
and "hang" write a marker file in WORKDIR and then sleep until killed.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import event

import store

KEY = "cmet-2026-12-07"
MEETING = date(2026, 12, 1)
USER = "jo"
_WAIT_S = 120


def _save_all(engine, payload: dict) -> None:
    store.save_snapshot(
        engine, MEETING, payload["result"], user=USER, decisions=payload["decisions"]
    )
    store.save_rota(engine, KEY, payload["rota"], user=USER)
    store.save_debriefs(engine, payload["debriefs"], user=USER)


def _hang_in_children(engine, work: Path) -> None:
    def hang(conn, cursor, statement, *args) -> None:
        if statement.lstrip().startswith("INSERT INTO snapshot_hotspots"):
            (work / "mid").write_text("inside the transaction")
            time.sleep(_WAIT_S)

    event.listen(engine, "before_cursor_execute", hang)


def _read(engine) -> dict:
    snap = store.latest_snapshot(engine, date(2026, 12, 2))
    rotas = store.list_rotas(engine)
    return {
        "snapshot": None
        if snap is None
        else {
            "decisions": list(snap.decisions),
            "incidents": snap.hotspots["incidents"].tolist(),
            "wkt": snap.hotspots.geometry.to_wkt().tolist(),
        },
        "rota": store.load_rota(engine, KEY)["workers"].tolist()
        if KEY in set(rotas["rota_key"])
        else None,
        "debriefs": store.load_debriefs(engine)["young_people"].tolist(),
        "audit": store.audit_log(engine)["event"].tolist(),
    }


def main(mode: str, work: Path) -> None:
    engine = store.open_store()
    if mode == "read":
        print(json.dumps(_read(engine)))
        return
    payload = pickle.loads((work / "payload.pkl").read_bytes())
    if mode == "hang":
        _hang_in_children(engine, work)
    _save_all(engine, payload)
    (work / "saved").write_text("committed")
    time.sleep(_WAIT_S)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
