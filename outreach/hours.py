"""Opening hours: whether a service is open at a time, from OpenStreetMap syntax.

Covers the common subset of the OpenStreetMap ``opening_hours`` tag: day ranges
and lists (``Mo-Fr``, ``Mo,We,Fr``, ``Fr-Mo``), public holidays (``PH``), several
rules separated by ``;`` (a later rule replaces earlier ones on the days it
names), additional rules after ``,`` (added, not replacing), time lists
(``09:00-12:00,13:00-17:00``), times past midnight (``22:00-02:00`` or
``20:00-26:00`` belong to the day they start on), ``24/7``, ``off``/``closed``
(a whole day, or a time range taken out of that day) and a day with no time
(open all day). Anything else (months, weeks, comments, ``sunset``, open ends
such as ``17:00+``, fallbacks ``||``) is *unparseable*: the answer is ``None``
and the caller counts it rather than guessing.

Each string is compiled once into a week of minutes (7 days plus a public-holiday
row), so checking many times is an array lookup.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# A representative time for each time band (hotspots.profiles.BANDS).
BAND_TIMES: dict[str, time] = {
    "after school": time(16, 30),
    "evening": time(19, 30),
    "late night": time(22, 30),
    "daytime": time(13, 0),
}
# An ordinary week with no bank holiday in England or Wales: Monday 8 January 2024.
_REFERENCE_MONDAY = date(2024, 1, 8)

_DAY_PER_MIN = 1440
_PH = 7
_OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY = "(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAY_ITEM = rf"(?:{_DAY}(?:-{_DAY})?|PH)"
_SPAN = r"\d{1,2}:\d{2}-\d{1,2}:\d{2}"
_RULE = re.compile(
    rf"(?P<days>{_DAY_ITEM}(?:,{_DAY_ITEM})*)?\s*"
    rf"(?P<times>24/7|{_SPAN}(?:,{_SPAN})*)?\s*"
    r"(?P<state>off|closed|open)?"
)
# A comma starts an additional rule when it follows a time or a state word
# (no day abbreviation ends in a digit, "f", "d" or "n").
_ADDITIONAL = re.compile(r"(?<=[\dfdn])\s*,\s*(?=(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)\b)")
_TOKEN = re.compile(r"\b(mo|tu|we|th|fr|sa|su|ph|off|closed|open)\b", re.IGNORECASE)


def _canonical(match: re.Match[str]) -> str:
    word = match.group(1)
    if word.lower() in {"off", "closed", "open"}:
        return word.lower()
    return "PH" if word.lower() == "ph" else word.capitalize()


def _day_indices(text: str | None) -> list[int]:
    """Return day rows (0 = Monday ... 6 = Sunday, 7 = public holiday)."""
    if not text:
        return [*range(7), _PH]
    rows: list[int] = []
    for item in text.split(","):
        if item == "PH":
            rows.append(_PH)
            continue
        first, _, last = item.partition("-")
        start = _OSM_DAYS.index(first)
        stop = _OSM_DAYS.index(last) if last else start
        rows.extend((start + k) % 7 for k in range((stop - start) % 7 + 1))
    return rows


def _minutes(text: str) -> int:
    hours, minutes = (int(p) for p in text.split(":"))
    if minutes > 59:
        raise ValueError(text)
    return hours * 60 + minutes


def _span(times: str | None, state: str | None) -> np.ndarray | None:
    """Return a two-day minute mask for a rule's times (the second day is spill)."""
    mask = np.zeros(2 * _DAY_PER_MIN, dtype=bool)
    if times is None or times == "24/7":
        mask[:_DAY_PER_MIN] = state in (None, "open") or times == "24/7"
        return mask
    for item in times.split(","):
        start, end = (_minutes(t) for t in item.split("-"))
        if start > _DAY_PER_MIN or end > 2 * _DAY_PER_MIN:
            return None
        if end <= start and end <= _DAY_PER_MIN:
            end += _DAY_PER_MIN
        mask[start:end] = True
    return mask


@lru_cache(maxsize=4096)
def _compile(text: str) -> tuple[np.ndarray, bool] | None:
    """Return the week as an (8, 1440) open mask and whether PH is named."""
    text = _TOKEN.sub(_canonical, " ".join(text.split()))
    if not text or "||" in text:
        return None
    own = np.zeros((8, 2 * _DAY_PER_MIN), dtype=bool)
    names_ph = False
    for rule in filter(None, (r.strip() for r in text.split(";"))):
        for k, part in enumerate(_ADDITIONAL.split(rule)):
            match = _RULE.fullmatch(part.strip())
            if match is None or not any(match.groupdict().values()):
                return None
            try:
                mask = _span(match["times"], match["state"])
            except ValueError:
                return None
            if mask is None:
                return None
            rows = _day_indices(match["days"])
            names_ph |= bool(match["days"]) and _PH in rows
            closing = match["state"] in ("off", "closed")
            if closing and match["times"] not in (None, "24/7"):
                own[rows] &= ~mask
            elif closing:
                own[rows] = False
            elif k == 0:
                own[rows] = mask
            else:
                own[rows] |= mask
    week = np.zeros((8, _DAY_PER_MIN), dtype=bool)
    # Minutes past midnight belong to the day the opening started on.
    week[:7] = own[:7, :_DAY_PER_MIN] | np.roll(own[:7, _DAY_PER_MIN:], 1, axis=0)
    week[_PH] = own[_PH, :_DAY_PER_MIN]
    week.setflags(write=False)
    return week, names_ph


def parse_hours(opening_hours: str) -> np.ndarray | None:
    """Compile an ``opening_hours`` string into a week of open minutes.

    Parameters
    ----------
    opening_hours
        OpenStreetMap ``opening_hours`` text (the subset in the module notes).

    Returns
    -------
    numpy.ndarray or None
        Read-only boolean array, shape (8, 1440): rows Monday..Sunday then public
        holiday, columns minutes after midnight; None when empty or unparseable.
    """
    compiled = _compile(str(opening_hours).strip())
    return None if compiled is None else compiled[0]


def is_open(
    opening_hours: str,
    when: datetime,
    *,
    public_holidays: Collection[date] = (),
) -> bool | None:
    """Say whether a service with these opening hours is open at ``when``.

    Parameters
    ----------
    opening_hours
        OpenStreetMap ``opening_hours`` text.
    when
        Local date and time.
    public_holidays
        Dates on which ``PH`` rules apply; without a PH rule a holiday follows
        its weekday's hours.

    Returns
    -------
    bool or None
        True or False, or None when the hours are empty or unparseable.
    """
    compiled = _compile(str(opening_hours).strip())
    if compiled is None:
        return None
    week, names_ph = compiled
    row = _PH if names_ph and when.date() in set(public_holidays) else when.weekday()
    return bool(week[row, when.hour * 60 + when.minute])


def open_matrix(
    opening_hours: Sequence[str],
    when: pd.Series,
    *,
    public_holidays: Collection[date] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Say, for many times and many services at once, which are open.

    Parameters
    ----------
    opening_hours
        One ``opening_hours`` string per service.
    when
        Local datetimes (datetime64); NaT gives False.
    public_holidays
        Dates on which ``PH`` rules apply.

    Returns
    -------
    open : numpy.ndarray
        Boolean, shape (len(when), len(opening_hours)); False where the service's
        hours are unknown.
    known : numpy.ndarray
        Boolean, shape (len(opening_hours),): the hours were parsed.
    """
    compiled = [_compile(str(h).strip()) for h in opening_hours]
    known = np.array([c is not None for c in compiled], dtype=bool)
    n = len(when)
    if not known.any() or n == 0:
        return np.zeros((n, len(compiled)), dtype=bool), known
    empty = np.zeros((8, _DAY_PER_MIN), dtype=bool)
    table = np.stack([(c[0] if c else empty).ravel() for c in compiled])
    names_ph = np.array([bool(c and c[1]) for c in compiled])
    stamps = pd.to_datetime(pd.Series(when).reset_index(drop=True))
    valid = stamps.notna().to_numpy()
    minute = (stamps.dt.hour * 60 + stamps.dt.minute).fillna(0).to_numpy(int)
    weekday = stamps.dt.day_of_week.fillna(0).to_numpy(int)
    slot = weekday * _DAY_PER_MIN + minute
    holiday = np.zeros(n, dtype=bool)
    if public_holidays:
        days = pd.to_datetime(list(public_holidays))
        holiday = stamps.dt.normalize().isin(days).to_numpy(bool) & valid
    is_open_now = table[:, slot].T
    if holiday.any() and names_ph.any():
        ph_slot = _PH * _DAY_PER_MIN + minute[holiday]
        rows = np.flatnonzero(holiday)
        is_open_now[np.ix_(rows, names_ph)] = table[names_ph][:, ph_slot].T
    is_open_now &= valid[:, None]
    return is_open_now, known


def describe_hours(opening_hours: Sequence[str]) -> dict[str, int]:
    """Count services whose hours are known, missing or unparseable."""
    text = pd.Series(list(opening_hours), dtype="object").fillna("").astype(str)
    missing = text.str.strip() == ""
    parsed = text.map(lambda h: _compile(h.strip()) is not None)
    counts = {
        "known": int(parsed.sum()),
        "missing": int(missing.sum()),
        "unparseable": int((~parsed & ~missing).sum()),
    }
    if counts["unparseable"]:
        log.info("opening hours: %d strings could not be read", counts["unparseable"])
    return counts


def representative_time(day: str, band: str) -> datetime | None:
    """Return a datetime for a peak day ("Mon".."Sun") and time band, or None.

    The date falls in an ordinary week without bank holidays; the time is
    :data:`BAND_TIMES` for the band. Unknown days or bands give None.
    """
    if day not in DAY_NAMES or band not in BAND_TIMES:
        return None
    moment = _REFERENCE_MONDAY + timedelta(days=DAY_NAMES.index(day))
    return datetime.combine(moment, BAND_TIMES[band])
