"""Tests for store.rotas: versions, who changed them, and checked rows."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from geodata.errors import InputDataError
from store import audit_log
from store.rotas import (
    ROTA_COLUMNS,
    list_rotas,
    load_rota,
    normalise_rota,
    rota_history,
    save_rota,
)

KEY = "cmet-2026-12-07"


def _at(hour: int) -> datetime:
    return datetime(2026, 12, 1, hour, tzinfo=UTC)


def test_each_change_is_a_new_version_with_who_and_when(engine, rota):
    """Versions 1, 2 keep their own rows; history says who changed what, when."""
    first = save_rota(engine, KEY, rota, user="ceri", at=_at(9))
    edited = rota.copy()
    edited.loc[2, ["workers", "staffed"]] = ["Aled;Jordan", True]
    second = save_rota(
        engine, KEY, edited, user="rhian", note="covered Wed", at=_at(11)
    )
    assert (first.version, first.created) == (1, True)
    assert (second.version, second.staffed, second.sessions) == (2, 3, 3)
    assert load_rota(engine, KEY)["workers"].tolist() == [
        "Aled;Rhian",
        "Ceri;Jordan",
        "Aled;Jordan",
    ]
    assert load_rota(engine, KEY, version=1)["workers"].tolist()[2] == ""
    history = rota_history(engine, KEY)
    assert history[["version", "changed_by", "note", "staffed"]].values.tolist() == [
        [1, "ceri", "", 2],
        [2, "rhian", "covered Wed", 3],
    ]
    assert history["changed_at"].tolist() == [_at(9), _at(11)]
    events = audit_log(engine, event="rota_changed")
    assert events["object_id"].tolist() == [f"rota:{KEY}:v1", f"rota:{KEY}:v2"]
    assert events["user_id"].tolist() == ["ceri", "rhian"]


def test_saving_an_unchanged_rota_makes_no_version(engine, rota):
    """Saving the same rows again keeps version 1 and logs nothing new."""
    save_rota(engine, KEY, rota, user="ceri")
    again = save_rota(engine, KEY, rota, user="ceri")
    assert (again.version, again.created) == (1, False)
    assert len(rota_history(engine, KEY)) == 1
    assert len(audit_log(engine)) == 1


def test_rota_read_back_from_csv_text_is_the_same_rota(engine, rota):
    """rota.csv read as text (dates, numbers and flags as strings) round-trips."""
    save_rota(engine, KEY, rota, user="ceri")
    as_text = rota.astype(str).replace({"": pd.NA})
    assert save_rota(engine, KEY, as_text, user="ceri").created is False
    stored = load_rota(engine, KEY)
    assert list(stored.columns) == list(ROTA_COLUMNS)
    assert stored["date"].tolist() == rota["date"].tolist()
    assert stored["priority"].tolist() == [100, 60, 100]
    assert stored["staffed"].tolist() == [True, True, False]


def test_rotas_are_listed_latest_first(engine, rota):
    """Each rota once, with its number of versions."""
    save_rota(engine, "cmet-2026-11-23", rota, user="ceri", at=_at(8))
    save_rota(engine, KEY, rota, user="ceri", at=_at(9))
    save_rota(engine, KEY, rota.iloc[:2], user="ceri", at=_at(10))
    listed = list_rotas(engine)
    assert listed[["rota_key", "versions"]].values.tolist() == [
        [KEY, 2],
        ["cmet-2026-11-23", 1],
    ]


def test_missing_rota_or_version_is_a_lookup_error(engine, rota):
    """Unknown rotas and versions say which."""
    with pytest.raises(LookupError, match="rota nope has no saved version"):
        load_rota(engine, "nope")
    save_rota(engine, KEY, rota, user="ceri")
    with pytest.raises(LookupError, match="has no version 7"):
        load_rota(engine, KEY, version=7)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("date", "07/13/2026", r"column 'date' must be YYYY-MM-DD; see line\(s\) 3"),
        ("start", "6pm", r"column 'start' must be a time HH:MM; see line\(s\) 3"),
        ("priority", "high", r"column 'priority' must be whole numbers"),
        ("staffed", "maybe", r"column 'staffed' must be true or false"),
        ("session_id", "", r"column 'session_id' must not be empty"),
        ("workers", "x" * 501, r"column 'workers' has text over 500 characters"),
    ],
)
def test_bad_rota_rows_are_refused_with_the_line(rota, column, value, message):
    """A hand-edited rota with a bad cell names the column and the CSV line."""
    bad = rota.astype(object)
    bad.loc[1, column] = value
    with pytest.raises(InputDataError, match=message):
        normalise_rota(bad, name="rota.csv")


def test_rota_without_required_columns_is_refused(rota):
    """A table that is not a rota says which columns it lacks."""
    with pytest.raises(InputDataError, match=r"rota.csv: no column\(s\) workers"):
        normalise_rota(rota.drop(columns="workers"), name="rota.csv")


def test_rota_note_with_a_phone_number_is_refused(engine, rota):
    """A rota note is about the rota, not a person."""
    with pytest.raises(InputDataError, match=r"rota note: .*a phone number"):
        save_rota(engine, KEY, rota, user="ceri", note="ring 07700900123")
    assert list_rotas(engine).empty


@pytest.mark.parametrize("key", ["", "has space", "x" * 81, "a/b"])
def test_rota_key_must_be_an_id(engine, rota, key):
    """The rota key goes into the audit log, so it is a short id."""
    with pytest.raises(ValueError, match="rota key must be"):
        save_rota(engine, key, rota, user="ceri")


def test_staffed_defaults_from_workers(rota):
    """Without a staffed column, a session with workers is staffed."""
    table = normalise_rota(rota.drop(columns="staffed"))
    assert table["staffed"].tolist() == [True, True, False]
    assert table["date"].tolist()[0] == date(2026, 12, 7)


def test_concurrent_saves_get_distinct_versions(engine, rota):
    """Eight writers at once: versions 1-8, none lost, none repeated."""
    errors: list[BaseException] = []

    def save(i: int) -> None:
        edited = rota.assign(priority=[i + 1, 60, 100])
        try:
            save_rota(engine, KEY, edited, user=f"worker{i}")
        except Exception as exc:  # reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    history = rota_history(engine, KEY)
    assert history["version"].tolist() == list(range(1, 9))
    assert sorted(history["changed_by"]) == sorted(f"worker{i}" for i in range(8))
