"""Weekly availability windows and leave dates: read them and test a session."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from geodata.errors import InputDataError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_AVAILABLE_HELP = (
    "Write day ranges and times like 'Mon-Fri 16:00-22:00; Sat 12:00-23:00'."
)
_DATES_HELP = (
    "Write dates as YYYY-MM-DD separated by ';', e.g. '2026-12-24; 2026-12-25'."
)

# English and Welsh day names; a user may write any prefix of two letters or more.
_DAY_WORDS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "llun": 0,
    "mawrth": 1,
    "mercher": 2,
    "iau": 3,
    "gwener": 4,
    "sadwrn": 5,
    "sul": 6,
}
_ALL_DAY = {"any", "always", "all day", "all-day"}
_NEVER = {"", "none", "never", "-"}
_TIME_RANGE = re.compile(
    r"^(\d{1,2})[:.](\d{2})\s*(?:-|\u2013|to)\s*(\d{1,2})[:.](\d{2})$", re.IGNORECASE
)
# Segments are separated by ';', a new line, or a comma that follows a time.
_SEGMENT_SPLIT = re.compile(r";|\n|(?<=\d)\s*,")
_MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Window:
    """A weekly time window in which a worker can work.

    Attributes
    ----------
    weekday
        0 = Monday ... 6 = Sunday: the day the window starts.
    start, end
        Local clock times. An ``end`` at or before ``start`` runs into the next
        day: 22:00-02:00 ends at 02:00 the next morning and 00:00-00:00 is the
        whole day.
    """

    weekday: int
    start: time
    end: time

    def minutes(self) -> tuple[int, int]:
        """Return start and end as minutes after midnight of ``weekday``."""
        begin = self.start.hour * 60 + self.start.minute
        finish = self.end.hour * 60 + self.end.minute
        if finish <= begin:
            finish += _MINUTES_PER_DAY
        return begin, finish


def covers(
    windows: Iterable[Window],
    unavailable: frozenset[date],
    day: date,
    start: time,
    end: time,
) -> bool:
    """Say whether ``windows`` cover a session on ``day`` from start to end.

    An ``end`` at or before ``start`` is on the next day. The session must lie
    inside the windows (adjacent windows join up) and touch no unavailable date.
    """
    available = tuple(windows)
    begin = start.hour * 60 + start.minute
    finish = end.hour * 60 + end.minute
    if finish <= begin:
        finish += _MINUTES_PER_DAY
    if day in unavailable:
        return False
    if finish > _MINUTES_PER_DAY and day + timedelta(days=1) in unavailable:
        return False
    spans = sorted(
        (offset * _MINUTES_PER_DAY + lo, offset * _MINUTES_PER_DAY + hi)
        for offset in (-1, 0, 1)
        for window in available
        if window.weekday == (day.weekday() + offset) % 7
        for lo, hi in [window.minutes()]
    )
    reach_lo, reach_hi = None, None
    for lo, hi in spans:
        if reach_hi is not None and lo <= reach_hi:
            reach_hi = max(reach_hi, hi)
        else:
            reach_lo, reach_hi = lo, hi
        if reach_lo <= begin and finish <= reach_hi:
            return True
    return False


def _day(word: str) -> int | None:
    word = word.strip().lower().rstrip(".")
    if len(word) < 2:
        return None
    matches = {day for full, day in _DAY_WORDS.items() if full.startswith(word)}
    return matches.pop() if len(matches) == 1 else None


def _days(text: str) -> list[int] | None:
    days: list[int] = []
    for item in text.replace(" ", "").split(","):
        ends = re.split(r"-|\u2013", item)
        parsed = [_day(end) for end in ends]
        if len(parsed) > 2 or None in parsed:
            return None
        first, last = int(parsed[0]), int(parsed[-1])
        days.extend((first + step) % 7 for step in range((last - first) % 7 + 1))
    return days


def _clock(hour: str, minute: str, *, end: bool) -> time | None:
    hours, minutes = int(hour), int(minute)
    if end and hours == 24 and minutes == 0:
        return time(0, 0)
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _segment(segment: str) -> list[Window] | None:
    text = " ".join(segment.split()).lower()
    if text in _ALL_DAY:
        return [Window(day, time(0, 0), time(0, 0)) for day in range(7)]
    match = re.match(r"^(?P<days>[^\d]+?)\s*(?P<times>\d.*|any|all day|all-day)$", text)
    if match is None:
        return None
    days = _days(match["days"])
    if not days:
        return None
    if match["times"] in _ALL_DAY:
        start, end = time(0, 0), time(0, 0)
    else:
        clock = _TIME_RANGE.match(match["times"])
        if clock is None:
            return None
        start = _clock(clock[1], clock[2], end=False)
        end = _clock(clock[3], clock[4], end=True)
        if start is None or end is None or start == end:
            return None
    return [Window(day, start, end) for day in days]


def parse_available(text: str, where: str = "available") -> tuple[Window, ...]:
    """Parse weekly availability such as ``"Mon-Fri 16:00-22:00; Sat 12:00-23:00"``.

    Day ranges ("Mon-Fri", wrapping "Fri-Mon"), comma lists ("Mon,Wed"), English
    or Welsh day names (any prefix of two letters or more, any case), 24:00 as an
    end, and ends past midnight ("Fri 20:00-02:00"). "any" means every day, all
    day; an empty value means never available.

    Parameters
    ----------
    text
        The cell's text.
    where
        Prefix for error messages, e.g. "workers.csv: worker 'Sam'".
    """
    if text.strip().lower() in _NEVER:
        return ()
    windows: list[Window] = []
    for segment in _SEGMENT_SPLIT.split(text):
        if not segment.strip():
            continue
        parsed = _segment(segment)
        if parsed is None:
            raise InputDataError(
                f"{where}, column available: could not read '{segment.strip()}'. "
                f"{_AVAILABLE_HELP}"
            )
        windows.extend(parsed)
    return tuple(dict.fromkeys(windows))


def parse_unavailable(text: str, where: str = "unavailable") -> frozenset[date]:
    """Parse dates such as ``"2026-12-24; 2026-12-25"`` (also ``a..b`` ranges)."""
    dates: set[date] = set()
    for token in re.split(r"[;,\n]", text):
        token = token.strip()
        if not token:
            continue
        try:
            first, _, last = token.partition("..")
            lo = date.fromisoformat(first.strip())
            hi = date.fromisoformat(last.strip()) if last else lo
        except ValueError:
            lo = hi = None
        if lo is None or hi is None or not 0 <= (hi - lo).days <= 366:
            raise InputDataError(
                f"{where}, column unavailable: could not read '{token}' as a date. "
                f"{_DATES_HELP}"
            )
        dates.update(lo + timedelta(days=step) for step in range((hi - lo).days + 1))
    return frozenset(dates)
