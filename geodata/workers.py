"""Read the outreach team (names, leads, hours, availability) from a CSV file."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, replace
from datetime import date, time

from geodata.availability import (
    DAY_NAMES,
    Window,
    covers,
    parse_available,
    parse_unavailable,
)
from geodata.errors import InputDataError

log = logging.getLogger(__name__)

__all__ = [
    "DAY_NAMES",
    "Window",
    "Worker",
    "may_pair",
    "mixed_pair",
    "parse_available",
    "parse_unavailable",
    "read_workers",
]

REQUIRED_COLUMNS = ("worker", "lead", "max_hours", "available", "unavailable")
OPTIONAL_COLUMNS = ("welsh_speaker", "not_with", "gender")

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
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
_SYNONYMS = {
    "name": "worker",
    "worker_name": "worker",
    "welsh": "welsh_speaker",
    "never_with": "not_with",
}
# Longest gender text kept: a short code ("F", "M", "NB") is all the mixed-pair
# preference needs.
_GENDER_LEN = 20


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
    not_with
        Names of workers this worker must never be paired with (a hard rule,
        either way round).
    gender
        Optional short code, used only to tell whether a pair is mixed where a
        session asks for a mixed pair; "" when not given. Never exported.
    """

    name: str
    lead: bool
    max_hours: float
    available: tuple[Window, ...]
    unavailable: frozenset[date]
    welsh_speaker: bool = False
    not_with: frozenset[str] = frozenset()
    gender: str = ""

    def can_work(self, day: date, start: time, end: time) -> bool:
        """Say whether the worker can do a session on ``day`` from start to end.

        An ``end`` at or before ``start`` is on the next day. The session must lie
        inside the worker's windows (adjacent windows join up) and touch no
        unavailable date.
        """
        return covers(self.available, self.unavailable, day, start, end)


def may_pair(a: Worker, b: Worker) -> bool:
    """Say whether two different workers may go out together as a pair.

    A pair needs at least one lead and must not be a banned pairing (``not_with``
    on either worker).
    """
    return (
        a.name != b.name
        and (a.lead or b.lead)
        and b.name not in a.not_with
        and a.name not in b.not_with
    )


def mixed_pair(a: Worker, b: Worker) -> bool:
    """Say whether a pair is mixed: both genders given and different."""
    return bool(a.gender and b.gender) and a.gender.casefold() != b.gender.casefold()


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
            f"(and optionally {', '.join(OPTIONAL_COLUMNS)}).{hint}"
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
        not_with=frozenset(
            name.strip() for name in re.split(r"[;,]", cell("not_with")) if name.strip()
        ),
        gender=_gender(cell("gender"), where),
    )


def _gender(value: str, where: str) -> str:
    text = " ".join(value.split())
    if len(text) > _GENDER_LEN:
        raise InputDataError(
            f"{where}, column gender: '{text[:30]}' is longer than {_GENDER_LEN} "
            "characters. Write a short code such as F, M or NB, or leave it empty."
        )
    return text


def _resolve_not_with(name: str, workers: list[Worker]) -> list[Worker]:
    """Check every ``not_with`` name against the team and spell it as in the team."""
    spelled = {worker.name.casefold(): worker.name for worker in workers}
    resolved = []
    for worker in workers:
        names = set()
        for other in sorted(worker.not_with):
            found = spelled.get(other.casefold())
            where = f"{name}: worker '{worker.name}', column not_with"
            if found is None:
                raise InputDataError(
                    f"{where}: '{other}' is not in the team. Write the names of "
                    "workers in this file, separated by ';'."
                )
            if found == worker.name:
                raise InputDataError(
                    f"{where}: a worker cannot be banned from working with "
                    "themselves. Remove their own name."
                )
            names.add(found)
        resolved.append(replace(worker, not_with=frozenset(names)))
    return resolved


def read_workers(name: str, data: bytes) -> list[Worker]:
    """Read the outreach team from CSV bytes.

    Parameters
    ----------
    name
        The user's file name, used in error messages.
    data
        CSV in UTF-8 (with or without BOM) or Windows-1252, with columns
        ``worker, lead, max_hours, available, unavailable`` and optionally
        ``welsh_speaker``, ``not_with`` and ``gender`` (headers in any case).
        ``lead``/``welsh_speaker`` are yes/no; ``max_hours`` is hours per 7-day
        block; ``available`` is read by `parse_available`, ``unavailable`` by
        `parse_unavailable`; ``not_with`` lists team names separated by ``;``
        (never paired with them, either way round); ``gender`` is a short code
        used only for the mixed-pair preference.

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
    workers = _resolve_not_with(name, workers)
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
