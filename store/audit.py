"""Audit log: who signed in, uploaded, exported or changed what, and when.

An event is an `AuditEvent`, a user id and a short object id, nothing more: the
API takes no free text and no bytes, so no file content, count or location can
reach the log. Uploads are identified by a fingerprint of their bytes
(:func:`file_id`), never by the user's file name, which may itself say too much.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime
from enum import StrEnum

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from store.db import write_transaction
from store.models import OBJECT_ID_LEN, USER_LEN, audit_events, utc_now

log = logging.getLogger(__name__)

# Letters, digits and . _ @ + - only: an e-mail or a directory user id fits,
# a sentence does not.
_USER = re.compile(rf"[A-Za-z0-9._@+\-]{{1,{USER_LEN}}}")
_OBJECT = re.compile(rf"[A-Za-z0-9._:@/+\-]{{0,{OBJECT_ID_LEN}}}")
_FINGERPRINT_HEX = 16


class AuditEvent(StrEnum):
    """What happened. The value is what the log stores."""

    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    SIGN_IN_REFUSED = "sign_in_refused"
    UPLOAD = "upload"
    EXPORT = "export"
    SNAPSHOT_SAVED = "snapshot_saved"
    ROTA_CHANGED = "rota_changed"
    DEBRIEFS_SAVED = "debriefs_saved"
    PURGE = "purge"


def file_id(data: bytes) -> str:
    """Return a short fingerprint of an uploaded file's bytes ("sha256:" + 16 hex).

    The same file always gives the same id, so an upload can be matched to a file
    a partner holds without the log keeping its name or content.
    """
    digest = hashlib.sha256(data).hexdigest()[:_FINGERPRINT_HEX]
    return f"sha256:{digest}"


def check_user(user: object) -> str:
    """Return ``user`` if it is a valid user id, else raise ``ValueError``."""
    if not isinstance(user, str) or not _USER.fullmatch(user):
        raise ValueError(
            f"user id must be 1-{USER_LEN} letters, digits or . _ @ + - "
            "(e.g. an e-mail address); got a value that is not"
        )
    return user


def _check(event: object, user: object, object_id: object) -> None:
    if not isinstance(event, AuditEvent):
        raise TypeError(f"event must be an AuditEvent, not {type(event).__name__}")
    check_user(user)
    if not isinstance(object_id, str) or not _OBJECT.fullmatch(object_id):
        raise ValueError(
            f"object id must be at most {OBJECT_ID_LEN} letters, digits or "
            "._:@/+- (an id, never file content or free text)"
        )


def record_event(
    target: Engine | Connection,
    event: AuditEvent,
    user: str,
    object_id: str = "",
    *,
    at: datetime | None = None,
) -> None:
    """Add one event to the audit log.

    Parameters
    ----------
    target
        An engine (the event is written in its own transaction) or a connection
        already in a transaction (the event commits or rolls back with it).
    event
        What happened.
    user
        Who: the signed-in user's id (letters, digits, ``._@+-``).
    object_id
        Which object, as a short id: a snapshot id, "rota:<key>:v3", a
        :func:`file_id`, an export's file name.
    at
        When (aware); now by default.
    """
    _check(event, user, object_id)
    row = {
        "at": at or utc_now(),
        "event": event.value,
        "user_id": user,
        "object_id": object_id,
    }
    if isinstance(target, Connection):
        target.execute(insert(audit_events).values(row))
    else:
        with write_transaction(target) as conn:
            conn.execute(insert(audit_events).values(row))
    log.info("audit: %s by %s %s", event.value, user, object_id)


def audit_log(
    engine: Engine,
    *,
    since: datetime | None = None,
    user: str | None = None,
    event: AuditEvent | None = None,
) -> pd.DataFrame:
    """Return audit events, oldest first: ``at`` (UTC), ``event``, ``user_id``,
    ``object_id``, optionally only since a time, for one user or of one kind.
    """
    query = select(
        audit_events.c.at,
        audit_events.c.event,
        audit_events.c.user_id,
        audit_events.c.object_id,
    ).order_by(audit_events.c.at, audit_events.c.id)
    if since is not None:
        query = query.where(audit_events.c.at >= since)
    if user is not None:
        query = query.where(audit_events.c.user_id == user)
    if event is not None:
        query = query.where(audit_events.c.event == AuditEvent(event).value)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["at", "event", "user_id", "object_id"])
