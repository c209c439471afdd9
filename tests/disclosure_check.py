"""One disclosure checker for every output the CLI writes and the app offers.

:func:`leaks` reads one file (CSV, JSON, GeoJSON, HTML, iCalendar, PDF or plain
text) and lists every way it breaks the privacy rules:

- an input incident's location: a lat/lon or lon/lat pair printed to 4 or more
  decimals (matched at 6 dp, about 10 cm), or a British National Grid x/y pair
  printed to 2 or more decimals (matched at 1 cm), where the pair is two
  neighbouring numbers of the file or two numbers of one CSV or table row;
- a count below the threshold: a value of a count column (a CSV header, JSON key
  or HTML table header naming incidents, young people or locations), a part of a
  breakdown ("violence 12; drugs <5"), or a phrase such as "3 incidents", that is
  neither 0 nor at least ``k``;
- a suppressed count written for another threshold ("<5" when ``k`` is 10).

It also counts the counts it inspected, so a caller can tell a clean file from one
the checker could not read. The validation report's per-file row counts (the
``files`` key of ``report.json``) are checks on the user's own files, say nothing
about places, and are exempt.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np

from geodata.crs import lonlat_to_bng

# Column names, JSON keys and table headers that hold counts of incidents or people.
COUNT_NAME = re.compile(
    r"^(n|n_shown)$|incident|young.?people|locations|digwyddiad|pobl ifanc",
    re.IGNORECASE,
)
# Names of "label count; label count" breakdowns of a shown total.
BREAKDOWN_NAME = re.compile(r"^(categories|sources)$|categor|themâu|partner", re.I)
# A count in running text: "3 incidents", "12 young people", "12 o bobl ifanc"
# (not a rate such as "3 incidents per km²").
PHRASE = re.compile(
    r"(?<![\w.,<])(\d[\d,]*)\s+"
    r"(?:incidents?|young people|o bobl ifanc|digwyddiad\w*)\b(?!\s+per\b)",
    re.IGNORECASE,
)
SUPPRESSED = re.compile(r"<\s?\d+")
DECIMAL = re.compile(r"-?\d+\.\d+")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
EXEMPT_JSON_KEYS = frozenset({"files"})


@dataclass(frozen=True)
class Places:
    """Input incident locations, keyed by their rounded values.

    Attributes
    ----------
    lat_lon
        ``(lat, lon)`` rounded to 6 dp -> the exact input pair.
    bng
        ``(x, y)`` in metres rounded to 2 dp -> the exact projected pair.
    """

    lat_lon: dict[tuple[float, float], tuple[float, float]]
    bng: dict[tuple[float, float], tuple[float, float]]


@dataclass
class Finding:
    """What the checker found in one file: problems and how many counts it read."""

    name: str
    problems: list[str] = field(default_factory=list)
    counts: int = 0

    def count(self, where: str, value: object, k: int) -> None:
        """Check one count, if ``value`` is one, and remember it was inspected."""
        text = str(value).strip().replace(",", "")
        if text in ("", "*", "nan", "None"):  # withheld, or secondary suppression
            return
        if SUPPRESSED.fullmatch(text):
            self.counts += 1
            if text.replace(" ", "") != f"<{k}":
                self.problems.append(f"{self.name}: {where} is {text!r}, not '<{k}'")
            return
        if NUMBER.fullmatch(text):
            self.counts += 1
            if 0 < float(text) < k:
                self.problems.append(f"{self.name}: {where} is {text}, below {k}")


def incident_places(incidents_csv: bytes) -> Places:
    """Return the locations of an incidents CSV with latitude and longitude."""
    rows = list(csv.DictReader(io.StringIO(incidents_csv.decode("utf-8-sig"))))
    lat = np.array([float(r["latitude"]) for r in rows])
    lon = np.array([float(r["longitude"]) for r in rows])
    x, y = lonlat_to_bng(lon, lat)
    return Places(
        lat_lon=_keyed(lat, lon, 6),
        bng=_keyed(np.asarray(x), np.asarray(y), 2),
    )


def _keyed(a: np.ndarray, b: np.ndarray, digits: int) -> dict:
    exact = zip(a.tolist(), b.tolist(), strict=True)
    rounded = zip(
        np.round(a, digits).tolist(), np.round(b, digits).tolist(), strict=True
    )
    return dict(zip(rounded, exact, strict=True))


def pdf_text(content: bytes) -> str | None:
    """Return a PDF's text with poppler's pdftotext, or None where it is missing."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    done = subprocess.run(
        [tool, "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


class _Tables(HTMLParser):
    """Collect every HTML table as rows of cell texts, and the page's visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "script"):
            self._hidden += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = []
        self.text.append(" ")
        if self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._hidden -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _decimals(raw: str) -> int:
    return len(raw.split(".")[1])


def _match(a: str, b: str, known: dict, digits: int, atol: float) -> tuple | None:
    """Return the input pair that the printed pair ``(a, b)`` shows, if any.

    The pair must round to an input pair at ``digits`` and lie within the rounding
    of the digits printed (at least ``atol``, a transform's round trip) of it, so
    a grid corner that only shares an incident's rounded value is not a leak.
    """
    key = (round(float(a), digits), round(float(b), digits))
    exact = known.get(key)
    if exact is None:
        return None
    for printed, value in zip((a, b), exact, strict=True):
        if abs(float(printed) - value) > max(0.5 * 10.0 ** -_decimals(printed), atol):
            return None
    return key


def _coordinates(
    finding: Finding, text: str, rows: list[list[str]], places: Places
) -> None:
    """Flag incident locations among neighbouring numbers and within rows."""
    pairs = set(itertools.pairwise(DECIMAL.findall(text)))
    for row in rows:
        numbers = [v.strip() for v in row if DECIMAL.fullmatch(v.strip())]
        pairs.update(itertools.permutations(numbers, 2))
    degrees, metres = set(), set()
    for a, b in pairs:
        if _decimals(a) >= 4 and _decimals(b) >= 4:
            for pair in ((a, b), (b, a)):
                if hit := _match(*pair, places.lat_lon, 6, 1e-8):
                    degrees.add(hit)
        if (
            _decimals(a) >= 2
            and _decimals(b) >= 2
            and (hit := _match(a, b, places.bng, 2, 1e-4))
        ):
            metres.add(hit)
    for kind, leaked in (("lat/lon", degrees), ("easting/northing", metres)):
        if leaked:
            finding.problems.append(
                f"{finding.name}: carries incident locations ({kind}) "
                f"{sorted(leaked)[:3]}"
            )


def _cell(finding: Finding, where: str, column: str, value: object, k: int) -> None:
    if COUNT_NAME.search(column):
        finding.count(where, value, k)
    elif BREAKDOWN_NAME.search(column):
        for part in str(value).split("; "):
            if " " in part.strip():
                finding.count(f"{where} part {part!r}", part.rsplit(" ", 1)[1], k)


def _table(finding: Finding, rows: list[list[str]], k: int, label: str) -> None:
    """Check the count columns of a table whose first row is its header."""
    if not rows:
        return
    header, *body = rows
    for r, row in enumerate(body, start=1):
        for column, value in zip(header, row, strict=False):
            _cell(finding, f"{label} row {r} {column!r}", column, value, k)


def _json(finding: Finding, node: object, k: int, path: str = "") -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if path == "" and key in EXEMPT_JSON_KEYS:
                continue
            if isinstance(value, dict | list):
                _json(finding, value, k, f"{path}.{key}")
            elif not isinstance(value, bool):
                _cell(finding, f"{path}.{key}", str(key), value, k)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _json(finding, value, k, f"{path}[{i}]")


def _calendar_text(text: str) -> str:
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    return re.sub(r"\\([,;\\])", r"\1", unfolded).replace("\\n", "\n")


def leaks(name: str, content: bytes | str, k: int, places: Places) -> Finding:
    """Return every disclosure problem of one output file.

    Parameters
    ----------
    name
        The file's name; its extension picks the reader (a PDF is read by content).
    content
        The file as the user gets it.
    k
        The disclosure threshold the file was made with.
    places
        The input incidents' locations, from :func:`incident_places`.
    """
    finding = Finding(name)
    if isinstance(content, bytes) and content.startswith(b"%PDF"):
        text = pdf_text(content)
        if text is None:
            finding.problems.append(f"{name}: pdftotext is missing, cannot read it")
            return finding
    else:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    rows: list[list[str]] = []
    visible = text
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        _table(finding, rows, k, "CSV")
    elif suffix in ("json", "geojson"):
        _json(finding, json.loads(text), k)
    elif suffix == "html":
        parser = _Tables()
        parser.feed(text)
        for t, table in enumerate(parser.tables, start=1):
            _table(finding, table, k, f"table {t}")
            rows.extend(table)
        visible = "".join(parser.text)  # character references already decoded
    elif suffix == "ics":
        text = visible = _calendar_text(text)
    _coordinates(finding, text, rows, places)  # attributes and links included
    for found in SUPPRESSED.finditer(visible):
        finding.count(f"text {found.group(0)!r}", found.group(0), k)
    for found in PHRASE.finditer(visible):
        finding.count(f"text {found.group(0)!r}", found.group(1), k)
    return finding
