"""Parse partners' dates and times, choosing day-first or month-first once per file."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.errors import InputDataError

log = logging.getLogger(__name__)

# 25/12/2025, 25-12-25, 25.12.2025 21:30, 1/2/2025 9:05 pm
_NUMERIC = (
    r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<year>\d{4}|\d{2})"
    r"(?:[ T,]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?)?$"
)
# 2025-12-25, 2025/12/25 21:30:00, 2019-01 (police.uk month), 2025-12-25T21:30Z
_ISO = (
    r"^(?P<year>\d{4})[\-/](?P<month>\d{1,2})(?:[\-/](?P<day>\d{1,2}))?"
    r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?)?"
    r"(?P<tz>Z|[+\-]\d{2}:?\d{2})?$"
)
_CLOCK = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?\s*$"
)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
LOCAL_ZONE = "Europe/London"


@dataclass
class Parsed:
    """Parsed dates: the value, whether day and time are known, and notes."""

    when: pd.Series
    has_day: pd.Series
    has_time: pd.Series
    notes: list[str] = field(default_factory=list)


def _assemble(parts: pd.DataFrame, day: pd.Series, month: pd.Series) -> pd.Series:
    year = pd.to_numeric(parts["year"], errors="coerce")
    year = year.where(year >= 100, np.where(year < 70, 2000 + year, 1900 + year))
    hour = pd.to_numeric(parts.get("hour"), errors="coerce").fillna(0)
    if "ampm" in parts:
        ampm = parts["ampm"].fillna("").str.lower()
        pm, am = ampm.str.startswith("p"), ampm.str.startswith("a")
        bad = (ampm != "") & ((hour > 12) | (hour == 0))
        hour = hour.where(~(pm & (hour < 12)), hour + 12)
        hour = hour.where(~(am & (hour == 12)), 0).where(~bad, np.nan)
    frame = pd.DataFrame(
        {
            "year": year,
            "month": pd.to_numeric(month, errors="coerce"),
            "day": pd.to_numeric(day, errors="coerce").fillna(1),
            "hour": hour,
            "minute": pd.to_numeric(parts.get("minute"), errors="coerce").fillna(0),
            "second": pd.to_numeric(parts.get("second"), errors="coerce").fillna(0),
        },
        index=parts.index,
    )
    valid = frame.notna().all(axis=1)
    out = pd.Series(pd.NaT, index=parts.index, dtype="datetime64[ns]")
    if valid.any():
        out[valid] = pd.to_datetime(frame[valid], errors="coerce")
    return out


def _iso(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    parts = raw.str.extract(_ISO)
    matched = parts["year"].notna()
    when = _assemble(
        parts[matched], parts.loc[matched, "day"], parts.loc[matched, "month"]
    )
    zone = parts.loc[matched, "tz"].notna()
    if zone.any():
        aware = pd.to_datetime(
            raw[matched][zone], utc=True, format="ISO8601", errors="coerce"
        )
        when[zone] = aware.dt.tz_convert(LOCAL_ZONE).dt.tz_localize(None)
    return (
        matched,
        when.reindex(raw.index),
        parts["day"].notna(),
        parts["hour"].notna(),
    )


def _order(
    name: str, column: str, first: pd.Series, second: pd.Series
) -> tuple[bool, str]:
    """Decide day-first (UK) or month-first once for the whole file."""
    day_first = first > 12
    month_first = second > 12
    if day_first.any() and month_first.any():
        a = f"{int(first[day_first].iloc[0])}/{int(second[day_first].iloc[0])}"
        b = f"{int(first[month_first].iloc[0])}/{int(second[month_first].iloc[0])}"
        raise InputDataError(
            f"{name}: column '{column}' mixes day-first and month-first dates (e.g. "
            f"'{a}/…' and '{b}/…'). Export the file with one date format, "
            "preferably 25/12/2025 or 2025-12-25."
        )
    if month_first.any():
        return False, (
            f"dates in '{column}' read month-first (US order, e.g. 12/25/2025) "
            "because some have a month above 12 in the first place"
        )
    ambiguous = (first <= 12) & (second <= 12) & (first != second)
    if ambiguous.any():
        return True, (
            f"dates in '{column}' such as 03/04/2025 read day-first (3 April 2025), "
            "the UK order"
        )
    return True, ""


def _named_months(raw: pd.Series, day_first: bool) -> pd.Series:
    try:
        parsed = pd.to_datetime(
            raw, format="mixed", dayfirst=day_first, errors="coerce"
        )
    except (ValueError, TypeError):  # mixed time zones cannot share one column
        return pd.Series(pd.NaT, index=raw.index)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(LOCAL_ZONE).dt.tz_localize(None)
    return parsed


def parse_dates(raw: pd.Series, name: str, column: str = "date") -> Parsed:
    """Parse a column of date strings (ISO, UK numeric, Excel serial, month names).

    Day-first or month-first is decided once for the file from the values; a file
    that mixes both orders is refused. Times with an offset (``Z``, ``+01:00``) are
    converted to UK local time. Each distinct value is parsed once.
    """
    codes, uniques = pd.factorize(raw.astype(str).str.strip())
    parsed = _parse_unique(pd.Series(uniques, dtype="str"), name, column)
    take = np.where(codes < 0, 0, codes) if len(uniques) else codes

    def expand(values: pd.Series) -> pd.Series:
        if not len(uniques):
            return pd.Series(
                values.iloc[:0].tolist(), index=raw.index[:0], dtype=values.dtype
            )
        return pd.Series(values.to_numpy()[take], index=raw.index)

    return Parsed(
        when=expand(parsed.when),
        has_day=expand(parsed.has_day),
        has_time=expand(parsed.has_time),
        notes=parsed.notes,
    )


def _fast(raw: pd.Series, name: str, column: str) -> tuple[Parsed, pd.Series, bool]:
    """Parse the common forms with C-speed fixed formats; decide the day order.

    Returns what was parsed, which values it handled, and whether numeric dates are
    day-first (decided here from every numeric date in the file).
    """
    when = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    notes: list[str] = []
    iso = raw.str.match(r"\d{4}-\d{1,2}") & ~raw.str.contains(
        r"(?:Z|[+\-]\d{2}:?\d{2})$"
    )
    if iso.any():
        when[iso] = pd.to_datetime(raw[iso], format="ISO8601", errors="coerce")
    numeric = raw.str.match(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}")
    day_first = True
    if numeric.any():
        head = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](.*)$"
        first = pd.to_numeric(raw[numeric].str.replace(head, r"\1", regex=True))
        second = pd.to_numeric(raw[numeric].str.replace(head, r"\2", regex=True))
        day_first, note = _order(name, column, first, second)
        if note:
            notes.append(note)
        unified = raw[numeric].str.replace(head, r"\1/\2/\3", regex=True)
        order = "%d/%m/" if day_first else "%m/%d/"
        for tail in ("%Y %H:%M", "%Y", "%Y %H:%M:%S"):
            todo = when[numeric].isna().to_numpy()
            if todo.any():
                chunk = unified[todo]
                when[chunk.index] = pd.to_datetime(
                    chunk, format=order + tail, errors="coerce"
                )
    handled = when.notna()
    has_day = handled & ~raw.str.fullmatch(r"\d{4}-\d{1,2}")
    has_time = handled & raw.str.contains(":", regex=False)
    parsed = Parsed(when=when, has_day=has_day, has_time=has_time, notes=notes)
    return parsed, handled, day_first


def _parse_unique(raw: pd.Series, name: str, column: str) -> Parsed:
    fast, handled, day_first = _fast(raw, name, column)
    slow = _parse_slow(raw[~handled], name, column, day_first)
    when = fast.when.copy()
    when[~handled] = slow.when
    has_day = fast.has_day.copy()
    has_day[~handled] = slow.has_day
    has_time = (fast.has_time.copy()).astype(bool)
    has_time[~handled] = slow.has_time
    notes = fast.notes + [n for n in slow.notes if n not in fast.notes]
    clocked = has_time & when.notna()
    if clocked.any() and (when[clocked] == when[clocked].dt.normalize()).all():
        # Excel date cells come through as midnight: no time was really recorded.
        has_time = pd.Series(False, index=raw.index)
        notes.append(
            f"every time in '{column}' is 00:00, so times are treated as unknown"
        )
    return Parsed(
        when=when, has_day=has_day.astype(bool), has_time=has_time, notes=notes
    )


def _parse_slow(raw: pd.Series, name: str, column: str, day_first: bool) -> Parsed:
    """Parse the rarer forms: 2-digit years, am/pm, offsets, serials, month names."""
    raw = raw.astype(object)
    notes: list[str] = []
    iso, when, has_day, has_time = _iso(raw)
    parts = raw.str.extract(_NUMERIC, flags=re.IGNORECASE)
    numeric = parts["a"].notna() & ~iso
    if numeric.any():
        first = pd.to_numeric(parts.loc[numeric, "a"])
        second = pd.to_numeric(parts.loc[numeric, "b"])
        day, month = (first, second) if day_first else (second, first)
        when[numeric] = _assemble(parts[numeric], day, month)
        has_day[numeric] = True
        has_time[numeric] = parts.loc[numeric, "hour"].notna()
    rest = ~iso & ~numeric & (raw != "")
    serial = rest & raw.str.fullmatch(r"\d{5}(\.\d+)?")
    if serial.any() and serial.sum() == rest.sum():
        days = pd.to_numeric(raw[serial])
        plausible = days.between(20_000, 80_000)
        when[serial] = (
            _EXCEL_EPOCH + pd.to_timedelta(days.where(plausible), unit="D")
        ).dt.round("s")
        has_day[serial] = True
        has_time[serial] = (days % 1) > 0
        notes.append(f"dates in '{column}' were Excel day numbers and were converted")
    else:
        # Month names ("25 Dec 2025 21:30") are unambiguous; use the file's order.
        named = rest & raw.str.contains(r"[A-Za-z]{3}") & raw.str.contains(r"\d{1,2}")
        if named.any():
            when[named] = _named_months(raw[named], day_first)
            has_day[named] = True
            has_time[named] = raw[named].str.contains(":", regex=False)
    has_time = has_time & when.notna()
    return Parsed(
        when=when,
        has_day=has_day.astype(bool),
        has_time=has_time.astype(bool),
        notes=notes,
    )


def _clock_seconds(text: pd.Series) -> np.ndarray:
    """Return seconds after midnight for clock strings (NaN where not a time)."""
    text = text.astype(str).str.strip().str.lower()
    parts = text.str.extract(_CLOCK)
    compact = text.str.fullmatch(r"\d{4}") & parts["hour"].isna()
    parts.loc[compact, "hour"] = text[compact].str[:2]
    parts.loc[compact, "minute"] = text[compact].str[2:]
    hour = pd.to_numeric(parts["hour"], errors="coerce")
    pm = parts["ampm"].fillna("").str.startswith("p") & (hour < 12)
    am12 = parts["ampm"].fillna("").str.startswith("a") & (hour == 12)
    hour = hour.where(~pm, hour + 12).where(~am12, 0)
    minute = pd.to_numeric(parts["minute"], errors="coerce")
    second = pd.to_numeric(parts["second"], errors="coerce").fillna(0)
    valid = hour.between(0, 23) & minute.between(0, 59)
    seconds = hour * 3600 + minute * 60 + second
    return seconds.where(valid).to_numpy(dtype="float64", na_value=np.nan)


def apply_clock(parsed: Parsed, clock: pd.Series) -> Parsed:
    """Add times from a separate time column (``21:30``, ``9:30 pm``, ``2130``).

    Each distinct value is parsed once (a day has at most 86,400 clock readings),
    so a million rows cost one pass to factorise them.
    """
    codes, uniques = pd.factorize(clock, use_na_sentinel=True)
    seconds = np.append(
        _clock_seconds(pd.Series(np.asarray(uniques, dtype=object))), np.nan
    )
    per_row = seconds[np.where(codes < 0, len(seconds) - 1, codes)]
    given = (
        ~np.isnan(per_row)
        & parsed.has_day.to_numpy(dtype=bool)
        & parsed.when.notna().to_numpy()
    )
    given = pd.Series(given, index=parsed.when.index)
    offset = pd.to_timedelta(np.nan_to_num(per_row), unit="s")
    shifted = parsed.when.dt.normalize() + pd.Series(offset, index=parsed.when.index)
    when = parsed.when.where(~given, shifted)
    return Parsed(
        when=when,
        has_day=parsed.has_day,
        has_time=parsed.has_time | given,
        notes=parsed.notes,
    )
