"""Checks on the few free-text fields the store keeps (decisions, rota notes)."""

from __future__ import annotations

import re

from geodata.errors import InputDataError

# Free text is about places and actions; these patterns betray a person instead.
_PERSONAL = (
    (re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"), "an e-mail address"),
    (re.compile(r"(?:\+44\s?|\b0)\d(?:[\s\-]?\d){8,9}\b"), "a phone number"),
    (re.compile(r"\b\d{3}[\s\-]?\d{3}[\s\-]?\d{4}\b"), "an NHS-like number"),
    (
        re.compile(r"\b(?:dob|d\.o\.b\.?|date of birth|born on)\b", re.IGNORECASE),
        "a date of birth",
    ),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: object, what: str, max_len: int) -> str:
    """Return free text trimmed and checked, or raise `InputDataError`.

    Parameters
    ----------
    text
        The user's text.
    what
        How to name it in the message, e.g. "decision 2".
    max_len
        Longest accepted length in characters.

    Returns
    -------
    str
        The text without surrounding spaces or control characters.
    """
    if not isinstance(text, str):
        raise InputDataError(f"{what}: expected text, got {type(text).__name__}.")
    clean = _CONTROL.sub("", text).strip()
    if len(clean) > max_len:
        raise InputDataError(
            f"{what}: {len(clean)} characters; at most {max_len} are kept. "
            "Shorten it: record the decision, not the discussion."
        )
    for pattern, found in _PERSONAL:
        if pattern.search(clean):
            raise InputDataError(
                f"{what}: looks like it holds {found}. The panel record is about "
                "places, themes and actions, never about individuals: remove it "
                "and save again."
            )
    return clean
