"""Retention: delete what is older than the kept period, and say how much."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, exists, select

from geodata.errors import InputDataError
from store.audit import AuditEvent, check_user, record_event
from store.db import StoreSettings, write_transaction
from store.models import (
    audit_events,
    debriefs,
    rota_rows,
    rota_versions,
    rotas,
    snapshot_decisions,
    snapshot_hotspots,
    snapshots,
    utc_now,
)

log = logging.getLogger(__name__)


def _check_days(days: int, what: str) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InputDataError(
            f"{what} must be a whole number of days, 0 or more; got {days!r}."
        )


def purge(
    engine: Engine,
    older_than_days: int,
    *,
    audit_older_than_days: int | None = None,
    user: str = "system",
    now: datetime | None = None,
) -> dict[str, int]:
    """Delete snapshots, rota versions and debriefs older than ``older_than_days``.

    Snapshots go by meeting date, debriefs by session date, rota versions by
    when they were saved (a rota left with no version goes too). Everything is
    deleted in one transaction, which also records a ``purge`` audit event. On
    SQLite the freed pages are overwritten (``secure_delete``) and the
    write-ahead log is emptied, so deleted records do not linger in the files.

    Parameters
    ----------
    engine
        Database at the newest schema.
    older_than_days
        Keep this many days; 0 deletes everything dated before now.
    audit_older_than_days
        Also delete audit events older than this; ``None`` keeps the audit log.
    user
        Who asked for the purge (for the audit log).
    now
        The present (aware UTC); now by default.

    Returns
    -------
    dict
        Rows deleted: ``snapshots``, ``rota_versions``, ``rotas``, ``debriefs``,
        ``audit_events``.
    """
    _check_days(older_than_days, "--older-than")
    if audit_older_than_days is not None:
        _check_days(audit_older_than_days, "audit retention")
    check_user(user)
    now = now or utc_now()
    cutoff = now - timedelta(days=older_than_days)
    old_snapshots = select(snapshots.c.id).where(
        snapshots.c.meeting_date < cutoff.date()
    )
    old_versions = select(rota_versions.c.id).where(rota_versions.c.changed_at < cutoff)
    counts: dict[str, int] = {}
    with write_transaction(engine) as conn:
        for child in (snapshot_hotspots, snapshot_decisions):
            conn.execute(delete(child).where(child.c.snapshot_id.in_(old_snapshots)))
        counts["snapshots"] = conn.execute(
            delete(snapshots).where(snapshots.c.id.in_(old_snapshots))
        ).rowcount
        conn.execute(delete(rota_rows).where(rota_rows.c.version_id.in_(old_versions)))
        counts["rota_versions"] = conn.execute(
            delete(rota_versions).where(rota_versions.c.changed_at < cutoff)
        ).rowcount
        has_version = exists().where(rota_versions.c.rota_id == rotas.c.id)
        counts["rotas"] = conn.execute(delete(rotas).where(~has_version)).rowcount
        counts["debriefs"] = conn.execute(
            delete(debriefs).where(debriefs.c.session_date < cutoff.date())
        ).rowcount
        counts["audit_events"] = 0
        if audit_older_than_days is not None:
            audit_cutoff = now - timedelta(days=audit_older_than_days)
            counts["audit_events"] = conn.execute(
                delete(audit_events).where(audit_events.c.at < audit_cutoff)
            ).rowcount
        record_event(
            conn, AuditEvent.PURGE, user, f"older-than:{older_than_days}d", at=now
        )
    if engine.dialect.name == "sqlite":
        # Outside any transaction, so the checkpoint can complete.
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    log.info("purge older than %d days: %s", older_than_days, counts)
    return counts


def purge_expired(
    engine: Engine, settings: StoreSettings, *, now: datetime | None = None
) -> dict[str, int]:
    """Apply the retention settings: data after ``settings.retention_days``,
    audit events after ``settings.audit_retention_days``.
    """
    return purge(
        engine,
        settings.retention_days,
        audit_older_than_days=settings.audit_retention_days,
        now=now,
    )
