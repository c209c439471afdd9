"""iCalendar export of a rota: one event per worker and staffed session.

Re-publishing updates calendars instead of duplicating events: every event's
UID is derived from the rota, the session and the worker; its SEQUENCE goes up
whenever the session changes (time, place or pair) from the previous version;
and a worker taken off a session (or a session dropped) gets a CANCELLED event
with the same UID, so the old entry disappears from their calendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar, Event
from icalendar.enums import STATUS

from i18n import t
from outreach.labels import band_label, names_label

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
_PRODID = "-//CMET hotspot and outreach planner//Swansea//EN"
_UID_DOMAIN = "cmet-planner"
# What makes a session "the same" for calendars: a change here bumps SEQUENCE.
_CONTENT = ("date", "start", "end", "hotspot_name", "band", "workers")


def _uid(rota_id: str, session_id: str, worker: str) -> str:
    """Return a UID that is the same every time this worker's session is published."""
    key = "\x1f".join((str(rota_id), str(session_id), worker))
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@{_UID_DOMAIN}"


def _local(day: object, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(
        pd.Timestamp(day).date(), dt.time.fromisoformat(str(hhmm)), tzinfo=LONDON
    )


def _span(row: pd.Series) -> tuple[dt.datetime, dt.datetime]:
    start, end = _local(row["date"], row["start"]), _local(row["date"], row["end"])
    if end <= start:  # a late-night session that ends after midnight
        end = _local(
            pd.Timestamp(row["date"]).date() + dt.timedelta(days=1), row["end"]
        )
    return start, end


def _workers(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return sorted(w.strip() for w in text.split(";") if w.strip())


def _staffed(rota: pd.DataFrame) -> pd.DataFrame:
    if "staffed" not in rota.columns:
        return rota[[bool(_workers(w)) for w in rota["workers"]]]
    return rota[rota["staffed"].fillna(False).astype(bool)]


def _content(row: pd.Series) -> tuple:
    return (
        pd.Timestamp(row["date"]).date().isoformat(),
        str(row["start"]),
        str(row["end"]),
        str(row["hotspot_name"]),
        str(row["band"]),
        ";".join(_workers(row["workers"])),
    )


def ics_sequences(rota: pd.DataFrame, previous: pd.DataFrame | None) -> pd.Series:
    """Return each session's iCalendar SEQUENCE against the previous version.

    A session keeps the previous sequence (its ``sequence`` column, 0 when there
    is none) when its date, times, place, band and pair are unchanged, and gets
    one more when any of them changed; a new session starts at 0. Store the
    result as a ``sequence`` column so the next version can count on from it.
    """
    if previous is None or len(previous) == 0:
        return pd.Series(0, index=rota.index, name="sequence", dtype="int64")
    before = previous.set_index(previous["session_id"].astype(str))
    sequences = []
    for _, row in rota.iterrows():
        sid = str(row["session_id"])
        if sid not in before.index:
            sequences.append(0)
            continue
        old = before.loc[sid]
        base = int(old["sequence"]) if "sequence" in before.columns else 0
        sequences.append(base + (_content(old) != _content(row)))
    return pd.Series(sequences, index=rota.index, name="sequence", dtype="int64")


def _route_text(routes: pd.DataFrame | None) -> dict[str, tuple[str, str]]:
    """Return each session's stops and directions link, keyed by session id."""
    if routes is None or len(routes) == 0:
        return {}
    urls = (
        routes["directions_url"] if "directions_url" in routes else [""] * len(routes)
    )
    return {
        str(sid): (str(stops), str(url or ""))
        for sid, stops, url in zip(
            routes["session_id"], routes["stops"], urls, strict=True
        )
    }


def _description(
    worker: str,
    workers: list[str],
    session_id: str,
    rota_id: str,
    route: tuple[str, str] | None,
    lang: str,
) -> str:
    lines = [
        t("ics.for", lang, name=worker),
        t("ics.pair", lang, names=names_label(workers, lang)),
    ]
    if route is not None:
        lines.append(t("ics.stops", lang, stops=route[0]))
        if route[1]:
            lines.append(t("ics.directions", lang, url=route[1]))
    lines.append(t("ics.session", lang, session=session_id, rota=rota_id))
    return "\n".join(lines)


def rota_to_ics(
    rota: pd.DataFrame,
    *,
    rota_id: str,
    stamp: dt.datetime,
    calendar_name: str | None = None,
    routes: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    lang: str = "en",
) -> bytes:
    """Return the staffed sessions of a rota as an iCalendar file.

    Each worker gets their own event per staffed session, in Europe/London time,
    with a UID derived from ``rota_id``, the session and the worker, so importing a
    re-published rota updates events instead of duplicating them. Events carry
    only the place, time band, pair and route: never incident categories, counts
    or anything about a young person.

    Parameters
    ----------
    rota
        Rota with ``session_id``, ``date``, ``start``, ``end`` ("HH:MM"),
        ``hotspot_name``, ``band``, ``workers`` ("A;B") and ``staffed``; an
        optional ``sequence`` column gives each session's SEQUENCE.
    rota_id
        Stable identifier of this rota (same value when re-publishing it).
    stamp
        Publication time, written as every event's DTSTAMP (naive means UTC).
    calendar_name
        Name calendar apps show for the calendar (default "CMET outreach rota",
        in ``lang``).
    routes
        Optional output of :func:`outreach.routes.build_routes`; adds each
        session's stops and a walking-directions link.
    previous
        The version published before (same ``rota_id``). Sessions that changed
        get SEQUENCE one higher (`ics_sequences`, unless ``rota`` has its own
        ``sequence``), and every worker event that is gone (worker taken off, or
        session uncovered or dropped) is published as CANCELLED.
    lang
        Language of the event text ("en" or "cy").

    Returns
    -------
    bytes
        The ``.ics`` file's content, with the Europe/London VTIMEZONE.
    """
    stamp = (
        stamp.replace(tzinfo=dt.UTC)
        if stamp.tzinfo is None
        else stamp.astimezone(dt.UTC)
    )
    name = calendar_name or t("ics.calendar_name", lang)
    route_by_session = _route_text(routes)
    calendar = Calendar.new(
        prodid=_PRODID, name=name, uid=_uid(rota_id, "", "calendar")
    )
    if "sequence" in rota.columns:
        sequence = rota["sequence"].fillna(0).astype(int)
    else:
        sequence = ics_sequences(rota, previous)
    sequence = dict(zip(rota["session_id"].astype(str), sequence, strict=True))
    staffed = _staffed(rota).sort_values(["date", "start", "session_id"], kind="stable")
    live: set[tuple[str, str]] = set()
    days: list[dt.date] = []
    for _, row in staffed.iterrows():
        workers = _workers(row["workers"])
        start, end = _span(row)
        session_id = str(row["session_id"])
        place = str(row["hotspot_name"])
        summary = t(
            "ics.summary", lang, place=place, band=band_label(row["band"], lang)
        )
        for worker in workers:
            live.add((session_id, worker))
            calendar.add_component(
                Event.new(
                    uid=_uid(rota_id, session_id, worker),
                    stamp=stamp,
                    start=start,
                    end=end,
                    summary=summary,
                    location=place,
                    description=_description(
                        worker,
                        workers,
                        session_id,
                        rota_id,
                        route_by_session.get(session_id),
                        lang,
                    ),
                    sequence=int(sequence[session_id]),
                    status=STATUS.CONFIRMED,
                )
            )
        days.append(start.date())
    cancelled = 0
    if previous is not None and len(previous):
        for _, row in _staffed(previous).iterrows():
            session_id = str(row["session_id"])
            gone = [w for w in _workers(row["workers"]) if (session_id, w) not in live]
            if not gone:
                continue
            start, end = _span(row)
            before = int(row["sequence"]) if "sequence" in previous.columns else 0
            number = max(int(sequence.get(session_id, 0)), before + 1)
            summary = t(
                "ics.cancelled",
                lang,
                place=str(row["hotspot_name"]),
                band=band_label(row["band"], lang),
            )
            for worker in gone:
                calendar.add_component(
                    Event.new(
                        uid=_uid(rota_id, session_id, worker),
                        stamp=stamp,
                        start=start,
                        end=end,
                        summary=summary,
                        location=str(row["hotspot_name"]),
                        description=t("ics.cancelled_text", lang, name=worker),
                        sequence=number,
                        status=STATUS.CANCELLED,
                    )
                )
                cancelled += 1
            days.append(start.date())
    if days:
        calendar.add_missing_timezones(
            first_date=min(days), last_date=max(days) + dt.timedelta(days=1)
        )
    log.info(
        "rota_to_ics: %d events for %d staffed sessions, %d cancelled",
        len(live),
        len(staffed),
        cancelled,
    )
    return calendar.to_ical()
