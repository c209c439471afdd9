"""Panel snapshots: a meeting's aggregated hotspot table and decisions, kept.

A snapshot holds only what the panel already saw: the disclosure-safe hotspot
table (counts as text such as "<5", polygons made of whole grid cells, labels at
named public places), the method's choices and the decisions taken. It never
holds incidents. `latest_snapshot` finds the previous meeting for "since the
last panel".
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine, func, insert, select

from geodata.crs import BNG
from geodata.disclosure import DEFAULT_THRESHOLD
from geodata.errors import InputDataError
from store.audit import AuditEvent, check_user, record_event
from store.db import write_transaction
from store.models import (
    DECISION_LEN,
    snapshot_decisions,
    snapshot_hotspots,
    snapshots,
    utc_now,
)
from store.text import clean_text

if TYPE_CHECKING:  # importing hotspots would load its statistics stack (slow)
    from hotspots.result import HotspotResult

log = logging.getLogger(__name__)

# The hotspot columns a snapshot keeps; any other column is left out.
HOTSPOT_FIELDS = (
    "hotspot_id",
    "name",
    "incidents",
    "incidents_shown",
    "cells",
    "strength",
    "categories",
    "sources",
    "trend",
    "peak_day",
    "peak_band",
    "peak_times",
    "label_x",
    "label_y",
)
_OPTIONAL = {"sources": "", "trend": None}
MAX_DECISIONS = 20
_WKT_DECIMALS = 1
# Choices under such keys count records; small values are hidden like counts.
_COUNT_KEY = re.compile(
    r"incident|contact|young|people|visit|record|rows|left_out|outside|dropped"
)


@dataclass(frozen=True)
class Snapshot:
    """One saved panel meeting.

    Attributes
    ----------
    snapshot_id
        Database id.
    meeting_date
        The panel's date.
    created_at, created_by
        When (UTC) and by whom it was saved.
    threshold
        Disclosure threshold the counts were suppressed with.
    status, message
        The hotspot result's status ("ok" or "too_few") and summary.
    choices
        The method's parameters and automatic choices (small counts shown "<k").
    decisions
        The panel's decisions, in order.
    hotspots
        EPSG:27700 hotspot areas with the columns of `HOTSPOT_FIELDS` ("trend"
        may be missing values) and polygon geometry, strongest first.
    """

    snapshot_id: int
    meeting_date: date
    created_at: datetime
    created_by: str
    threshold: int
    status: str
    message: str
    choices: dict
    decisions: tuple[str, ...]
    hotspots: gpd.GeoDataFrame


def _plain(value: Any) -> Any:
    """Return a table value as a plain Python value (NaN and NA as ``None``)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _safe_choices(value: Any, threshold: int, key: str = "") -> Any:
    """Return choices as JSON-ready data, small counts of records shown "<k"."""
    if isinstance(value, Mapping):
        return {str(k): _safe_choices(v, threshold, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe_choices(v, threshold, key) for v in value]
    value = _plain(value)
    if value is None or isinstance(value, bool | str | float):
        return value
    if isinstance(value, int):
        small = 0 < value < threshold and _COUNT_KEY.search(key)
        return f"<{threshold}" if small else value
    return str(value)


def _check_counts(table: pd.DataFrame, threshold: int) -> None:
    """Refuse a hotspot table whose counts were not suppressed at ``threshold``."""
    text = table["incidents"].astype(str).str.strip()
    number = pd.to_numeric(text, errors="coerce")
    ok = (text == f"<{threshold}") | (number == 0) | (number >= threshold)
    shown = pd.to_numeric(table["incidents_shown"], errors="coerce")
    ok &= shown.isna() | (shown == 0) | (shown >= threshold)
    # Breakdowns read "violence 12; drugs <5; theft *": each part ends in a count.
    for column in ("categories", "sources"):
        parts = table[column].fillna("").astype(str).str.split("; ").explode()
        last = parts[parts.str.strip() != ""].str.rsplit(" ", n=1).str[-1]
        value = pd.to_numeric(last, errors="coerce")
        good = last.isin([f"<{threshold}", "*"]) | (value == 0) | (value >= threshold)
        ok &= good.groupby(level=0).all().reindex(table.index, fill_value=True)
    if not ok.all():
        bad = table.loc[~ok, "hotspot_id"].astype(str).tolist()
        raise ValueError(
            f"hotspot(s) {', '.join(bad)}: counts are not suppressed at the "
            f"disclosure threshold {threshold}; refusing to store them"
        )


def _hotspot_rows(
    hotspots: gpd.GeoDataFrame, threshold: int, trends: Mapping[str, str] | None
) -> list[dict]:
    """Return the kept columns of each hotspot as database rows."""
    if hotspots.crs is None:
        raise ValueError("hotspots have no CRS")
    layer = hotspots.to_crs(BNG)
    missing = [f for f in HOTSPOT_FIELDS if f not in layer and f not in _OPTIONAL]
    if missing:
        raise ValueError(f"not a hotspot table: no column(s) {', '.join(missing)}")
    kinds = set(layer.geom_type.dropna())
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise ValueError(
            f"hotspot geometry must be polygons, got {sorted(kinds)}: a snapshot "
            "never keeps points"
        )
    table = pd.DataFrame(layer.drop(columns=layer.geometry.name))
    for column, default in _OPTIONAL.items():
        if column not in table:
            table[column] = default
    if trends is not None:
        table["trend"] = table["hotspot_id"].map(dict(trends))
    _check_counts(table, threshold)
    wkt = shapely.to_wkt(
        layer.geometry.to_numpy(), rounding_precision=_WKT_DECIMALS, trim=True
    )
    records = table[list(HOTSPOT_FIELDS)].astype(object).to_numpy().tolist()
    return [
        {
            **{k: _plain(v) for k, v in zip(HOTSPOT_FIELDS, values, strict=True)},
            "incidents": str(values[HOTSPOT_FIELDS.index("incidents")]),
            "position": position,
            "geometry_wkt": shape,
        }
        for position, (values, shape) in enumerate(zip(records, wkt, strict=True))
    ]


def _decisions(decisions: Sequence[str]) -> list[str]:
    if isinstance(decisions, str):
        decisions = [decisions]
    if len(decisions) > MAX_DECISIONS:
        raise InputDataError(
            f"decisions: {len(decisions)} given; at most {MAX_DECISIONS} are kept "
            "per meeting. Combine related ones."
        )
    kept = [
        clean_text(text, f"decision {i}", DECISION_LEN)
        for i, text in enumerate(decisions, start=1)
    ]
    return [text for text in kept if text]


def save_snapshot(
    engine: Engine,
    meeting_date: date,
    result: HotspotResult,
    *,
    user: str,
    decisions: Sequence[str] = (),
    trends: Mapping[str, str] | None = None,
    at: datetime | None = None,
) -> int:
    """Save a panel meeting's hotspot table and decisions; return the snapshot id.

    The snapshot, its hotspots, its decisions and the audit event are written in
    one transaction: all of them or none.

    Parameters
    ----------
    engine
        Database at the newest schema (`store.db.open_store`).
    meeting_date
        The panel's date.
    result
        The hotspot result the panel saw; only the columns in `HOTSPOT_FIELDS`
        of ``result.hotspots`` are kept, and counts must already be suppressed
        at ``result.choices["disclosure_threshold"]``.
    user
        Who saves it.
    decisions
        The panel's decisions as short texts ("Target Castle Square and Parc
        Tawe on Friday evenings"); e-mail addresses, phone numbers and dates of
        birth are refused.
    trends
        Optional trend class per hotspot id (from `hotspots.trends`), used when
        the hotspot table has no ``trend`` column.
    at
        When (aware UTC); now by default.

    Raises
    ------
    InputDataError
        A decision is too long or looks like it names a person.
    ValueError
        The table is not a suppressed hotspot table (a bug upstream).
    """
    check_user(user)
    threshold = int(result.choices.get("disclosure_threshold", DEFAULT_THRESHOLD))
    texts = _decisions(decisions)
    rows = _hotspot_rows(result.hotspots, threshold, trends)
    header = {
        "meeting_date": meeting_date,
        "created_at": at or utc_now(),
        "created_by": user,
        "threshold": threshold,
        "status": str(result.status)[:20],
        "message": str(result.message),
        "choices": json.loads(json.dumps(_safe_choices(result.choices, threshold))),
        "crs": BNG,
    }
    with write_transaction(engine) as conn:
        snapshot_id = conn.execute(
            insert(snapshots).values(header).returning(snapshots.c.id)
        ).scalar_one()
        if rows:
            conn.execute(
                insert(snapshot_hotspots),
                [{**row, "snapshot_id": snapshot_id} for row in rows],
            )
        if texts:
            conn.execute(
                insert(snapshot_decisions),
                [
                    {"snapshot_id": snapshot_id, "position": i, "text": text}
                    for i, text in enumerate(texts)
                ],
            )
        record_event(
            conn, AuditEvent.SNAPSHOT_SAVED, user, f"snapshot:{snapshot_id}", at=at
        )
    log.info(
        "snapshot %d saved for the panel of %s: %d hotspots, %d decisions",
        snapshot_id,
        meeting_date,
        len(rows),
        len(texts),
    )
    return snapshot_id


def load_snapshot(engine: Engine, snapshot_id: int) -> Snapshot:
    """Return one saved snapshot; ``LookupError`` if there is none with that id."""
    with engine.connect() as conn:
        header = (
            conn.execute(select(snapshots).where(snapshots.c.id == snapshot_id))
            .mappings()
            .first()
        )
        if header is None:
            raise LookupError(f"no panel snapshot with id {snapshot_id}")
        spots = (
            conn.execute(
                select(snapshot_hotspots)
                .where(snapshot_hotspots.c.snapshot_id == snapshot_id)
                .order_by(snapshot_hotspots.c.position)
            )
            .mappings()
            .all()
        )
        texts = (
            conn.execute(
                select(snapshot_decisions.c.text)
                .where(snapshot_decisions.c.snapshot_id == snapshot_id)
                .order_by(snapshot_decisions.c.position)
            )
            .scalars()
            .all()
        )
    table = pd.DataFrame(
        [dict(row) for row in spots], columns=[*HOTSPOT_FIELDS, "geometry_wkt"]
    )
    geometry = shapely.from_wkt(table.pop("geometry_wkt").to_numpy(dtype=object))
    layer = gpd.GeoDataFrame(
        table[list(HOTSPOT_FIELDS)], geometry=geometry, crs=header["crs"]
    )
    return Snapshot(
        snapshot_id=header["id"],
        meeting_date=header["meeting_date"],
        created_at=header["created_at"],
        created_by=header["created_by"],
        threshold=header["threshold"],
        status=header["status"],
        message=header["message"],
        choices=dict(header["choices"]),
        decisions=tuple(texts),
        hotspots=layer,
    )


def latest_snapshot(engine: Engine, before: date) -> Snapshot | None:
    """Return the snapshot of the last panel held before ``before`` (the latest
    save for that meeting), or ``None`` when there is none.
    """
    with engine.connect() as conn:
        found = conn.execute(
            select(snapshots.c.id)
            .where(snapshots.c.meeting_date < before)
            .order_by(snapshots.c.meeting_date.desc(), snapshots.c.id.desc())
            .limit(1)
        ).scalar()
    return None if found is None else load_snapshot(engine, found)


def list_snapshots(engine: Engine) -> pd.DataFrame:
    """Return one row per saved snapshot, newest meeting first: ``snapshot_id``,
    ``meeting_date``, ``created_at``, ``created_by``, ``hotspots``, ``decisions``.
    """
    spots = (
        select(func.count())
        .where(snapshot_hotspots.c.snapshot_id == snapshots.c.id)
        .scalar_subquery()
    )
    texts = (
        select(func.count())
        .where(snapshot_decisions.c.snapshot_id == snapshots.c.id)
        .scalar_subquery()
    )
    query = select(
        snapshots.c.id,
        snapshots.c.meeting_date,
        snapshots.c.created_at,
        snapshots.c.created_by,
        spots,
        texts,
    ).order_by(snapshots.c.meeting_date.desc(), snapshots.c.id.desc())
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    columns = [
        "snapshot_id",
        "meeting_date",
        "created_at",
        "created_by",
        "hotspots",
        "decisions",
    ]
    return pd.DataFrame(rows, columns=columns)
