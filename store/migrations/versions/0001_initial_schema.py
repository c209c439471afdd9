"""Initial schema: snapshots, rotas and their versions, debriefs, audit events.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _parent(column: str, table: str, child: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{table}.id"],
        name=op.f(f"fk_{child}_{column}_{table}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    """Create every table with its keys and indexes."""
    op.create_table(
        "audit_events",
        _id(),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=120), nullable=False),
        sa.Column("object_id", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_at_event", "audit_events", ["at", "event"])

    op.create_table(
        "debriefs",
        _id(),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("session_id", sa.String(length=80), nullable=False),
        sa.Column("hotspot", sa.String(length=200), nullable=False),
        sa.Column("visited", sa.Boolean(), nullable=False),
        sa.Column("young_people", sa.Integer(), nullable=False),
        sa.Column("themes", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debriefs")),
        sa.UniqueConstraint(
            "session_date",
            "hotspot",
            "session_id",
            name=op.f("uq_debriefs_session_date_hotspot_session_id"),
        ),
    )
    op.create_index(op.f("ix_debriefs_session_date"), "debriefs", ["session_date"])

    op.create_table(
        "rotas",
        _id(),
        sa.Column("rota_key", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rotas")),
        sa.UniqueConstraint("rota_key", name=op.f("uq_rotas_rota_key")),
    )

    op.create_table(
        "snapshots",
        _id(),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("crs", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
    )
    op.create_index(op.f("ix_snapshots_meeting_date"), "snapshots", ["meeting_date"])

    op.create_table(
        "rota_versions",
        _id(),
        sa.Column("rota_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("staffed", sa.Integer(), nullable=False),
        _parent("rota_id", "rotas", "rota_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_versions")),
        sa.UniqueConstraint(
            "rota_id", "version", name=op.f("uq_rota_versions_rota_id_version")
        ),
    )
    op.create_index(
        op.f("ix_rota_versions_changed_at"), "rota_versions", ["changed_at"]
    )
    op.create_index(op.f("ix_rota_versions_rota_id"), "rota_versions", ["rota_id"])

    op.create_table(
        "snapshot_decisions",
        _id(),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        _parent("snapshot_id", "snapshots", "snapshot_decisions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_decisions")),
    )
    op.create_index(
        op.f("ix_snapshot_decisions_snapshot_id"),
        "snapshot_decisions",
        ["snapshot_id"],
    )

    op.create_table(
        "snapshot_hotspots",
        _id(),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("hotspot_id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("incidents", sa.String(length=16), nullable=False),
        sa.Column("incidents_shown", sa.Float(), nullable=True),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("trend", sa.String(length=20), nullable=True),
        sa.Column("peak_day", sa.String(length=10), nullable=False),
        sa.Column("peak_band", sa.String(length=20), nullable=False),
        sa.Column("peak_times", sa.String(length=100), nullable=False),
        sa.Column("label_x", sa.Float(), nullable=False),
        sa.Column("label_y", sa.Float(), nullable=False),
        sa.Column("geometry_wkt", sa.Text(), nullable=False),
        _parent("snapshot_id", "snapshots", "snapshot_hotspots"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_hotspots")),
        sa.UniqueConstraint(
            "snapshot_id",
            "hotspot_id",
            name=op.f("uq_snapshot_hotspots_snapshot_id_hotspot_id"),
        ),
    )
    op.create_index(
        op.f("ix_snapshot_hotspots_snapshot_id"), "snapshot_hotspots", ["snapshot_id"]
    )

    op.create_table(
        "rota_rows",
        _id(),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=80), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=False),
        sa.Column("end", sa.String(length=5), nullable=False),
        sa.Column("hotspot_id", sa.String(length=16), nullable=False),
        sa.Column("hotspot_name", sa.String(length=200), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("workers", sa.String(length=500), nullable=False),
        sa.Column("staffed", sa.Boolean(), nullable=False),
        _parent("version_id", "rota_versions", "rota_rows"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_rows")),
    )
    op.create_index(op.f("ix_rota_rows_version_id"), "rota_rows", ["version_id"])


def downgrade() -> None:
    """Drop every table (children first)."""
    for table in (
        "rota_rows",
        "snapshot_hotspots",
        "snapshot_decisions",
        "rota_versions",
        "snapshots",
        "rotas",
        "debriefs",
        "audit_events",
    ):
        op.drop_table(table)
