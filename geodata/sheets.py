"""Read one sheet of an Excel workbook (.xlsx/.xlsm, also Strict Open XML)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import warnings
import zipfile

import pandas as pd

from geodata.archive import open_zip, read_member, split_part
from geodata.errors import InputDataError

log = logging.getLogger(__name__)

MAX_ROWS = 1_500_000
_HEADER_SEARCH_ROWS = 30

# "Strict Open XML" workbooks use ISO namespaces that openpyxl does not know; the
# transitional equivalents carry the same meaning.
_STRICT = re.compile(
    rb"http://purl\.oclc\.org/ooxml/(spreadsheetml|drawingml|officeDocument)/(\w+)"
)
_STRICT_RENAMES = {b"extendedProperties": b"extended-properties"}


def _transitional(match: re.Match[bytes]) -> bytes:
    family, leaf = match.group(1), match.group(2)
    leaf = _STRICT_RENAMES.get(leaf, leaf)
    return b"http://schemas.openxmlformats.org/" + family + b"/2006/" + leaf


def _unstrict(name: str, data: bytes) -> tuple[bytes, bool]:
    archive = open_zip(name, data, what="Excel workbook")
    members = {
        m.filename: read_member(name, archive, m.filename) for m in archive.infolist()
    }
    workbook = members.get("xl/workbook.xml", b"")
    if b"purl.oclc.org/ooxml" not in workbook:
        return data, False
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for member, content in members.items():
            if member.endswith((".xml", ".rels")):
                content = _STRICT.sub(_transitional, content)
            rewritten.writestr(member, content)
    return out.getvalue(), True


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_row(rows: list[tuple]) -> int:
    """Index of the first row with as many filled cells as the fullest early row."""
    filled = [
        sum(v not in (None, "") for v in row) for row in rows[:_HEADER_SEARCH_ROWS]
    ]
    widest = max(filled, default=0)
    return next((i for i, n in enumerate(filled) if n == widest), 0)


def _choose(name: str, sheets: list[str], part: str | None) -> str:
    if part is None:
        return sheets[0]
    for sheet in sheets:
        if sheet.strip().lower() == part.strip().lower():
            return sheet
    listed = ", ".join(f"'{s}'" for s in sheets)
    raise InputDataError(
        f"{name}: the workbook has no sheet '{part}'. Its sheets are: {listed}. "
        f"Name one after '#', e.g. '{split_part(name)[0]}#{sheets[0]}'."
    )


def sheet_names(name: str, data: bytes) -> list[str]:
    """Return a workbook's sheet names in order."""
    return _open(name, data)[0].sheetnames


def _open(name: str, data: bytes):
    import openpyxl

    fixed, strict = _unstrict(name, data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about print areas and data validation it drops.
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(
                io.BytesIO(fixed), read_only=True, data_only=True, keep_links=False
            )
    except Exception as exc:  # openpyxl raises many types for corrupt workbooks
        raise InputDataError(
            f"{name}: could not open it as an Excel workbook ({type(exc).__name__}). "
            "Open it in Excel and save it again as .xlsx or CSV."
        ) from exc
    if not book.sheetnames:
        raise InputDataError(
            f"{name}: the workbook has no sheets that can be read. Open it in Excel "
            "and save it again as 'Excel Workbook (.xlsx)'."
        )
    return book, strict


def read_sheet(
    name: str, data: bytes, part: str | None
) -> tuple[pd.DataFrame, str, list[str]]:
    """Read the first sheet, or the sheet named ``part``, into strings.

    The header is the first row with as many filled cells as the fullest of the
    first 30 rows, so title rows above a table are skipped (and noted).

    Returns
    -------
    DataFrame, str, list of str
        Cells as ``str`` ("" when empty; dates as ISO text), a description of what
        was read and notes for the validation report.
    """
    book, strict = _open(name, data)
    sheet = _choose(name, book.sheetnames, part)
    try:
        rows = []
        for row in book[sheet].iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise InputDataError(
                    f"{name}: sheet '{sheet}' has more than {MAX_ROWS:,} rows. "
                    "Split it, e.g. by year."
                )
    except InputDataError:
        raise
    except Exception as exc:  # a damaged sheet part fails only when read
        raise InputDataError(
            f"{name}: sheet '{sheet}' is damaged ({type(exc).__name__}). Open it in "
            "Excel and save it again."
        ) from exc
    finally:
        book.close()
    while rows and all(v in (None, "") for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InputDataError(
            f"{name}: sheet '{sheet}' is empty. Export the data again."
        )
    top = _header_row(rows)
    header = [_cell_text(v) for v in rows[top]]
    body = [[_cell_text(v) for v in row] for row in rows[top + 1 :]]
    width = len(header)
    table = pd.DataFrame(
        [(r + [""] * width)[:width] for r in body], columns=header, dtype=str
    )
    keep = [i for i, h in enumerate(header) if h or (table.iloc[:, i] != "").any()]
    table = table.iloc[:, keep]
    table.columns = [
        h or f"column {i + 1}" for i, h in zip(keep, table.columns, strict=True)
    ]
    notes = []
    if len(book.sheetnames) > 1 and part is None:
        others = ", ".join(f"'{s}'" for s in book.sheetnames[1:4])
        notes.append(
            f"read sheet '{sheet}', the first of {len(book.sheetnames)} (others: "
            f"{others}); add '#SheetName' to the file name to read another"
        )
    if top:
        notes.append(f"skipped {top} title row(s) above the header in sheet '{sheet}'")
    kind = "Excel (Strict Open XML)" if strict else "Excel"
    return table, f"{kind}, sheet '{sheet}'", notes
