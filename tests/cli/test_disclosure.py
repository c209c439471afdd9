"""No plan output carries an incident's location or a count below the threshold."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re

import pytest

from geodata.disclosure import DEFAULT_THRESHOLD
from pipeline import PLAN_OUTPUTS

COUNT = re.compile(r"^(<\d+|\d+)$")


def _incident_locations(demo_dir) -> set[tuple[float, float]]:
    """Incident (lat, lon) pairs rounded to 6 dp (about 10 cm)."""
    with open(demo_dir / "incidents.csv", encoding="utf-8") as f:
        return {
            (round(float(r["latitude"]), 6), round(float(r["longitude"]), 6))
            for r in csv.DictReader(f)
        }


def _safe_count(text: str) -> bool:
    if text == "*":  # hidden by secondary suppression
        return True
    if text.startswith("<"):
        return text == f"<{DEFAULT_THRESHOLD}"
    value = int(text)
    return value == 0 or value >= DEFAULT_THRESHOLD


@pytest.fixture(scope="module")
def outputs(plan_dir) -> dict[str, str]:
    return {
        name: (plan_dir / name).read_text(encoding="utf-8-sig") for name in PLAN_OUTPUTS
    }


def test_no_output_contains_an_incident_coordinate(outputs, demo_dir):
    """No incident's location appears, as a lat/lon or lon/lat pair, in any output."""
    locations = _incident_locations(demo_dir)
    numbers = re.compile(r"-?\d+\.\d{4,}")
    for name, text in outputs.items():
        values = [round(float(v), 6) for v in numbers.findall(text)]
        pairs = set(itertools.pairwise(values))
        pairs |= {(b, a) for a, b in pairs}
        leaked = pairs & locations
        assert not leaked, f"{name} carries incident locations {sorted(leaked)[:3]}"


def test_cell_and_hotspot_counts_respect_the_threshold(outputs):
    """Every count in cells and hotspots is 0, '<5' or at least 5."""
    cells = json.loads(outputs["cells.geojson"])
    for feature in cells["features"]:
        assert _safe_count(feature["properties"]["n"])
        shown = feature["properties"].get("n_shown")
        assert shown is None or shown == 0 or shown >= DEFAULT_THRESHOLD
    table = list(csv.DictReader(io.StringIO(outputs["hotspots.csv"])))
    assert table
    for row in table:
        assert _safe_count(row["incidents"])
        for column in ("categories", "sources"):
            for part in row[column].split("; "):
                assert _safe_count(part.rsplit(" ", 1)[1]), (column, part)
        for people in re.findall(r"(\S+) young people", row["reach"]):
            assert _safe_count(people)


def _count_values(node, path=""):
    """Yield (path, value) for every integer under a key that names a count."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _count_values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _count_values(value, f"{path}[{i}]")
    elif isinstance(node, int | str) and not isinstance(node, bool):
        leaf = path.rsplit(".", 1)[-1]
        if leaf.startswith(("incidents", "young_people")):
            yield path, node


def test_report_counts_respect_the_threshold(outputs):
    """Every incident or young-people count in report.json is 0, '<5' or >= 5.

    The per-file validation report ("files") counts rows of the user's own files
    for data-quality checks and is exempt: it says nothing about places.
    """
    report = json.loads(outputs["report.json"])
    report.pop("files")
    found = list(_count_values(report))
    assert found, "report.json has no counts to check"
    for path, value in found:
        assert _safe_count(str(value)), (path, value)
