"""String catalogues for English and Welsh: every user-facing string by key."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "cy")
DEFAULT_LANGUAGE = "en"
_HERE = Path(__file__).parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Return the catalogue for ``lang`` ("en" or "cy")."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language '{lang}'; use one of {LANGUAGES}")
    return json.loads((_HERE / f"{lang}.json").read_text(encoding="utf-8"))


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """Return the string ``key`` in ``lang`` with ``{placeholders}`` filled in.

    A key missing from the catalogue is a bug (``KeyError``); a test keeps the
    two catalogues' keys and placeholders identical.
    """
    text = catalogue(lang)[key]
    return text.format(**values) if values else text


__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "catalogue", "t"]
