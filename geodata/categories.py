"""Categories: those of services the planner knows, and picking rows by label."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

SERVICE_CATEGORIES: tuple[str, ...] = (
    "mental health",
    "substance misuse",
    "homelessness",
    "youth and diversionary",
    "sexual health",
    "education",
    "health",
)


def is_one_of(column: pd.Series, wanted: Collection[str]) -> np.ndarray:
    """Return which rows' labels, as text, are among ``wanted``.

    The same as ``column.astype(str).isin(wanted)``, but a categorical column
    (the canonical incidents' ``category`` and ``source``) is matched on its few
    categories and then its codes, without writing out a string per row (0.01 s
    per 100,000 rows, paid several times by each new choice of themes).
    """
    wanted = set(wanted)
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return column.astype(str).isin(wanted).to_numpy()
    labels = column.cat.categories.astype(str)
    # A missing label (code -1) stays missing as text too, so it never matches.
    codes = np.flatnonzero(labels.isin(wanted))
    return np.isin(column.cat.codes.to_numpy(), codes)
