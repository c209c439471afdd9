"""Tests for store.audit: events carry an enum, a user id and a short id only."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from store.audit import AuditEvent, audit_log, file_id, record_event
from store.models import OBJECT_ID_LEN, USER_LEN, audit_events


def _at(hour: int) -> datetime:
    return datetime(2026, 12, 1, hour, tzinfo=UTC)


def test_events_are_logged_with_who_what_and_when(engine):
    """Sign-in, upload and export are kept in order and can be filtered."""
    record_event(engine, AuditEvent.SIGN_IN, "jo@swansea.gov.uk", at=_at(9))
    data = b"date,category,latitude,longitude\n2026-01-01,violence,51.62,-3.94\n"
    record_event(
        engine, AuditEvent.UPLOAD, "jo@swansea.gov.uk", file_id(data), at=_at(10)
    )
    record_event(engine, AuditEvent.EXPORT, "ceri", "panel_pack.html", at=_at(11))
    log = audit_log(engine)
    assert log.values.tolist() == [
        [_at(9), "sign_in", "jo@swansea.gov.uk", ""],
        [_at(10), "upload", "jo@swansea.gov.uk", file_id(data)],
        [_at(11), "export", "ceri", "panel_pack.html"],
    ]
    assert audit_log(engine, user="ceri")["event"].tolist() == ["export"]
    assert audit_log(engine, since=_at(10))["event"].tolist() == ["upload", "export"]
    assert audit_log(engine, event=AuditEvent.SIGN_IN)["user_id"].tolist() == [
        "jo@swansea.gov.uk"
    ]


def test_file_id_is_a_short_fingerprint_not_the_content():
    """Same bytes, same id; the id holds no part of the file."""
    data = b"date,category,latitude,longitude\n2026-01-01,violence,51.62,-3.94\n"
    assert file_id(data) == file_id(bytes(data))
    assert file_id(data) != file_id(data + b" ")
    assert file_id(data).startswith("sha256:")
    assert len(file_id(data)) == len("sha256:") + 16
    assert "51.62" not in file_id(data)


def test_the_api_takes_no_free_text_or_content():
    """record_event's parameters: where, an enum, a user, an id, a time."""
    names = list(inspect.signature(record_event).parameters)
    assert names == ["target", "event", "user", "object_id", "at"]


@pytest.mark.parametrize(
    ("event", "user", "object_id", "error", "message"),
    [
        ("upload", "jo", "", TypeError, "event must be an AuditEvent, not str"),
        (
            AuditEvent.UPLOAD,
            "jo",
            b"date,lat,lon\n1,51.6,-3.9",
            ValueError,
            "object id must be",
        ),
        (
            AuditEvent.UPLOAD,
            "jo",
            "incidents.csv: 2026-01-01 violence 51.62 -3.94",
            ValueError,
            "object id must be",
        ),
        (
            AuditEvent.UPLOAD,
            "jo",
            "x" * (OBJECT_ID_LEN + 1),
            ValueError,
            "object id must be at most 80",
        ),
        (AuditEvent.UPLOAD, "jo", "a\nb", ValueError, "object id must be"),
        (
            AuditEvent.SIGN_IN,
            "Jo Bloggs saw a child",
            "",
            ValueError,
            "user id must be",
        ),
        (AuditEvent.SIGN_IN, "x" * (USER_LEN + 1), "", ValueError, "user id must be"),
        (AuditEvent.SIGN_IN, b"jo", "", ValueError, "user id must be"),
    ],
)
def test_payloads_that_could_carry_content_are_refused(
    engine, event, user, object_id, error, message
):
    """Text with spaces, bytes, newlines or long values never reach the log."""
    with pytest.raises(error, match=message):
        record_event(engine, event, user, object_id)
    assert audit_log(engine).empty


def test_audit_table_has_no_room_for_content():
    """The table has exactly five narrow columns: no text or JSON column."""
    columns = {c.name: c.type for c in audit_events.columns}
    assert list(columns) == ["id", "at", "event", "user_id", "object_id"]
    lengths = [t.length for t in columns.values() if isinstance(t, sa.String)]
    assert lengths == [32, USER_LEN, OBJECT_ID_LEN]
    assert all(v.length <= 32 for v in (sa.String(len(e.value)) for e in AuditEvent))
