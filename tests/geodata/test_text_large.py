"""Large text files take the columnar (pyarrow) path and give the same table."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata import text
from geodata.errors import InputDataError

ROW = "2025-12-19,21:30,violence,police,51.6211,-3.9436\n"
HEADER = "date,time,category,source,latitude,longitude\n"


def _both(data: bytes, arrow_reads: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read ``data`` with the pyarrow path and with the C engine only."""
    calls = []
    arrow = text._read_with_arrow
    text._read_with_arrow = lambda *a, **k: calls.append(arrow(*a, **k)) or calls[-1]
    try:
        fast, _ = text.read_text_table("big.csv", data, False)
    finally:
        text._read_with_arrow = arrow
    assert len(calls) == 1
    assert (calls[0] is not None) == arrow_reads
    saved = text.ARROW_MIN_BYTES
    text.ARROW_MIN_BYTES = 10**12
    try:
        slow, _ = text.read_text_table("big.csv", data, False)
    finally:
        text.ARROW_MIN_BYTES = saved
    return fast, slow


def test_large_csv_reads_the_same_with_either_engine():
    """A 1.3 MB CSV with blanks, a BOM and CRLF reads identically both ways."""
    rows = [ROW.replace("21:30", "") if i % 7 == 0 else ROW for i in range(26_000)]
    data = ("\ufeff" + HEADER + "".join(rows)).replace("\n", "\r\n").encode()
    assert len(data) > text.ARROW_MIN_BYTES
    fast, slow = _both(data, arrow_reads=True)
    pd.testing.assert_frame_equal(fast, slow)
    assert (fast["time"] == "").sum() == 26_000 // 7 + 1


def test_large_csv_with_sep_line_and_semicolons():
    """Excel's "sep=;" line is honoured on the columnar path too."""
    body = (HEADER + ROW * 26_000).replace(",", ";")
    fast, slow = _both(("sep=;\n" + body).encode(), arrow_reads=True)
    pd.testing.assert_frame_equal(fast, slow)
    assert list(fast.columns)[:2] == ["date", "time"]
    assert len(fast) == 26_000


def test_large_csv_pyarrow_declines_falls_back_to_c_engine():
    """A short row (pyarrow refuses it) is read by the C engine, padded with ""."""
    short = "2025-12-19,21:30,violence,police,51.6\n"
    data = (HEADER + ROW * 26_000 + short).encode()
    fast, slow = _both(data, arrow_reads=False)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["longitude"].iloc[-1] == ""
    assert fast["latitude"].iloc[-1] == "51.6"


def test_large_ragged_csv_gets_the_c_engine_message():
    """A ragged row in a big file gives the usual plain message, not pyarrow's."""
    data = HEADER + ROW * 26_000 + "2025-12-19,21:30,violence,police,51.6,-3.9,x\n"
    with pytest.raises(InputDataError, match="rows have different numbers of columns"):
        text.read_text_table("big.csv", data.encode(), False)


def test_large_csv_windows_1252_after_the_head_is_read_and_named():
    """A café written in Windows-1252 beyond the decoded head is read, not garbled."""
    data = (
        HEADER + ROW * 26_000
    ).encode() + "2025-12-19,,café,police,51.6,-3.9\n".encode("cp1252")
    assert data.find(b"caf") > text.HEAD_BYTES
    table, description = text.read_text_table("big.csv", data, False)
    assert table["category"].iloc[-1] == "café"
    assert description == "Windows-1252, comma-separated"
    utf8, description = text.read_text_table(
        "big.csv", data.replace(b"\xe9", b"e"), False
    )
    assert description == "UTF-8, comma-separated"
    assert len(utf8) == len(table) == 26_001


def test_large_file_with_nul_bytes_after_the_head_is_refused():
    """NUL bytes anywhere, not only in the decoded head, mean this is not text."""
    data = (HEADER + ROW * 26_000).encode() + b"2025-12-19,,vio\x00,police,51.6,-3.9\n"
    with pytest.raises(InputDataError, match="NUL bytes"):
        text.read_text_table("big.csv", data, False)
