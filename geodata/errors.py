"""Errors raised for bad user input; every message says rule, finding and fix."""

from __future__ import annotations


class InputDataError(ValueError):
    """A file or setting the user gave breaks a documented rule.

    The message names the user's file (and column where relevant), says what was
    found and how to fix it. Front doors show it as one line: the CLI exits 2, the
    app calls ``st.error``.
    """
