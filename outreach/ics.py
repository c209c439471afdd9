"""iCalendar export of a rota: one event per worker and staffed session."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar, Event

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
_PRODID = "-//CMET hotspot and outreach planner//Swansea//EN"
_UID_DOMAIN = "cmet-planner"


def _uid(rota_id: str, session_id: str, worker: str) -> str:
    """Return a UID that is the same every time this worker's session is published."""
    key = "\x1f".join((str(rota_id), str(session_id), worker))
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@{_UID_DOMAIN}"


def _local(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(
        pd.Timestamp(day).date(), dt.time.fromisoformat(str(hhmm)), tzinfo=LONDON
    )


def _workers(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [w.strip() for w in text.split(";") if w.strip()]


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
) -> str:
    lines = [f"For: {worker}", f"Pair: {' and '.join(workers)}"]
    if route is not None:
        lines.append(f"Stops: {route[0]}")
        if route[1]:
            lines.append(f"Walking directions: {route[1]}")
    lines.append(f"Session {session_id}, rota {rota_id}.")
    return "\n".join(lines)


def rota_to_ics(
    rota: pd.DataFrame,
    *,
    rota_id: str,
    stamp: dt.datetime,
    calendar_name: str = "CMET outreach rota",
    routes: pd.DataFrame | None = None,
) -> bytes:
    """Return the staffed sessions of a rota as an iCalendar file.

    Each worker gets their own event per staffed session, in Europe/London time,
    with a UID derived from ``rota_id``, the session and the worker, so importing a
    re-published rota updates events instead of duplicating them (the later
    DTSTAMP wins). Events carry only the place, time band, pair and route: never
    incident categories, counts or anything about a young person.

    Parameters
    ----------
    rota
        Rota with ``session_id``, ``date``, ``start``, ``end`` ("HH:MM"),
        ``hotspot_name``, ``band``, ``workers`` ("A;B") and ``staffed``.
    rota_id
        Stable identifier of this rota (same value when re-publishing it).
    stamp
        Publication time, written as every event's DTSTAMP (naive means UTC).
    calendar_name
        Name calendar apps show for the calendar.
    routes
        Optional output of :func:`outreach.routes.build_routes`; adds each
        session's stops and a walking-directions link.

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
    route_by_session = _route_text(routes)
    calendar = Calendar.new(
        prodid=_PRODID, name=calendar_name, uid=_uid(rota_id, "", "calendar")
    )
    staffed = rota[rota["staffed"].fillna(False).astype(bool)]
    staffed = staffed.sort_values(["date", "start", "session_id"], kind="stable")
    events = 0
    for row in staffed.itertuples(index=False):
        workers = _workers(row.workers)
        start = _local(row.date, row.start)
        end = _local(row.date, row.end)
        if end <= start:  # a late-night session that ends after midnight
            end = _local(row.date + dt.timedelta(days=1), row.end)
        session_id = str(row.session_id)
        route = route_by_session.get(session_id)
        for worker in sorted(workers):
            calendar.add_component(
                Event.new(
                    uid=_uid(rota_id, session_id, worker),
                    stamp=stamp,
                    start=start,
                    end=end,
                    summary=f"Outreach: {row.hotspot_name} ({row.band})",
                    location=str(row.hotspot_name),
                    description=_description(
                        worker, workers, session_id, rota_id, route
                    ),
                    sequence=0,
                )
            )
            events += 1
    if events:
        calendar.add_missing_timezones(
            first_date=pd.Timestamp(staffed["date"].min()).date(),
            last_date=pd.Timestamp(staffed["date"].max()).date() + dt.timedelta(days=1),
        )
    log.info("rota_to_ics: %d events for %d staffed sessions", events, len(staffed))
    return calendar.to_ical()
