"""Disclosure control: small counts never leave the data layer as numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 5


def suppress_counts(counts: pd.Series | np.ndarray, threshold: int) -> pd.Series:
    """Return counts as display strings, with non-zero counts below ``threshold``
    shown as ``"<threshold"``.

    Zero stays ``"0"`` because an empty cell is structural, not a disclosure.
    """
    values = pd.Series(np.asarray(counts), dtype="int64")
    text = values.astype(str)
    small = (values > 0) & (values < threshold)
    text[small] = f"<{threshold}"
    return text


def shown_counts(counts: pd.Series | np.ndarray, threshold: int) -> pd.Series:
    """Return counts as floats with suppressed values as NaN (for sorting, colour)."""
    values = pd.Series(np.asarray(counts), dtype="float64")
    values[(values > 0) & (values < threshold)] = np.nan
    return values
