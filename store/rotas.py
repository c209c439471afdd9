"""Rotas and their versions: every change kept, with who made it and when."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, RowMapping, func, insert, select
from sqlalchemy.exc import IntegrityError

from geodata.errors import InputDataError
from outreach.sessions import SESSION_COLUMNS
from store.audit import AuditEvent, check_user, record_event
from store.db import write_transaction
from store.models import (
    NOTE_LEN,
    OBJECT_ID_LEN,
    rota_rows,
    rota_versions,
    rotas,
    utc_now,
)
from store.text import clean_text

log = logging.getLogger(__name__)

# The columns of rota.csv (outreach.rota.plan_rota) that a version keeps.
ROTA_COLUMNS = (
    *SESSION_COLUMNS,
    "workers",
    "staffed",
)
_TEXT_LIMITS = {
    "session_id": OBJECT_ID_LEN,
    "hotspot_id": 16,
    "hotspot_name": 200,
    "band": 20,
    "workers": 500,
}
_KEY = re.compile(rf"[A-Za-z0-9._:\-]{{1,{OBJECT_ID_LEN}}}")
_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}
_HISTORY_COLUMNS = [
    "version",
    "changed_at",
    "changed_by",
    "note",
    "sessions",
    "staffed",
]


@dataclass(frozen=True)
class RotaVersion:
    """One saved version of a rota.

    Attributes
    ----------
    rota_key
        The rota's name, e.g. "cmet-2026-12-07".
    version
        1 for the first save, then 2, 3, ...
    changed_at, changed_by
        When (UTC) and by whom.
    note
        What changed, in the user's words (may be empty).
    sessions, staffed
        Number of sessions and of staffed sessions.
    created
        False when the rota was unchanged, so no new version was made.
    """

    rota_key: str
    version: int
    changed_at: datetime
    changed_by: str
    note: str
    sessions: int
    staffed: int
    created: bool = True


def _bad(name: str, column: str, rows: pd.Series, rule: str) -> InputDataError:
    where = ", ".join(str(i + 2) for i in rows.index[:3])
    return InputDataError(
        f"{name}: column '{column}' {rule}; see line(s) {where}. "
        "Fix them and save the rota again."
    )


def _flag(values: pd.Series, name: str) -> pd.Series:
    if values.dtype == bool:
        return values
    text = values.fillna("").astype(str).str.strip().str.lower()
    unknown = ~text.isin(_TRUE | _FALSE)
    if unknown.any():
        raise _bad(name, "staffed", text[unknown], "must be true or false")
    return text.isin(_TRUE)


def normalise_rota(rota: pd.DataFrame, name: str = "rota") -> pd.DataFrame:
    """Return a rota (from `outreach.rota.plan_rota`, an edit, or rota.csv read
    back) with exactly `ROTA_COLUMNS`, checked and typed.

    ``date`` becomes `datetime.date`, ``priority`` int, ``staffed`` bool, the
    rest text (empty ``workers`` for an uncovered session).

    Raises
    ------
    InputDataError
        A column is missing or a value breaks its rule; the message names the
        column and the lines (as in the CSV file, header = line 1).
    """
    missing = [c for c in ROTA_COLUMNS if c not in rota.columns and c != "staffed"]
    if missing:
        raise InputDataError(
            f"{name}: no column(s) {', '.join(missing)}. A rota has the columns of "
            f"rota.csv: {', '.join(ROTA_COLUMNS)}."
        )
    frame = pd.DataFrame(rota).reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for column in ("session_id", "start", "end", "hotspot_id", "hotspot_name"):
        out[column] = frame[column].fillna("").astype(str).str.strip()
    out["band"] = frame["band"].fillna("").astype(str).str.strip()
    out["workers"] = frame["workers"].fillna("").astype(str).str.strip()
    when = pd.to_datetime(frame["date"].astype(str), format="ISO8601", errors="coerce")
    if when.isna().any():
        raise _bad(name, "date", frame["date"][when.isna()], "must be YYYY-MM-DD")
    out["date"] = [stamp.date() for stamp in when]
    for column in ("start", "end"):
        clock = ~out[column].str.fullmatch(_CLOCK.pattern)
        if clock.any():
            raise _bad(name, column, out[column][clock], "must be a time HH:MM")
    priority = pd.to_numeric(frame["priority"], errors="coerce")
    if priority.isna().any() or (priority % 1 != 0).any():
        raise _bad(name, "priority", priority[priority.isna()], "must be whole numbers")
    out["priority"] = priority.astype(int)
    staffed = frame["staffed"] if "staffed" in frame else out["workers"] != ""
    out["staffed"] = _flag(pd.Series(staffed, index=frame.index), name).astype(bool)
    if (out["session_id"] == "").any():
        raise _bad(
            name,
            "session_id",
            out["session_id"][out["session_id"] == ""],
            "must not be empty",
        )
    for column, limit in _TEXT_LIMITS.items():
        long = out[column].str.len() > limit
        if long.any():
            raise _bad(
                name, column, out[column][long], f"has text over {limit} characters"
            )
    return out[list(ROTA_COLUMNS)]


def _check_key(rota_key: str) -> str:
    if not isinstance(rota_key, str) or not _KEY.fullmatch(rota_key):
        raise ValueError(
            f"rota key must be 1-{OBJECT_ID_LEN} letters, digits or ._:- "
            "(e.g. cmet-2026-12-07)"
        )
    return rota_key


def _stored_rows(conn: Connection, version_id: int) -> pd.DataFrame:
    rows = conn.execute(
        select(
            rota_rows.c.session_id,
            rota_rows.c.session_date,
            rota_rows.c.start,
            rota_rows.c.end,
            rota_rows.c.hotspot_id,
            rota_rows.c.hotspot_name,
            rota_rows.c.band,
            rota_rows.c.priority,
            rota_rows.c.workers,
            rota_rows.c.staffed,
        )
        .where(rota_rows.c.version_id == version_id)
        .order_by(rota_rows.c.position)
    ).all()
    frame = pd.DataFrame(rows, columns=list(ROTA_COLUMNS))
    return frame.astype({"priority": int, "staffed": bool})


def _latest(conn: Connection, rota_id: int) -> RowMapping | None:
    return (
        conn.execute(
            select(rota_versions)
            .where(rota_versions.c.rota_id == rota_id)
            .order_by(rota_versions.c.version.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )


def _version(key: str, row: Mapping[str, Any], created: bool) -> RotaVersion:
    return RotaVersion(
        rota_key=key,
        version=row["version"],
        changed_at=row["changed_at"],
        changed_by=row["changed_by"],
        note=row["note"],
        sessions=row["sessions"],
        staffed=row["staffed"],
        created=created,
    )


def _save(
    conn: Connection, key: str, table: pd.DataFrame, user: str, note: str, at: datetime
) -> RotaVersion:
    rota_id = conn.execute(
        select(rotas.c.id).where(rotas.c.rota_key == key).with_for_update()
    ).scalar()
    if rota_id is None:
        rota_id = conn.execute(
            insert(rotas)
            .values(rota_key=key, created_at=at, created_by=user)
            .returning(rotas.c.id)
        ).scalar_one()
    latest = _latest(conn, rota_id)
    if latest is not None and _stored_rows(conn, latest["id"]).equals(table):
        return _version(key, latest, created=False)
    header = {
        "rota_id": rota_id,
        "version": 1 if latest is None else latest["version"] + 1,
        "changed_at": at,
        "changed_by": user,
        "note": note,
        "sessions": len(table),
        "staffed": int(table["staffed"].sum()),
    }
    version_id = conn.execute(
        insert(rota_versions).values(header).returning(rota_versions.c.id)
    ).scalar_one()
    if len(table):
        records = table.rename(columns={"date": "session_date"}).to_dict("records")
        conn.execute(
            insert(rota_rows),
            [
                {**row, "version_id": version_id, "position": i}
                for i, row in enumerate(records)
            ],
        )
    record_event(
        conn, AuditEvent.ROTA_CHANGED, user, f"rota:{key}:v{header['version']}", at=at
    )
    return _version(key, header, created=True)


def save_rota(
    engine: Engine,
    rota_key: str,
    rota: pd.DataFrame,
    *,
    user: str,
    note: str = "",
    at: datetime | None = None,
) -> RotaVersion:
    """Save a rota as its next version (nothing new if it is unchanged).

    The version, its rows and the audit event are written in one transaction.

    Parameters
    ----------
    engine
        Database at the newest schema.
    rota_key
        The rota's name, e.g. "cmet-2026-12-07" (letters, digits, ``._:-``).
    rota
        Rows as in rota.csv; see `normalise_rota`.
    user
        Who changed it.
    note
        What changed, e.g. "swapped the Friday pair" (at most 200 characters).
    at
        When (aware UTC); now by default.
    """
    key = _check_key(rota_key)
    check_user(user)
    table = normalise_rota(rota, name=f"rota {key}")
    text = clean_text(note, "rota note", NOTE_LEN)
    when = at or utc_now()
    try:
        with write_transaction(engine) as conn:
            saved = _save(conn, key, table, user, text, when)
    except IntegrityError:
        # Another writer created the same rota or version first: go again on top.
        log.info("rota %s: concurrent save, retrying", key)
        with write_transaction(engine) as conn:
            saved = _save(conn, key, table, user, text, when)
    log.info(
        "rota %s: version %d %s by %s",
        key,
        saved.version,
        "saved" if saved.created else "unchanged",
        user,
    )
    return saved


def load_rota(
    engine: Engine, rota_key: str, version: int | None = None
) -> pd.DataFrame:
    """Return a rota's rows (`ROTA_COLUMNS`) at ``version`` (default the latest).

    Raises ``LookupError`` when the rota or version does not exist.
    """
    key = _check_key(rota_key)
    query = (
        select(rota_versions.c.id, rota_versions.c.version)
        .join(rotas, rotas.c.id == rota_versions.c.rota_id)
        .where(rotas.c.rota_key == key)
        .order_by(rota_versions.c.version.desc())
    )
    if version is not None:
        query = query.where(rota_versions.c.version == version)
    with engine.connect() as conn:
        found = conn.execute(query.limit(1)).first()
        if found is None:
            which = "saved version" if version is None else f"version {version}"
            raise LookupError(f"rota {key} has no {which}")
        return _stored_rows(conn, found.id)


def rota_history(engine: Engine, rota_key: str) -> pd.DataFrame:
    """Return every version of a rota, oldest first: ``version``, ``changed_at``,
    ``changed_by``, ``note``, ``sessions``, ``staffed``.
    """
    key = _check_key(rota_key)
    query = (
        select(*(rota_versions.c[c] for c in _HISTORY_COLUMNS))
        .join(rotas, rotas.c.id == rota_versions.c.rota_id)
        .where(rotas.c.rota_key == key)
        .order_by(rota_versions.c.version)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=_HISTORY_COLUMNS)


def list_rotas(engine: Engine) -> pd.DataFrame:
    """Return one row per rota, latest change first: ``rota_key``, ``versions``,
    ``changed_at`` (of the latest version).
    """
    query = (
        select(
            rotas.c.rota_key,
            func.count(rota_versions.c.id),
            func.max(rota_versions.c.changed_at),
        )
        .join(rota_versions, rotas.c.id == rota_versions.c.rota_id)
        .group_by(rotas.c.rota_key)
        .order_by(func.max(rota_versions.c.changed_at).desc())
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["rota_key", "versions", "changed_at"])
