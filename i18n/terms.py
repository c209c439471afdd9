"""Domain words in the panel's language: days, time bands, trends, categories, dates.

The analysis speaks English internally ("Fri/Sat evening", "violence 12; drugs
<5", "New: Parc Tawe (Sat/Sun daytime)"). These helpers put such values into
the reader's language through the catalogues (keys ``term.*``), leaving any word
the catalogue does not know (a partner's own category name, a place name)
exactly as it was. Nothing here changes a count.
"""

from __future__ import annotations

import datetime as dt
import re

from i18n import catalogue, t

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = tuple(f"{m:02d}" for m in range(1, 13))
HEADLINES = ("New", "Growing", "Steady", "Fading", "Gone")
_REACH = re.compile(
    r"(?P<visits>\d+) visit\(s\), (?P<people>\S+) young people in the last "
    r"(?P<weeks>\d+) weeks"
)
_NO_REACH = re.compile(r"no outreach visits in the last (?P<weeks>\d+) weeks")
_LINE = re.compile(r"(?P<head>[A-Z][a-z]+): (?P<rest>.*)")
_TIMES = re.compile(r"(?P<name>.*?) \((?P<times>[^()]*)\)$")


def term(kind: str, value: object, lang: str) -> str:
    """Return ``value`` of a vocabulary ``kind`` ("day", "band", ...) in ``lang``.

    Unknown values come back unchanged, so a partner's own category names and
    place names are never lost or altered.
    """
    text = str(value)
    return catalogue(lang).get(f"term.{kind}.{text}", text)


def peak_times(text: object, lang: str) -> str:
    """Return a peak-times summary such as "Fri/Sat evening" in ``lang``."""
    value = str(text or "")
    if lang == "en" or not value:
        return value
    if value.startswith("times unknown"):
        return t("term.times_unknown", lang)
    words = value.split(" ", 1)
    if all(d in DAYS for d in words[0].split("/")):
        days = "/".join(term("day", d, lang) for d in words[0].split("/"))
        band = term("band", words[1], lang) if len(words) > 1 else ""
        return f"{days} {band}".strip()
    return term("band", value, lang)


def breakdown(text: object, lang: str, kind: str = "category") -> str:
    """Return "violence 12; drugs <5" with each name in ``lang``, counts untouched."""
    value = str(text or "")
    if lang == "en" or not value:
        return value
    parts = []
    for part in value.split("; "):
        name, _, count = part.rpartition(" ")
        parts.append(f"{term(kind, name, lang)} {count}" if name else part)
    return "; ".join(parts)


def reach(text: object, lang: str) -> str:
    """Return the outreach reach summary of a hotspot in ``lang``."""
    value = str(text or "")
    if lang == "en":
        return value
    if found := _REACH.fullmatch(value):
        return t("term.reach", lang, **found.groupdict())
    if found := _NO_REACH.fullmatch(value):
        return t("term.reach_none", lang, **found.groupdict())
    return value


def change_line(line: str, lang: str) -> tuple[str | None, str]:
    """Split a "since the last panel" line into its headline and text, in ``lang``.

    Parameters
    ----------
    line
        One of ``HotspotResult.changes``, e.g. "New: Parc Tawe (Sat/Sun daytime)".
    lang
        Language of the returned text.

    Returns
    -------
    headline, text
        The English headline word ("New", "Growing", "Steady", "Fading", "Gone";
        ``None`` for a line without one) and the rest of the line in ``lang``.
    """
    found = _LINE.fullmatch(line)
    if found is None or found["head"] not in HEADLINES:
        if line.startswith("No hotspots"):
            return None, t("meeting.no_hotspots_either", lang)
        return None, line
    rest = found["rest"]
    if lang != "en" and (timed := _TIMES.fullmatch(rest)):
        rest = f"{timed['name']} ({peak_times(timed['times'], lang)})"
    return found["head"], rest


def long_date(day: dt.date, lang: str) -> str:
    """Return a date as "Monday 30 November 2026" or "Dydd Llun 30 Tachwedd 2026"."""
    weekday = term("weekday", DAYS[day.weekday()], lang)
    month = term("month", MONTHS[day.month - 1], lang)
    return f"{weekday} {day.day} {month} {day.year}"


def short_date(day: dt.date, lang: str) -> str:
    """Return a date as "Mon 30 Nov" in English or "Llun 30 Tach" in Welsh."""
    weekday = term("day", DAYS[day.weekday()], lang)
    month = term("month_short", MONTHS[day.month - 1], lang)
    return f"{weekday} {day.day} {month}"


__all__ = [
    "DAYS",
    "HEADLINES",
    "breakdown",
    "change_line",
    "long_date",
    "peak_times",
    "reach",
    "short_date",
    "term",
]
