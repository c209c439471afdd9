"""Tests for store.retention: purge what is older than the kept period."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from geodata.errors import InputDataError
from store.audit import AuditEvent, audit_log, record_event
from store.db import StoreSettings
from store.debriefs import load_debriefs, read_debriefs, save_debriefs
from store.retention import purge, purge_expired
from store.rotas import list_rotas, rota_history, save_rota
from store.snapshots import list_snapshots, save_snapshot

NOW = datetime(2026, 12, 20, 12, tzinfo=UTC)
OLD_DECISION = "Target Castle Square on Friday evenings ZQXJ"


def _fill(engine, result, rota, debrief_csv):
    """An old and a new item of every kind."""
    old, new = datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    save_snapshot(
        engine, date(2026, 1, 5), result, user="jo", decisions=[OLD_DECISION], at=old
    )
    save_snapshot(engine, date(2026, 12, 1), result, user="jo", at=new)
    save_rota(engine, "cmet-old", rota, user="jo", at=old)
    save_rota(engine, "cmet-new", rota, user="jo", at=old)
    save_rota(engine, "cmet-new", rota.iloc[:2], user="jo", at=new)
    frame = read_debriefs("d.csv", debrief_csv, today=date(2026, 12, 20))
    old_frame = frame.assign(date=[date(2026, 1, 6), date(2026, 1, 7)])
    save_debriefs(engine, old_frame, user="jo", at=old)
    save_debriefs(engine, frame, user="jo", at=new)
    record_event(engine, AuditEvent.SIGN_IN, "jo", at=datetime(2023, 1, 1, tzinfo=UTC))


def test_purge_deletes_only_what_is_older(engine, result, rota, debrief_csv):
    """90 days: the January items go, the December ones stay; counts returned."""
    _fill(engine, result, rota, debrief_csv)
    counts = purge(engine, 90, now=NOW)
    assert counts == {
        "snapshots": 1,
        "rota_versions": 2,
        "rotas": 1,
        "debriefs": 2,
        "audit_events": 0,
    }
    assert list_snapshots(engine)["meeting_date"].tolist() == [date(2026, 12, 1)]
    assert list_rotas(engine)["rota_key"].tolist() == ["cmet-new"]
    assert rota_history(engine, "cmet-new")["version"].tolist() == [2]
    assert load_debriefs(engine)["date"].tolist() == [
        date(2026, 12, 7),
        date(2026, 12, 8),
    ]
    log = audit_log(engine)
    assert log["event"].iloc[-1] == "purge"
    assert log["object_id"].iloc[-1] == "older-than:90d"
    assert "sign_in" in set(log["event"])


def test_audit_events_go_only_when_asked(engine, result, rota, debrief_csv):
    """The audit log has its own, longer retention."""
    _fill(engine, result, rota, debrief_csv)
    counts = purge_expired(
        engine,
        StoreSettings(url="sqlite://", retention_days=90, audit_retention_days=1095),
        now=NOW,
    )
    assert counts["audit_events"] == 1
    assert "sign_in" not in set(audit_log(engine)["event"])


def test_purged_text_does_not_linger_in_the_sqlite_file(
    engine, backend, db_url, result, rota, debrief_csv
):
    """secure_delete and a WAL checkpoint leave no trace of a purged decision."""
    if backend != "sqlite":
        pytest.skip("file-level check applies to SQLite only")
    _fill(engine, result, rota, debrief_csv)
    path = Path(make_url(db_url).database)
    engine.dispose()
    files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
    assert any(OLD_DECISION.encode() in p.read_bytes() for p in files)
    purge(engine, 90, now=NOW)
    engine.dispose()
    files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
    assert not any(OLD_DECISION.encode() in p.read_bytes() for p in files)


@pytest.mark.parametrize("days", [-1, 1.5, "30", True])
def test_bad_retention_is_refused(engine, days):
    """Only whole, non-negative day counts are accepted."""
    with pytest.raises(InputDataError, match="--older-than must be a whole number"):
        purge(engine, days)
