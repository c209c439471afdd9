"""Session debriefs: was each outreach session held, whom it reached, what came up.

A debrief file (CSV or Excel) has one row per session and only these columns
(names in any case; synonyms in brackets):

- ``date``: the session's day, YYYY-MM-DD or DD/MM/YYYY, not in the future.
- ``session_id`` (``session``): optional, the rota's id, e.g.
  S2026-12-07-H01-evening.
- ``hotspot`` (``hotspot_name``, ``place``): the place as named in the rota.
- ``visited``: yes or no, whether the session was held.
- ``young_people`` (``young_people_contacted``, ``young_people_seen``): how many
  young people the team spoke to, 0-200 (0 or empty when not held).
- ``themes`` (``theme``): optional, up to 8 short tags separated by ``;``, e.g.
  ``county lines; vaping``; letters only, at most 4 words each.

Any other column is refused, so a debrief cannot carry case notes, names or
ages: it records the context, never the child.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select, tuple_

from geodata.disclosure import breakdown_text, shown_counts, suppress_counts
from geodata.errors import InputDataError
from geodata.tables import read_table
from store.audit import AuditEvent, check_user, record_event
from store.db import write_transaction
from store.models import NAME_LEN, OBJECT_ID_LEN, THEMES_LEN, debriefs, utc_now
from store.text import clean_text

log = logging.getLogger(__name__)

DEBRIEF_COLUMNS = ("date", "session_id", "hotspot", "visited", "young_people", "themes")
_SYNONYMS = {
    "session": "session_id",
    "hotspot_name": "hotspot",
    "place": "hotspot",
    # geodata.tables maps "theme" to "category"; in a debrief it means themes.
    "category": "themes",
    "theme": "themes",
}
_REQUIRED = ("date", "hotspot", "visited")
MAX_ROWS = 5000
MAX_YOUNG_PEOPLE = 200
MAX_THEMES = 8
_THEME = re.compile(r"[a-z][a-z'&/\- ]{0,39}")
_THEME_WORDS = 4
_SESSION = re.compile(rf"[A-Za-z0-9._:\-]{{0,{OBJECT_ID_LEN}}}")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _require(
    name: str, column: str, values: pd.Series, bad: pd.Series | np.ndarray, rule: str
) -> None:
    """Raise naming the first lines (as in the file) where ``bad`` is true."""
    if not bad.any():
        return
    lines = values.index[np.asarray(bad, dtype=bool)]
    shown = ", ".join(f"{i + 2} ('{str(values[i])[:30]}')" for i in lines[:3])
    more = f" and {len(lines) - 3} more" if len(lines) > 3 else ""
    raise InputDataError(
        f"{name}: column '{column}' {rule}; found on line(s) {shown}{more}. Fix "
        "those cells and upload the file again."
    )


def _columns(table: pd.DataFrame, name: str) -> pd.DataFrame:
    renamed = table.rename(
        columns={c: _SYNONYMS[c] for c in table.columns if c in _SYNONYMS}
    )
    extra = [c for c in renamed.columns if c not in DEBRIEF_COLUMNS]
    if extra:
        raise InputDataError(
            f"{name}: column(s) {', '.join(map(repr, extra))} are not part of a "
            f"debrief. A debrief has only {', '.join(DEBRIEF_COLUMNS)}: delete the "
            "other columns (no notes, names or ages) and upload the file again."
        )
    missing = [c for c in _REQUIRED if c not in renamed.columns]
    if missing:
        raise InputDataError(
            f"{name}: no column(s) {', '.join(missing)}. Found: "
            f"{', '.join(map(str, table.columns))}. A debrief needs date, hotspot "
            "and visited (yes/no)."
        )
    if renamed.columns.duplicated().any():
        raise InputDataError(
            f"{name}: two columns mean the same ({', '.join(map(str, table.columns))}"
            "). Keep one of them."
        )
    return renamed


def _dates(text: pd.Series, name: str, today: date) -> pd.Series:
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce")
    when = iso.fillna(pd.to_datetime(text, format="%d/%m/%Y", errors="coerce"))
    _require(name, "date", text, when.isna(), "must be YYYY-MM-DD or DD/MM/YYYY")
    days = pd.Series([stamp.date() for stamp in when], index=text.index, dtype=object)
    _require(name, "date", text, days > today, "is in the future")
    return days


def _themes(text: pd.Series, name: str) -> pd.Series:
    tags = (
        text.str.lower()
        .str.split(";")
        .map(lambda parts: [" ".join(p.split()) for p in parts if p.strip()])
    )
    rule = f"has more than {MAX_THEMES} themes"
    _require(name, "themes", text, tags.map(len) > MAX_THEMES, rule)
    flat = tags.explode().dropna()
    bad = ~flat.str.fullmatch(_THEME.pattern) | (flat.str.count(" ") >= _THEME_WORDS)
    rule = (
        "must be short tags of letters separated by ';' (no digits, at most "
        f"{_THEME_WORDS} words each), e.g. 'county lines; vaping'"
    )
    _require(name, "themes", text, text.index.isin(flat.index[bad]), rule)
    return tags.map("; ".join)


def read_debriefs(name: str, data: bytes, *, today: date | None = None) -> pd.DataFrame:
    """Read and check a debrief file.

    Parameters
    ----------
    name
        The file's name, used in messages (``.csv``, ``.tsv`` or ``.xlsx``).
    data
        Its bytes.
    today
        Dates after this are refused; today by default.

    Returns
    -------
    DataFrame
        Columns `DEBRIEF_COLUMNS`: ``date`` (`datetime.date`), ``session_id``
        (str, "" when not given), ``hotspot`` (str), ``visited`` (bool),
        ``young_people`` (int), ``themes`` (lower-case tags joined by "; ").

    Raises
    ------
    InputDataError
        Naming the file, the column, the rule and the first lines that break it.
    """
    table = _columns(read_table(name, data), name)
    if len(table) > MAX_ROWS:
        raise InputDataError(
            f"{name}: {len(table)} rows; at most {MAX_ROWS} debriefs per file. "
            "Split the file by month."
        )
    text = {
        c: table[c].fillna("").astype(str).str.strip()
        if c in table
        else pd.Series("", index=table.index)
        for c in DEBRIEF_COLUMNS
    }
    out = pd.DataFrame(index=table.index)
    out["date"] = _dates(text["date"], name, today or date.today())
    session = text["session_id"]
    rule = "must be a rota session id (letters, digits, . _ : -)"
    _require(
        name, "session_id", session, ~session.str.fullmatch(_SESSION.pattern), rule
    )
    out["session_id"] = session
    hotspot = text["hotspot"]
    bad = (hotspot == "") | (hotspot.str.len() > NAME_LEN)
    rule = f"must name the place (1-{NAME_LEN} characters)"
    _require(name, "hotspot", hotspot, bad, rule)
    out["hotspot"] = [clean_text(h, f"{name}: hotspot", NAME_LEN) for h in hotspot]
    visited = text["visited"].str.lower()
    _require(name, "visited", visited, ~visited.isin(_YES | _NO), "must be yes or no")
    out["visited"] = visited.isin(_YES)
    raw = text["young_people"]
    people = pd.to_numeric(raw.where(raw != "", "0"), errors="coerce")
    bad = people.isna() | (people % 1 != 0) | (people < 0) | (people > MAX_YOUNG_PEOPLE)
    rule = f"must be a whole number from 0 to {MAX_YOUNG_PEOPLE}"
    _require(name, "young_people", raw, bad, rule)
    rule = "is above 0 for a session marked visited = no"
    _require(name, "young_people", raw, ~out["visited"] & (people > 0), rule)
    out["young_people"] = people.astype(int)
    out["themes"] = _themes(text["themes"], name)
    key = out[["date", "hotspot", "session_id"]].astype(str)
    rule = "and hotspot (and session_id) repeat: one row per session"
    _require(name, "date", key["hotspot"], key.duplicated(keep=False), rule)
    log.info("%s: %d debriefs read", name, len(out))
    return out.reset_index(drop=True)


def save_debriefs(
    engine: Engine,
    frame: pd.DataFrame,
    *,
    user: str,
    source_id: str = "",
    at: datetime | None = None,
) -> dict[str, int]:
    """Store debriefs (from `read_debriefs`); a session debriefed again is replaced.

    All rows and the audit event are written in one transaction.

    Parameters
    ----------
    engine
        Database at the newest schema.
    frame
        Debriefs as returned by `read_debriefs`.
    user
        Who uploaded them.
    source_id
        The upload's `store.audit.file_id`, for the audit log.
    at
        When (aware UTC); now by default.

    Returns
    -------
    dict
        ``{"saved": rows written, "replaced": earlier rows they replaced}``.
    """
    check_user(user)
    when = at or utc_now()
    rows = [
        {
            "session_date": r["date"],
            "session_id": r["session_id"],
            "hotspot": r["hotspot"],
            "visited": bool(r["visited"]),
            "young_people": int(r["young_people"]),
            "themes": str(r["themes"])[:THEMES_LEN],
            "created_at": when,
            "created_by": user,
        }
        for r in frame[list(DEBRIEF_COLUMNS)].to_dict("records")
    ]
    keys = [(r["session_date"], r["hotspot"], r["session_id"]) for r in rows]
    columns = tuple_(debriefs.c.session_date, debriefs.c.hotspot, debriefs.c.session_id)
    replaced = 0
    with write_transaction(engine) as conn:
        # Bounded batches keep the statement under every backend's parameter limit.
        for start in range(0, len(keys), 300):
            result = conn.execute(
                delete(debriefs).where(columns.in_(keys[start : start + 300]))
            )
            replaced += max(result.rowcount, 0)
        if rows:
            conn.execute(insert(debriefs), rows)
        record_event(
            conn,
            AuditEvent.DEBRIEFS_SAVED,
            user,
            source_id or f"debriefs:{len(rows)}",
            at=when,
        )
    log.info("debriefs: %d saved, %d replaced, by %s", len(rows), replaced, user)
    return {"saved": len(rows), "replaced": replaced}


def load_debriefs(
    engine: Engine, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Return stored debriefs between ``start`` and ``end`` (inclusive), by date.

    Columns as from `read_debriefs`. These are internal records: pass them
    through `debrief_summary` before showing them to anyone beyond the team.
    """
    query = select(
        debriefs.c.session_date,
        debriefs.c.session_id,
        debriefs.c.hotspot,
        debriefs.c.visited,
        debriefs.c.young_people,
        debriefs.c.themes,
    ).order_by(debriefs.c.session_date, debriefs.c.hotspot, debriefs.c.session_id)
    if start is not None:
        query = query.where(debriefs.c.session_date >= start)
    if end is not None:
        query = query.where(debriefs.c.session_date <= end)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=list(DEBRIEF_COLUMNS))
    return frame.astype({"visited": bool, "young_people": int})


def debrief_summary(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Return debriefs per hotspot, disclosure-safe, most young people first.

    Columns: ``hotspot``, ``sessions`` (debriefed), ``held`` (visited),
    ``young_people`` (str, "<k" for 1 to k-1), ``young_people_shown`` (float,
    NaN when hidden), ``themes`` (e.g. "county lines 6; vaping <5": sessions
    that raised each theme, with secondary suppression).
    """
    columns = [
        "hotspot",
        "sessions",
        "held",
        "young_people",
        "young_people_shown",
        "themes",
    ]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = frame.groupby("hotspot", sort=True)
    table = grouped.agg(
        sessions=("visited", "size"),
        held=("visited", "sum"),
        total=("young_people", "sum"),
    ).reset_index()
    tags = frame.assign(tag=frame["themes"].str.split("; ")).explode("tag")
    tags = tags[tags["tag"].fillna("") != ""]
    counts = tags.groupby(["hotspot", "tag"]).size()
    themes = {
        spot: breakdown_text(
            list(part.index.get_level_values("tag")), part.to_numpy(), threshold
        )
        for spot, part in counts.groupby(level="hotspot")
    }
    total = table.pop("total").to_numpy(np.int64)
    table["young_people"] = suppress_counts(total, threshold).to_numpy()
    table["young_people_shown"] = shown_counts(total, threshold).to_numpy()
    table["themes"] = table["hotspot"].map(themes).fillna("")
    # Order by what is shown, so the order cannot rank the hidden counts.
    shown = table["young_people_shown"].fillna(0).to_numpy()
    order = np.lexsort((table["hotspot"].to_numpy(), -shown))
    return table.iloc[order][columns].reset_index(drop=True)
