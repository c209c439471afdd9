"""Tests for store.debriefs: the debrief file, storing it, and a safe summary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from geodata.errors import InputDataError
from store import audit_log, file_id
from store.debriefs import (
    DEBRIEF_COLUMNS,
    debrief_summary,
    load_debriefs,
    read_debriefs,
    save_debriefs,
)

HEADER = "date,session_id,hotspot,visited,young_people,themes\n"


def _read(rows: str, header: str = HEADER) -> pd.DataFrame:
    return read_debriefs(
        "debriefs.csv", (header + rows).encode(), today=date(2026, 12, 20)
    )


def test_debrief_file_is_read_and_typed(debrief_csv, today):
    """ISO and UK dates, yes/no, empty count as 0, themes as lower-case tags."""
    frame = read_debriefs("debriefs.csv", debrief_csv, today=today)
    assert list(frame.columns) == list(DEBRIEF_COLUMNS)
    assert frame.to_dict("records") == [
        {
            "date": date(2026, 12, 7),
            "session_id": "S2026-12-07-H01-evening",
            "hotspot": "Castle Square",
            "visited": True,
            "young_people": 7,
            "themes": "county lines; vaping",
        },
        {
            "date": date(2026, 12, 8),
            "session_id": "S2026-12-08-H02-evening",
            "hotspot": "Parc Tawe",
            "visited": False,
            "young_people": 0,
            "themes": "",
        },
    ]


def test_synonyms_and_optional_columns(today):
    """Hotspot name, 'Young people contacted' and 'Theme' are understood."""
    frame = _read(
        "2026-12-07,Castle Square,Y,3,Alcohol\n",
        header="Date,Hotspot name,Visited,Young people contacted,Theme\n",
    )
    assert frame.loc[0, ["hotspot", "visited", "young_people", "themes"]].tolist() == [
        "Castle Square",
        True,
        3,
        "alcohol",
    ]
    assert frame.loc[0, "session_id"] == ""


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (
            "2026-12-07,Castle Square,yes,2,,Jo was there\n",
            "date,hotspot,visited,young_people,themes,notes\n",
            r"column\(s\) 'notes' are not part of a debrief.*no notes, names or ages",
        ),
        ("2026-12-07,yes\n", "date,visited\n", r"debriefs.csv: no column\(s\) hotspot"),
        (
            ",S1,Castle Square,yes,2,\n",
            HEADER,
            r"column 'date' must be YYYY-MM-DD or DD/MM/YYYY; found on line\(s\) 2",
        ),
        (
            "2027-01-05,S1,Castle Square,yes,2,\n",
            HEADER,
            r"column 'date' is in the future; found on line\(s\) 2 \('2027-01-05'\)",
        ),
        (
            "2026-12-07,S1,Castle Square,maybe,2,\n",
            HEADER,
            r"column 'visited' must be yes or no; found on line\(s\) 2 \('maybe'\)",
        ),
        (
            "2026-12-07,S1,Castle Square,yes,two,\n",
            HEADER,
            r"column 'young_people' must be a whole number from 0 to 200",
        ),
        (
            "2026-12-07,S1,Castle Square,no,4,\n",
            HEADER,
            r"'young_people' is above 0 for a session marked visited = no",
        ),
        (
            "2026-12-07,S1,Castle Square,yes,2,girl aged 14\n",
            HEADER,
            r"column 'themes' must be short tags of letters",
        ),
        (
            "2026-12-07,S1,Castle Square,yes,2,a;b;c;d;e;f;g;h;i\n",
            HEADER,
            r"column 'themes' has more than 8 themes",
        ),
        (
            "2026-12-07,S 1,Castle Square,yes,2,\n",
            HEADER,
            r"column 'session_id' must be a rota session id",
        ),
        (
            "2026-12-07,,Castle Square,yes,2,\n2026-12-07,,Castle Square,no,0,\n",
            HEADER,
            r"and hotspot \(and session_id\) repeat: one row per session",
        ),
        (
            "2026-12-07,,Ring 07700 900123,yes,2,\n",
            HEADER,
            r"hotspot: looks like it holds a phone number",
        ),
    ],
)
def test_bad_debriefs_are_refused_naming_column_and_line(rows, header, message):
    """Each rule names the file, the column, the line and the fix."""
    with pytest.raises(InputDataError, match=message):
        _read(rows, header=header)


def test_debriefs_are_stored_and_a_second_upload_replaces(engine, debrief_csv, today):
    """Re-uploading a session's debrief replaces it instead of counting twice."""
    frame = read_debriefs("debriefs.csv", debrief_csv, today=today)
    at = datetime(2026, 12, 10, tzinfo=UTC)
    assert save_debriefs(
        engine, frame, user="ceri", source_id=file_id(debrief_csv), at=at
    ) == {"saved": 2, "replaced": 0}
    fixed = frame.copy()
    fixed.loc[0, "young_people"] = 9
    later = datetime(2026, 12, 11, tzinfo=UTC)
    assert save_debriefs(engine, fixed.iloc[[0]], user="ceri", at=later) == {
        "saved": 1,
        "replaced": 1,
    }
    stored = load_debriefs(engine)
    assert stored["young_people"].tolist() == [9, 0]
    assert stored["visited"].tolist() == [True, False]
    assert load_debriefs(engine, start=date(2026, 12, 8))["hotspot"].tolist() == [
        "Parc Tawe"
    ]
    assert load_debriefs(engine, end=date(2026, 12, 7))["hotspot"].tolist() == [
        "Castle Square"
    ]
    events = audit_log(engine, event="debriefs_saved")
    assert events["object_id"].tolist() == [file_id(debrief_csv), "debriefs:1"]


def test_summary_hides_small_numbers_of_young_people():
    """Totals 1-4 show as <5; themes count sessions with secondary suppression."""
    frame = pd.DataFrame(
        {
            "date": [date(2026, 12, d) for d in (1, 2, 3, 4, 5, 6, 7)],
            "session_id": [""] * 7,
            "hotspot": ["Castle Square"] * 6 + ["Parc Tawe"],
            "visited": [True] * 6 + [True],
            "young_people": [3, 4, 2, 0, 1, 2, 3],
            "themes": ["county lines; vaping"] * 5 + ["alcohol; vaping", "vaping"],
        }
    )
    summary = debrief_summary(frame, threshold=5)
    assert summary["hotspot"].tolist() == ["Castle Square", "Parc Tawe"]
    assert summary["sessions"].tolist() == [6, 1]
    assert summary["young_people"].tolist() == ["12", "<5"]
    assert summary["young_people_shown"].iloc[0] == 12.0
    assert np.isnan(summary["young_people_shown"].iloc[1])
    assert summary["themes"].tolist() == [
        "vaping 6; county lines *; alcohol <5",
        "vaping <5",
    ]


def test_summary_of_nothing_is_empty():
    """No debriefs, an empty table with the documented columns."""
    summary = debrief_summary(pd.DataFrame(columns=list(DEBRIEF_COLUMNS)), 5)
    assert summary.empty
    assert list(summary.columns) == [
        "hotspot",
        "sessions",
        "held",
        "young_people",
        "young_people_shown",
        "themes",
    ]
