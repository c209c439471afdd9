"""Refuse files that carry personal data, judged by column names and by content."""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from geodata.errors import InputDataError

log = logging.getLogger(__name__)

SAMPLE_ROWS = 1000
_MAX_CHARS = 300  # longer cells are cut before matching so no pattern can crawl

_PERSON = (
    r"(client|child|young_?person|person|victim|offender|suspect|pupil|patient|"
    r"parent|carer|subject|service_?user|mother|father)"
)
_HEADERS = {
    "a name": (
        r"(name|full_?name|first_?name|forename|given_?name|surname|last_?name|"
        rf"family_?name|middle_?names?|{_PERSON}_?(full_?)?name|"
        rf"{_PERSON}_?(first|last|sur)_?name)"
    ),
    "a date of birth": r"(dob|d_o_b|date_of_birth|birth_?date|birthday|born)",
    "an age": r"(age|age_at_incident|age_years)",
    "an address": (
        r"(address|address_?(line)?_?\d*|street_address|home_address|full_address|"
        r"house_(number|name|no)|flat_(number|no))"
    ),
    "a phone number": (
        r"(phone|phone_?(no|number)|telephone|telephone_?(no|number)|tel|tel_?no|"
        r"mobile|mobile_?(no|number)|contact_?(number|no|phone))"
    ),
    "an email address": r"(email|e_mail|email_address|e_mail_address)",
    "an NHS number": r"(nhs|nhs_?(no|number|num))",
    "a personal identifier": (
        r"(ni_?number|ni_?no|national_insurance(_number)?|upn|child_?id|person_?id|"
        r"pupil_?id|client_?id|patient_?id|crn|pnc_?(id|number|no)?)"
    ),
}
_HEADER_PATTERNS = [
    (what, re.compile(f"^{pattern}$")) for what, pattern in _HEADERS.items()
]

_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_PHONE = re.compile(r"^(?:\+44|0044|0)[1237-9]\d{8,9}$")
_ADDRESS = re.compile(
    r"^\s*(?:flat|apartment|unit)?\s*\d+[A-Za-z]?\s*,?\s+(?:\d+[A-Za-z]?\s+)?"
    r"[A-Za-z][A-Za-z'. \-]+"
    rf".*{_POSTCODE}",
    re.IGNORECASE,
)


def _nhs_valid(digits: pd.Series) -> np.ndarray:
    """Vectorised NHS number modulus-11 check on 10-digit strings."""
    if digits.empty:
        return np.zeros(0, bool)
    table = np.frombuffer("".join(digits).encode(), dtype=np.uint8).reshape(-1, 10) - 48
    remainder = (table[:, :9] * np.arange(10, 1, -1)).sum(axis=1) % 11
    check = (11 - remainder) % 11
    return (check != 10) & (check == table[:, 9])


def _content_reason(values: pd.Series) -> str | None:
    """Say what personal data a column's sampled values hold, if any."""
    text = values.astype(str).str.slice(0, _MAX_CHARS).str.strip()
    text = text[text != ""]
    if text.empty:
        return None
    n = len(text)
    enough = max(1, int(np.ceil(0.1 * n)))
    if text.str.contains(_EMAIL).sum() >= enough:
        return "holds email addresses"
    compact = text.str.replace(r"[\s\-().]", "", regex=True)
    if compact.str.match(_PHONE).sum() >= enough:
        return "holds UK phone numbers"
    ten = compact[compact.str.fullmatch(r"\d{10}")]
    if len(ten) >= max(1, int(np.ceil(0.5 * n))) and _nhs_valid(ten).mean() > 0.5:
        return "holds NHS numbers (valid check digits)"
    if text.str.contains(_ADDRESS).sum() >= enough:
        return "holds full addresses (house number, street and postcode)"
    return None


def _sample(column: pd.Series) -> pd.Series:
    if len(column) <= SAMPLE_ROWS:
        return column
    step = len(column) // SAMPLE_ROWS
    return column.iloc[::step].iloc[:SAMPLE_ROWS]


def find_personal(
    table: pd.DataFrame, headers: dict[str, str] | None = None
) -> dict[str, str]:
    """Return ``{column: reason}`` for columns that look like personal data.

    Headers are matched against names, dates of birth, ages, addresses, phone
    numbers, email addresses, NHS numbers and personal identifiers; the content
    of every text column is sampled for email addresses, UK phone numbers, NHS
    numbers with a valid check digit and full addresses. ``headers`` maps each
    column to the user's own header (synonyms are not trusted: a ``Service Name``
    in an incident file is still a name).
    """
    headers = headers or {}
    found: dict[str, str] = {}
    for column in table.columns:
        if column == "geometry":
            continue
        raw = headers.get(column, column)
        key = "_".join(
            str(raw).strip().lower().replace("-", " ").replace("/", " ").split()
        )
        for what, pattern in _HEADER_PATTERNS:
            if pattern.match(key) or pattern.match(str(column)):
                found[str(column)] = f"is {what} column"
                break
        else:
            values = table[column]
            if values.dtype == object or pd.api.types.is_string_dtype(values):
                reason = _content_reason(_sample(values))
                if reason:
                    found[str(column)] = reason
    return found


def refuse_personal(
    table: pd.DataFrame, name: str, headers: dict[str, str] | None = None
) -> None:
    """Raise :class:`InputDataError` naming every column that looks personal."""
    found = find_personal(table, headers)
    if not found:
        return
    cols = ", ".join(f"'{c}'" for c in found)
    reasons = "; ".join(f"'{c}' {why}" for c, why in found.items())
    log.info("%s: refused, personal-data columns %s", name, cols)
    raise InputDataError(
        f"{name}: column(s) {cols} look like personal data about individuals "
        f"({reasons}). The planner needs only date, time, category and location "
        "(coordinates or postcode): delete those columns from the file (in Excel, "
        "right-click the column letter and choose Delete), save it and upload it again."
    )
