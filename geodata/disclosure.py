"""Disclosure control: small counts never leave the data layer as numbers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 5
# The stricter threshold for anything shared beyond the panel ("publishable" mode).
PUBLISHABLE_THRESHOLD = 10
# Shown in place of a count hidden only so that another small one stays hidden.
SECONDARY = "*"


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


def safe_count(count: int, threshold: int) -> int | str:
    """Return one count for a report: the number, or "<k" when 1 to k-1."""
    count = int(count)
    return f"<{threshold}" if 0 < count < threshold else count


def shown_counts(counts: pd.Series | np.ndarray, threshold: int) -> pd.Series:
    """Return counts as floats with suppressed values as NaN (for sorting, colour)."""
    values = pd.Series(np.asarray(counts), dtype="float64")
    values[(values > 0) & (values < threshold)] = np.nan
    return values


def breakdown_text(
    labels: Sequence[str], counts: Sequence[int], threshold: int, *, top: int = 4
) -> str:
    """Return "a 12; b <5" for the largest ``top`` parts of a total that is shown.

    Secondary suppression: when the parts listed are the whole breakdown and
    exactly one of them is hidden, the next smallest is hidden too (shown as
    ``SECONDARY``), so the hidden count cannot be recovered by subtracting the
    others from the total.
    """
    order = np.argsort(-np.asarray(counts), kind="stable")
    pairs = [(labels[i], int(counts[i])) for i in order if counts[i] > 0]
    complete = len(pairs) <= top
    pairs = pairs[:top]
    values = np.array([c for _, c in pairs], dtype=np.int64)
    text = [str(v) if v >= threshold else f"<{threshold}" for v in values]
    hidden = (values > 0) & (values < threshold)
    if complete and hidden.sum() == 1 and len(values) > 1:
        visible = np.nonzero(~hidden)[0]
        text[visible[np.argmin(values[visible])]] = SECONDARY
    return "; ".join(f"{label} {t}" for (label, _), t in zip(pairs, text, strict=True))
