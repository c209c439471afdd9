"""The database schema: aggregated snapshots, rotas, debriefs and the audit log.

No table holds an incident, a contact or an uploaded file: snapshots keep the
already-suppressed hotspot table (counts as text such as "<5", polygons of whole
grid cells, labels at named public places), rotas keep the planned sessions and
worker names, debriefs keep one row per outreach session, and audit events keep
only an event type, a user id and a short object id. Change this file only
together with a new migration in ``store/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# Column lengths shared with the code that validates values before writing.
USER_LEN = 120
OBJECT_ID_LEN = 80
NAME_LEN = 200
DECISION_LEN = 1000
NOTE_LEN = 200
THEMES_LEN = 400


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and read back as an aware UTC datetime.

    SQLite keeps no time zone and PostgreSQL's ``timestamp`` none either, so both
    backends hold the same values; callers always get ``tzinfo=UTC``.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be time-zone aware (UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect):
        return None if value is None else value.replace(tzinfo=UTC)


snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_date", Date, nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(USER_LEN), nullable=False),
    Column("threshold", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("message", Text, nullable=False),
    Column("choices", JSON, nullable=False),
    Column("crs", String(16), nullable=False),
)

snapshot_hotspots = Table(
    "snapshot_hotspots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "snapshot_id",
        Integer,
        ForeignKey("snapshots.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("hotspot_id", String(16), nullable=False),
    Column("name", String(NAME_LEN), nullable=False),
    Column("incidents", String(16), nullable=False),
    Column("incidents_shown", Float, nullable=True),
    Column("cells", Integer, nullable=False),
    Column("strength", Float, nullable=False),
    Column("categories", Text, nullable=False),
    Column("sources", Text, nullable=False),
    Column("trend", String(20), nullable=True),
    Column("peak_day", String(10), nullable=False),
    Column("peak_band", String(20), nullable=False),
    Column("peak_times", String(100), nullable=False),
    Column("label_x", Float, nullable=False),
    Column("label_y", Float, nullable=False),
    Column("geometry_wkt", Text, nullable=False),
    UniqueConstraint("snapshot_id", "hotspot_id"),
)

snapshot_decisions = Table(
    "snapshot_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "snapshot_id",
        Integer,
        ForeignKey("snapshots.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("text", String(DECISION_LEN), nullable=False),
)

rotas = Table(
    "rotas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rota_key", String(OBJECT_ID_LEN), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(USER_LEN), nullable=False),
)

rota_versions = Table(
    "rota_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "rota_id",
        Integer,
        ForeignKey("rotas.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("version", Integer, nullable=False),
    Column("changed_at", UTCDateTime, nullable=False, index=True),
    Column("changed_by", String(USER_LEN), nullable=False),
    Column("note", String(NOTE_LEN), nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("staffed", Integer, nullable=False),
    UniqueConstraint("rota_id", "version"),
)

rota_rows = Table(
    "rota_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "version_id",
        Integer,
        ForeignKey("rota_versions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("session_id", String(OBJECT_ID_LEN), nullable=False),
    Column("session_date", Date, nullable=False),
    Column("start", String(5), nullable=False),
    Column("end", String(5), nullable=False),
    Column("hotspot_id", String(16), nullable=False),
    Column("hotspot_name", String(NAME_LEN), nullable=False),
    Column("band", String(20), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("workers", String(500), nullable=False),
    Column("staffed", Boolean, nullable=False),
)

debriefs = Table(
    "debriefs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_date", Date, nullable=False, index=True),
    Column("session_id", String(OBJECT_ID_LEN), nullable=False),
    Column("hotspot", String(NAME_LEN), nullable=False),
    Column("visited", Boolean, nullable=False),
    Column("young_people", Integer, nullable=False),
    Column("themes", String(THEMES_LEN), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(USER_LEN), nullable=False),
    UniqueConstraint("session_date", "hotspot", "session_id"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("event", String(32), nullable=False),
    Column("user_id", String(USER_LEN), nullable=False),
    Column("object_id", String(OBJECT_ID_LEN), nullable=False),
    Index("ix_audit_events_at_event", "at", "event"),
)

DATA_TABLES = (
    snapshots,
    snapshot_hotspots,
    snapshot_decisions,
    rotas,
    rota_versions,
    rota_rows,
    debriefs,
    audit_events,
)


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)
