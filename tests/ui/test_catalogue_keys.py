"""Every string key the app and the pack ask for exists in both catalogues."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hotspots.profiles import BANDS, DAYS
from hotspots.trends import TREND_CLASSES
from i18n import LANGUAGES, catalogue
from outreach.coverage import PERIODS
from outreach.gaps import SERVICE_CATEGORIES
from ui.changes import ORDER

ROOT = Path(__file__).parents[2]
SOURCES = [
    ROOT / "app.py",
    *sorted((ROOT / "ui").rglob("*.py")),
    ROOT / "i18n" / "terms.py",
    *(
        ROOT / "outreach" / f"{name}.py"
        for name in ("pack", "packparts", "svgmap", "wording")
    ),
]


def _literal_keys(path: Path) -> set[str]:
    """Return the literal first arguments of tr(...) and t(...) calls."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"t", "tr"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            keys.add(node.args[0].value)
    return keys


def _vocabulary() -> set[str]:
    """Return the term keys built at run time from the analysis' own words."""
    keys = {f"term.day.{d}" for d in DAYS} | {f"term.weekday.{d}" for d in DAYS}
    keys |= {f"term.band.{b}" for b in BANDS}
    keys |= {f"term.trend.{c}" for c in TREND_CLASSES}
    keys |= {f"term.service.{c}" for c in SERVICE_CATEGORIES}
    keys |= {f"term.coverage.{p}" for p in PERIODS}
    keys |= {f"term.headline.{h}" for h in ORDER}
    keys |= {f"legend.change.{h}" for h in ORDER}
    keys |= {f"term.month.{m:02d}" for m in range(1, 13)}
    return keys


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_in_the_code_is_in_the_catalogue(lang):
    """A key lost from a catalogue (say, by a merge) fails here, not in a meeting."""
    wanted = set().union(*(_literal_keys(p) for p in SOURCES)) | _vocabulary()
    assert len(wanted) > 200
    missing = sorted(wanted - set(catalogue(lang)))
    assert not missing, missing[:10]
