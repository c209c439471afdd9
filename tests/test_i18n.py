"""The English and Welsh catalogues have the same keys and placeholders."""

from __future__ import annotations

import string

import pytest

from i18n import LANGUAGES, catalogue, t


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys():
    """Every key exists in both languages."""
    en, cy = catalogue("en"), catalogue("cy")
    assert set(en) == set(cy), sorted(set(en) ^ set(cy))


def test_placeholders_match_in_every_language():
    """A Welsh string fills the same placeholders as its English one."""
    en = catalogue("en")
    for lang in LANGUAGES:
        other = catalogue(lang)
        bad = [k for k in en if _fields(en[k]) != _fields(other[k])]
        assert not bad, f"{lang}: placeholders differ for {bad[:5]}"


def test_no_empty_strings():
    """No catalogue entry is empty."""
    for lang in LANGUAGES:
        empty = [k for k, v in catalogue(lang).items() if not v.strip()]
        assert not empty, f"{lang}: empty {empty[:5]}"


def test_unknown_language_and_key_fail_loudly():
    """Unknown languages and keys are bugs, not silent fallbacks."""
    with pytest.raises(ValueError, match="unknown language"):
        catalogue("fr")
    with pytest.raises(KeyError):
        t("no.such.key", "en")
