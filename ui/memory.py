"""The app's lasting memory: the store's engine, the audit log and panel snapshots.

One engine per database URL lives in ``st.cache_resource`` (an engine is a
connection pool, shared by every session). The URL comes from
``StoreSettings.from_env()`` on each call, so tests pointing ``CMET_DB_URL`` at a
temporary SQLite file get their own database.
"""

from __future__ import annotations

import logging
from datetime import date

import streamlit as st
from sqlalchemy import Engine

from store import (
    AuditEvent,
    Snapshot,
    StoreSettings,
    file_id,
    latest_snapshot,
    open_store,
    record_event,
)
from ui import state

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return open_store(url)


def engine() -> Engine:
    """Return the engine of the configured database, migrated to the newest schema."""
    return _engine(StoreSettings.from_env().url)


def current_user() -> str:
    """Return the audit id of this session's user ("local" before the gate ran)."""
    access = st.session_state.get(state.USER)
    return getattr(access, "user", "local")


def record(event: AuditEvent, object_id: str = "", *, user: str | None = None) -> None:
    """Write one audit event (who and what, never any content)."""
    record_event(engine(), event, user or current_user(), object_id)


def record_upload(data: bytes) -> None:
    """Audit an upload by the fingerprint of its bytes (never its name or content)."""
    record(AuditEvent.UPLOAD, file_id(data))


def record_export(name: str) -> None:
    """Audit a download by the file name the app gave it."""
    record(AuditEvent.EXPORT, name)


def previous_panel(before: date) -> Snapshot | None:
    """Return the last saved panel snapshot before ``before``, if any."""
    return latest_snapshot(engine(), before)
