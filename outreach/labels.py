"""Dates, time bands and session names in the reader's language (English or Welsh).

Day, month and band words come from the shared ``term.*`` keys of the string
catalogues (the same vocabulary as ``i18n.terms``); a word the catalogue does
not hold yet stays in English, so a label is never lost.
"""

from __future__ import annotations

from datetime import date

from i18n import catalogue, t

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")
_MONTHS += ("Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_VOWELS = set("aeiouwyâêîôûŵŷáéíóúàèìòù")


def _term(kind: str, value: str, lang: str, fallback: str | None = None) -> str:
    return catalogue(lang).get(f"term.{kind}.{value}", fallback or value)


def day_label(day: date, lang: str = "en") -> str:
    """Return a short date such as "Sat 12 Dec" (Welsh: "Sad 12 Rhag")."""
    weekday = _term("day", DAYS[day.weekday()], lang)
    month = _term("month_short", f"{day.month:02d}", lang, _MONTHS[day.month - 1])
    return f"{weekday} {day.day} {month}"


def band_label(band: str, lang: str = "en") -> str:
    """Return a time band ("evening", "after school", ...) in ``lang``."""
    return _term("band", str(band), lang)


def place_label(hotspot_name: str, band: str, lang: str = "en") -> str:
    """Return "Castle Square evening" in ``lang``."""
    return t("rota.place", lang, place=hotspot_name, band=band_label(band, lang))


def session_label(day: date, hotspot_name: str, band: str, lang: str = "en") -> str:
    """Return "Sat 12 Dec, Castle Square evening" in ``lang``."""
    return t(
        "rota.session",
        lang,
        day=day_label(day, lang),
        place=place_label(hotspot_name, band, lang),
    )


def names_label(names: list[str] | tuple[str, ...], lang: str = "en") -> str:
    """Return "Ann and Bo" (Welsh "Ann a Bo", "Bo ac Ann"); none as "-"."""
    if not names:
        return "-"
    if len(names) == 1:
        return names[0]
    last = names[-1]
    # Welsh writes "ac" before a vowel; English uses the same word either way.
    key = "rota.and_vowel" if last[:1].casefold() in _VOWELS else "rota.and"
    return t(key, lang, first=", ".join(names[:-1]), last=last)
