"""Proposed speed-ups for the readers, applied as patches to measure what they buy.

The readers (``geodata/``) are being changed by another engineer, so instead of
editing them this module replaces four functions at run time with drop-in versions
that return the same results, and ``bench/ours.py --proposals`` /
``bench/whatif_cli.py`` measure the difference. Each is meant to be copied into
its module:

P1 ``geodata.dates.apply_clock``: parse each distinct time once (1,440 at most
   for HH:MM) instead of a Python regex per row; the rules stay the owner's.
P2 ``geodata.text.read_text_table``: read large plain text with pandas' pyarrow
   engine (same strings, same "") from bytes, not from ``io.StringIO`` (which
   holds 4 bytes per character); anything pyarrow cannot read goes to the C
   engine, so errors and messages are unchanged. In the module itself, pass the
   file's own bytes (``io.BytesIO(data)``, ``encoding=``) and skip the copy.
P3 ``geodata.points._numbers``: cast Arrow strings to float64 in Arrow; any text
   that does not cast goes to the original ``pd.to_numeric`` path.
P4 ``geodata.location.points_frame``: take kept rows of each column's own array
   instead of ``to_numpy()``, which turned Arrow strings into Python objects.

Run the reader tests with the patches applied (``MIN_BYTES`` lowered to 0 so the
fast paths meet every test file)::

    PYTHONPATH=bench .venv/bin/python -m pytest -p proposals tests/geodata -q
"""

from __future__ import annotations

import importlib
import io
import logging

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

log = logging.getLogger(__name__)

# Text smaller than this keeps the C engine (its start-up cost is lower).
MIN_BYTES = 1_000_000
_BASE_DAY = pd.Timestamp("2000-01-01")
_ORIGINAL: dict[str, object] = {}


def apply_clock(parsed, clock: pd.Series):
    """P1: ``geodata.dates.apply_clock`` on distinct values only, then expanded."""
    original = _ORIGINAL["apply_clock"]
    dates = importlib.import_module("geodata.dates")
    text = clock.astype(str)
    codes, uniques = pd.factorize(text)
    values = pd.Series([*uniques, np.nan], dtype=object)
    k = len(values)
    probe = dates.Parsed(
        when=pd.Series(_BASE_DAY, index=range(k), dtype="datetime64[ns]"),
        has_day=pd.Series(True, index=range(k)),
        has_time=pd.Series(False, index=range(k)),
        notes=[],
    )
    done = original(probe, values)
    take = np.where(codes < 0, k - 1, codes)
    valid = done.has_time.to_numpy(bool)[take]
    offset = (done.when - _BASE_DAY).to_numpy()[take]
    when = parsed.when
    given = valid & parsed.has_day.to_numpy(bool) & when.notna().to_numpy()
    shifted = when.dt.normalize() + pd.to_timedelta(offset)
    shifted.index = when.index
    return dates.Parsed(
        when=when.where(~given, shifted),
        has_day=parsed.has_day,
        has_time=parsed.has_time | pd.Series(given, index=when.index),
        notes=parsed.notes,
    )


class _Text:
    """Decoded text handed to ``read_csv`` without a UCS-4 ``io.StringIO`` copy."""

    def __init__(self, value: str) -> None:
        self.value = value


class _IoWithoutStringCopy:
    """P2: ``io`` as ``geodata.text`` sees it: big text is not copied to UCS-4.

    ``io.StringIO`` keeps a 4-byte-per-character buffer: 236 MB for a 59 MB CSV.
    """

    def __getattr__(self, name: str) -> object:
        return getattr(io, name)

    @staticmethod
    def StringIO(value: str = "") -> object:
        return _Text(value) if len(value) >= MIN_BYTES else io.StringIO(value)


class _PandasWithArrowCsv:
    """P2: ``pandas`` as ``geodata.text`` sees it, reading big text with pyarrow."""

    def __getattr__(self, name: str) -> object:
        return getattr(pd, name)

    @staticmethod
    def read_csv(source: object, **options: object) -> pd.DataFrame:
        if isinstance(source, _Text):
            if options.get("dtype") is str:
                arrow = {k: v for k, v in options.items() if k != "skipinitialspace"}
                try:
                    return pd.read_csv(
                        io.BytesIO(source.value.encode("utf-8")),
                        engine="pyarrow",
                        **arrow,
                    )
                except Exception:  # anything unusual: the C engine and its messages
                    log.debug("pyarrow engine declined; using the C engine")
            source = io.StringIO(source.value)
        return pd.read_csv(source, **options)


def _numbers(table: pd.DataFrame, column: str, name: str) -> pd.Series:
    """P3: ``geodata.points._numbers`` with an Arrow cast for clean columns."""
    raw = table[column]
    dtype = raw.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        text = pc.utf8_trim_whitespace(pa.array(raw))
        empty = pc.or_(pc.equal(text, ""), pc.equal(text, "nan"))
        text = pc.if_else(empty, pa.scalar(None, pa.string()), text)
        try:
            values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return _ORIGINAL["_numbers"](table, column, name)
        values = pd.Series(values, index=raw.index, dtype="float64")
        return values.where(np.isfinite(values))
    return _ORIGINAL["_numbers"](table, column, name)


def points_frame(columns: dict, x: np.ndarray, y: np.ndarray, keep: np.ndarray):
    """P4: ``geodata.location.points_frame`` keeping each column's own array type."""
    import geopandas as gpd

    from geodata.crs import BNG
    from geodata.points import point_array

    frame = pd.DataFrame({k: v.array[keep] for k, v in columns.items()})
    return gpd.GeoDataFrame(frame, geometry=point_array(x[keep], y[keep]), crs=BNG)


# (module defining it, name, replacement, modules that imported the name)
PATCHES = (
    ("geodata.dates", "apply_clock", apply_clock, ("geodata.read",)),
    ("geodata.points", "_numbers", _numbers, ()),
    ("geodata.location", "points_frame", points_frame, ("geodata.read",)),
)


def apply() -> list[str]:
    """Patch the readers with P1-P4; return the patches that could not apply."""
    skipped = []
    for module_name, attr, replacement, importers in PATCHES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            skipped.append(f"{module_name}.{attr}")
            continue
        if not hasattr(module, attr):
            skipped.append(f"{module_name}.{attr}")
            continue
        _ORIGINAL.setdefault(attr, getattr(module, attr))
        setattr(module, attr, replacement)
        for importer in importers:
            other = importlib.import_module(importer)
            if hasattr(other, attr):
                setattr(other, attr, replacement)
    text = importlib.import_module("geodata.text")
    text.pd = _PandasWithArrowCsv()
    text.io = _IoWithoutStringCopy()
    return skipped


def pytest_configure(config: object) -> None:
    """Pytest plugin hook: run the suite with every fast path always taken."""
    global MIN_BYTES
    MIN_BYTES = 0
    skipped = apply()
    if skipped:
        log.warning("proposals not applied: %s", skipped)
