"""Lasting memory: panel snapshots, rota versions, debriefs, audit log, retention.

Backed by SQLite (a file in ``var/`` by default) or PostgreSQL through
SQLAlchemy, with the schema managed by Alembic (`open_store` migrates on open).
Nothing here holds an incident or an uploaded file.
"""

from __future__ import annotations

from store.audit import AuditEvent, audit_log, file_id, record_event
from store.db import (
    StoreSettings,
    current_revision,
    make_engine,
    open_store,
    upgrade,
)
from store.debriefs import (
    DEBRIEF_COLUMNS,
    debrief_summary,
    load_debriefs,
    read_debriefs,
    save_debriefs,
)
from store.retention import purge, purge_expired
from store.rotas import (
    ROTA_COLUMNS,
    RotaVersion,
    list_rotas,
    load_rota,
    normalise_rota,
    rota_history,
    save_rota,
)
from store.snapshots import (
    HOTSPOT_FIELDS,
    Snapshot,
    latest_snapshot,
    list_snapshots,
    load_snapshot,
    save_snapshot,
)

__all__ = [
    "DEBRIEF_COLUMNS",
    "HOTSPOT_FIELDS",
    "ROTA_COLUMNS",
    "AuditEvent",
    "RotaVersion",
    "Snapshot",
    "StoreSettings",
    "audit_log",
    "current_revision",
    "debrief_summary",
    "file_id",
    "latest_snapshot",
    "list_rotas",
    "list_snapshots",
    "load_debriefs",
    "load_rota",
    "load_snapshot",
    "make_engine",
    "normalise_rota",
    "open_store",
    "purge",
    "purge_expired",
    "read_debriefs",
    "record_event",
    "rota_history",
    "save_debriefs",
    "save_rota",
    "save_snapshot",
    "upgrade",
]
