"""Read the outreach team (names, leads, hours, availability) from a CSV file."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from geodata.errors import InputDataError

log = logging.getLogger(__name__)

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

REQUIRED_COLUMNS = ("worker", "lead", "max_hours", "available", "unavailable")
OPTIONAL_COLUMNS = ("welsh_speaker",)

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
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_ALL_DAY = {"any", "always", "all day", "all-day"}
_NEVER = {"", "none", "never", "-"}
_TIME_RANGE = re.compile(
    r"^(\d{1,2})[:.](\d{2})\s*(?:-|\u2013|to)\s*(\d{1,2})[:.](\d{2})$", re.IGNORECASE
)
# Segments are separated by ';', a new line, or a comma that follows a time.
_SEGMENT_SPLIT = re.compile(r";|\n|(?<=\d)\s*,")
# Column names that would carry personal data about a worker; such files are refused.
_PERSONAL = {
    "email": "email",
    "e_mail": "email",
    "phone": "phone",
    "mobile": "phone",
    "address": "address",
    "dob": "date of birth",
    "birth": "date of birth",
}
_SYNONYMS = {"name": "worker", "worker_name": "worker", "welsh": "welsh_speaker"}
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


@dataclass(frozen=True)
class Worker:
    """One member of the outreach team.

    Attributes
    ----------
    name
        Name as shown in the rota (unique in the team).
    lead
        Experienced detached worker; every pair needs at least one.
    max_hours
        Most outreach hours in each 7-day block of a rota (counted from its
        start date).
    available
        Weekly windows in which the worker can work; empty means never.
    unavailable
        Dates the worker cannot work at all (leave, training).
    welsh_speaker
        Speaks Welsh.
    """

    name: str
    lead: bool
    max_hours: float
    available: tuple[Window, ...]
    unavailable: frozenset[date]
    welsh_speaker: bool = False

    def can_work(self, day: date, start: time, end: time) -> bool:
        """Say whether the worker can do a session on ``day`` from start to end.

        An ``end`` at or before ``start`` is on the next day. The session must lie
        inside the worker's windows (adjacent windows join up) and touch no
        unavailable date.
        """
        begin = start.hour * 60 + start.minute
        finish = end.hour * 60 + end.minute
        if finish <= begin:
            finish += _MINUTES_PER_DAY
        if day in self.unavailable:
            return False
        if finish > _MINUTES_PER_DAY and day + timedelta(days=1) in self.unavailable:
            return False
        spans = sorted(
            (offset * _MINUTES_PER_DAY + lo, offset * _MINUTES_PER_DAY + hi)
            for offset in (-1, 0, 1)
            for window in self.available
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


def _decode(name: str, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise InputDataError(
            f"{name}: this does not look like a text file (it contains NUL bytes). "
            "Save the team list as CSV and upload it again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _column_key(raw: str) -> str:
    key = "_".join(raw.replace("\ufeff", "").strip().lower().replace("-", " ").split())
    return _SYNONYMS.get(key, key)


def _check_columns(name: str, header: list[str]) -> dict[str, int]:
    keys = [_column_key(column) for column in header]
    personal = {
        raw.strip(): kind
        for raw, key in zip(header, keys, strict=True)
        for part, kind in _PERSONAL.items()
        if part in key
    }
    if personal:
        raise InputDataError(
            f"{name}: the team list must not carry personal data; found column(s) "
            f"{', '.join(map(repr, personal))} "
            f"({', '.join(sorted(set(personal.values())))}). Delete them and upload "
            f"the file again: the planner needs only {', '.join(REQUIRED_COLUMNS)}."
        )
    positions: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in positions:
            raise InputDataError(
                f"{name}: two columns are called '{key}'. Keep one of them."
            )
        positions[key] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        found = ", ".join(column.strip() for column in header) or "nothing"
        hint = (
            " The file seems to use ';' between columns: save it as CSV "
            "(comma-separated)."
            if len(header) == 1 and ";" in header[0]
            else ""
        )
        raise InputDataError(
            f"{name}: missing column(s) {', '.join(missing)}. Found: {found}. "
            f"The team list needs the columns {', '.join(REQUIRED_COLUMNS)} "
            f"(and optionally welsh_speaker).{hint}"
        )
    ignored = [
        key for key in positions if key not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    ]
    if ignored:
        log.info("%s: ignoring column(s) %s", name, ", ".join(ignored))
    return positions


def _yes_no(value: str, where: str, column: str, *, blank: bool | None) -> bool:
    text = value.strip().lower()
    if text == "" and blank is not None:
        return blank
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise InputDataError(
        f"{where}, column {column}: could not read '{value}'. Write yes or no."
    )


def _max_hours(value: str, where: str) -> float:
    try:
        hours = float(value.strip())
    except ValueError:
        hours = float("nan")
    if not 0 < hours <= 168:
        raise InputDataError(
            f"{where}, column max_hours: could not read '{value}' as a number of hours "
            "between 0 and 168. Write the most outreach hours a week, e.g. 12 or 7.5."
        )
    return hours


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


def _worker(name: str, row: list[str], positions: dict[str, int], line: int) -> Worker:
    def cell(column: str) -> str:
        index = positions.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    worker = cell("worker")
    if not worker:
        raise InputDataError(
            f"{name}: row {line} has no worker name. Fill in the worker column."
        )
    where = f"{name}: worker '{worker}'"
    if ";" in worker:
        raise InputDataError(
            f"{where}, column worker: names must not contain ';' (the rota uses it "
            "between the two names of a pair). Remove it."
        )
    return Worker(
        name=worker,
        lead=_yes_no(cell("lead"), where, "lead", blank=None),
        max_hours=_max_hours(cell("max_hours"), where),
        available=parse_available(cell("available"), where),
        unavailable=parse_unavailable(cell("unavailable"), where),
        welsh_speaker=_yes_no(
            cell("welsh_speaker"), where, "welsh_speaker", blank=False
        ),
    )


def read_workers(name: str, data: bytes) -> list[Worker]:
    """Read the outreach team from CSV bytes.

    Parameters
    ----------
    name
        The user's file name, used in error messages.
    data
        CSV in UTF-8 (with or without BOM) or Windows-1252, with columns
        ``worker, lead, max_hours, available, unavailable`` and optionally
        ``welsh_speaker`` (headers in any case). ``lead``/``welsh_speaker`` are
        yes/no; ``max_hours`` is hours per 7-day block; ``available`` is read by
        `parse_available`, ``unavailable`` by `parse_unavailable`.

    Returns
    -------
    list of Worker
        In file order.

    Raises
    ------
    InputDataError
        On any bad value (naming the file, worker and column), missing columns,
        personal-data columns, duplicate names, fewer than two workers or no lead.
    """
    text = _decode(name, data)
    rows = [
        (line, row)
        for line, row in enumerate(csv.reader(io.StringIO(text)), start=1)
        if any(cell.strip() for cell in row)
    ]
    if not rows:
        raise InputDataError(f"{name}: the file is empty. Export the team list again.")
    positions = _check_columns(name, rows[0][1])
    workers: list[Worker] = []
    seen: dict[str, str] = {}
    for line, row in rows[1:]:
        worker = _worker(name, row, positions, line)
        key = worker.name.casefold()
        if key in seen:
            raise InputDataError(
                f"{name}: worker '{worker.name}' appears twice (also as "
                f"'{seen[key]}'). Give every worker one row and a unique name."
            )
        seen[key] = worker.name
        workers.append(worker)
    if len(workers) < 2:
        raise InputDataError(
            f"{name}: found {len(workers)} worker(s); outreach is never done alone, "
            "so the team needs at least 2 workers. Add the rest of the team."
        )
    if not any(worker.lead for worker in workers):
        raise InputDataError(
            f"{name}: no worker has lead = yes; every pair needs an experienced "
            "lead. Mark at least one worker as a lead."
        )
    log.info(
        "%s: %d workers, %d leads",
        name,
        len(workers),
        sum(worker.lead for worker in workers),
    )
    return workers
