"""Disclosure control: primary and secondary suppression of small counts."""

from __future__ import annotations

import numpy as np

from geodata.disclosure import breakdown_text, shown_counts, suppress_counts


def test_primary_suppression_keeps_zero_and_large_counts():
    """1-4 become '<5'; 0 and 5+ are shown."""
    assert suppress_counts(np.array([0, 1, 4, 5, 12]), 5).tolist() == [
        "0", "<5", "<5", "5", "12",
    ]  # fmt: skip
    shown = shown_counts(np.array([0, 3, 7]), 5)
    assert shown.iloc[0] == 0
    assert np.isnan(shown.iloc[1])
    assert shown.iloc[2] == 7


def test_secondary_suppression_when_the_breakdown_is_complete():
    """A lone hidden part of a shown total takes the next smallest with it."""
    text = breakdown_text(["violence", "drugs", "weapon"], [20, 9, 3], 5)
    assert text == "violence 20; drugs *; weapon <5"


def test_no_secondary_suppression_when_parts_are_not_all_listed():
    """With more parts than listed, subtraction cannot recover the hidden one."""
    text = breakdown_text(["a", "b", "c", "d", "e"], [20, 9, 8, 3, 2], 5, top=4)
    assert text == "a 20; b 9; c 8; d <5"


def test_two_hidden_parts_need_no_more_suppression():
    """Two hidden parts cannot be told apart by subtraction."""
    assert breakdown_text(["a", "b", "c"], [20, 3, 2], 5) == "a 20; b <5; c <5"
