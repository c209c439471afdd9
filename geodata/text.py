"""Read delimited text (CSV, TSV, police.uk) whatever the encoding and dialect."""

from __future__ import annotations

import csv
import io
import logging

import numpy as np
import pandas as pd

from geodata.errors import InputDataError

log = logging.getLogger(__name__)

MAX_LINE_CHARS = 1_000_000
# Text at least this big is read with pyarrow (smaller: the C engine starts faster).
ARROW_MIN_BYTES = 1_000_000
# How much of large text is decoded to choose the delimiter and run the checks.
HEAD_BYTES = 200_000
DELIMITERS = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 with BOM"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


def _has_long_line(data: bytes, limit: int) -> bool:
    """Whether any line is longer than ``limit`` bytes, without scanning every byte.

    Such a line covers at least one whole block of ``limit // 2`` bytes with no line
    break, so only blocks need testing; ``bytes.find`` stops at the first break.
    """
    block = max(limit // 2, 1)
    for start in range(0, len(data) - block + 1, block):
        end = start + block
        if data.find(b"\n", start, end) < 0 and data.find(b"\r", start, end) < 0:
            first = max(data.rfind(b"\n", 0, start), data.rfind(b"\r", 0, start)) + 1
            stops = [
                i for i in (data.find(b"\n", end), data.find(b"\r", end)) if i >= 0
            ]
            if min(stops, default=len(data)) - first > limit:
                return True
    return False


def refuse_binary(name: str, data: bytes) -> None:
    """Refuse bytes with NUL characters: no text format we read has them."""
    if b"\x00" in data:
        raise InputDataError(
            f"{name}: this does not look like a text file (it contains NUL bytes). "
            "Save it as CSV (comma-separated values) and upload it again."
        )


def decode(name: str, data: bytes) -> tuple[str, str]:
    """Decode text bytes, returning the text and the encoding's plain name.

    UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text") and
    Windows-1252 (Excel's default "CSV" on UK machines) are accepted; anything with
    NUL bytes or many control characters is refused as not text.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError as exc:
                raise InputDataError(
                    f"{name}: the text is damaged ({label} that does not decode). "
                    "Save it again as CSV UTF-8."
                ) from exc
    refuse_binary(name, data)
    try:
        text, label = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps them rather than failing.
        try:
            text, label = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            text, label = data.decode("latin-1"), "Latin-1"
    sample = np.frombuffer(data[:65536], dtype=np.uint8)
    control = (sample < 32) & ~np.isin(sample, (9, 10, 13)) | (sample == 127)
    if sample.size and control.mean() > 0.01:
        raise InputDataError(
            f"{name}: this does not look like a text file (it is full of control "
            "characters). Save it as CSV (comma-separated values) and upload it again."
        )
    return text, label


def _sniff(lines: list[str], default: str) -> str:
    """Pick the delimiter that splits the header into most, consistent, fields."""
    best, best_score = default, (0.0, 1)
    for delimiter in DELIMITERS:
        rows = list(csv.reader(lines, delimiter=delimiter))
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows) / len(rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parser_message(name: str, exc: Exception, delimiter: str) -> str:
    text = str(exc)
    if "EOF inside string" in text or "EOF" in text:
        return (
            f'{name}: a quoted value is never closed (a " opens a value that runs '
            "to the end of the file). The file may be truncated; export it again."
        )
    if "Expected" in text and "fields" in text:
        detail = text.split("C error: ")[-1].strip()
        return (
            f"{name}: rows have different numbers of columns ({detail}). A value "
            f"probably contains an unquoted {_NAMES[delimiter]}; export the file "
            "again with quoted values."
        )
    return f"{name}: could not read it as a table ({text}). Export it again as CSV."


def _decoded_lines(name: str, data: bytes) -> tuple[str, str]:
    """Return the decoded text with every line break as ``\\n``, and its encoding."""
    text, encoding = decode(name, data)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _read_with_arrow(data: bytes, delimiter: str, skip: int) -> pd.DataFrame | None:
    """Read large UTF-8 text with pandas' pyarrow engine, straight from the bytes.

    Several times faster than the C engine for a million rows, and it needs no
    ``io.StringIO`` copy (4 bytes a character). Anything it declines (quoted line
    breaks, ragged rows, odd quoting) returns ``None``: the C engine then reads the
    file and gives its usual messages.
    """
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return pd.read_csv(
            io.BytesIO(memoryview(data)[start:]),
            engine="pyarrow",
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skiprows=skip,
        )
    except Exception:  # any refusal means "use the C engine"
        log.debug("pyarrow engine declined the file; using the C engine")
        return None


def _head(data: bytes) -> bytes | None:
    """Return the first lines of large text, cut after a line break.

    ``None`` for text under ``ARROW_MIN_BYTES`` or without a line break in its
    first ``HEAD_BYTES`` (a break is ASCII, so the cut never splits a character).
    """
    if len(data) < ARROW_MIN_BYTES:
        return None
    cut = data.rfind(b"\n", 0, HEAD_BYTES)
    return data[: cut + 1] if cut > 0 else None


def _dialect(name: str, text: str, tab_default: bool) -> tuple[str, bool]:
    """Refuse web pages; return the delimiter and whether a ``sep=`` line leads."""
    head = text.lstrip()[:2000].lower()
    if (
        head.startswith(("<!doctype html", "<html", "<?xml", "<table"))
        or "<html" in head
    ):
        raise InputDataError(
            f"{name}: this is a web page (HTML), not CSV. Download the CSV file itself "
            "(right-click the download link and choose 'Save link as')."
        )
    first = text[: text.find("\n")] if "\n" in text else text
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        # Excel writes a "sep=;" line so that it can reopen the file; honour it.
        return first.strip()[4], True
    lines = [line for line in text[:200_000].split("\n")[:60] if line.strip()]
    return _sniff(lines, "\t" if tab_default else ","), False


def _read_large_utf8(
    name: str, data: bytes, tab_default: bool
) -> tuple[pd.DataFrame, str, str] | None:
    """Read large UTF-8 text with pyarrow, looking only at its head as text.

    The dialect and the checks need the first lines; decoding a million-row file
    into one string (and copying it to normalise line breaks) took 0.25 s and
    several times the file's memory for nothing. pyarrow checks that every value
    is UTF-8, so text that is not (say Windows-1252 further down) is declined and
    read the slow way, which names its encoding. ``None`` whenever this path does
    not apply.
    """
    head = _head(data)
    if head is None:
        return None
    refuse_binary(name, data)
    text, encoding = _decoded_lines(name, head)
    if not encoding.startswith("UTF-8") or not text.strip():
        return None
    delimiter, sep_line = _dialect(name, text, tab_default)
    table = _read_with_arrow(data, delimiter, skip=int(sep_line))
    return None if table is None else (table, encoding, delimiter)


def read_text_table(
    name: str, data: bytes, tab_default: bool
) -> tuple[pd.DataFrame, str]:
    """Read delimited text into a DataFrame of strings.

    Returns
    -------
    DataFrame, str
        All columns as ``str`` ("" for empty cells) and a description of the file,
        e.g. ``"CSV, UTF-8, comma-separated"``.
    """
    if _has_long_line(data, MAX_LINE_CHARS):
        raise InputDataError(
            f"{name}: one line is longer than {MAX_LINE_CHARS:,} characters. The "
            "file is not a plain table (or a cell holds a whole document); export "
            "only the columns needed."
        )
    fast = _read_large_utf8(name, data, tab_default)
    if fast is not None:
        table, encoding, delimiter = fast
    else:
        table, encoding, delimiter = _read_decoded(name, data, tab_default)
    unnamed = [
        c
        for c in table.columns
        if str(c).startswith("Unnamed: ")
        and (table[c].astype(str).str.strip() == "").all()
    ]
    table = table.drop(columns=unnamed).fillna("")
    description = f"{encoding}, {_NAMES[delimiter]}-separated"
    log.debug("%s: %s, %d rows", name, description, len(table))
    return table, description


def _read_decoded(
    name: str, data: bytes, tab_default: bool
) -> tuple[pd.DataFrame, str, str]:
    """Decode the whole text and read it with pandas' C engine."""
    text, encoding = _decoded_lines(name, data)
    if not text.strip():
        raise InputDataError(f"{name}: the file is empty. Export the data again.")
    delimiter, sep_line = _dialect(name, text, tab_default)
    if sep_line:
        text = text.partition("\n")[2]
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=False,
        )
    except pd.errors.EmptyDataError as exc:
        raise InputDataError(
            f"{name}: the file is empty. Export the data again."
        ) from exc
    except (pd.errors.ParserError, ValueError, OverflowError) as exc:
        raise InputDataError(_parser_message(name, exc, delimiter)) from exc
    return table, encoding, delimiter
