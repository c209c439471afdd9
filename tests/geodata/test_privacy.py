"""The personal-data guard: refused by header and by content, never echoing values."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.errors import InputDataError
from geodata.privacy import _nhs_valid, find_personal
from geodata.read import read_incidents, read_places

POLICE_LIKE = pd.DataFrame(
    {
        "crime_id": ["a" * 64, ""],
        "date": ["2019-01", "2019-01"],
        "location": ["On or near High Street", "On or near Parking Area"],
        "lsoa_name": ["Swansea 025F", "Swansea 001A"],
        "category": ["Drugs", "Anti-social behaviour"],
        "latitude": ["51.62", "51.63"],
    }
)


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Name", "is a name column"),
        ("Surname", "is a name column"),
        ("Child's Name", None),
        ("Victim Name", "is a name column"),
        ("Date of Birth", "is a date of birth column"),
        ("DOB", "is a date of birth column"),
        ("Address Line 1", "is an address column"),
        ("Mobile No", "is a phone number column"),
        ("E-mail", "is an email address column"),
        ("NHS Number", "is an NHS number column"),
        ("UPN", "is a personal identifier column"),
        ("LSOA name", None),
        ("Location", None),
    ],
)
def test_headers(header, reason):
    """Personal headers are named with their reason; police.uk's are not."""
    found = find_personal(
        pd.DataFrame({header.lower(): ["x"]}), {header.lower(): header}
    )
    assert list(found.values()) == ([reason] if reason else [])


def test_synonyms_do_not_hide_names():
    """A 'Service Name' column (mapped to 'name') in incidents is still a name."""
    data = (
        b"date,category,Service Name,latitude,longitude\n2026-01-01,x,Hub,51.62,-3.94\n"
    )
    with pytest.raises(InputDataError, match=r"column\(s\) 'name' look like personal"):
        read_incidents([("s.csv", data)])


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (["a.person@example.org", "b@example.co.uk"], "holds email addresses"),
        (["see notes, mail x.y@example.org", "", "", ""], "holds email addresses"),
        (
            ["07700 900123", "(01792) 123456", "+44 7700 900456"],
            "holds UK phone numbers",
        ),
        (["943 476 5919", "9434765870"], "holds NHS numbers (valid check digits)"),
        (["12 Example Road, Swansea SA1 1AA"], "holds full addresses"),
        (["Flat 3, 40 Sample St, Swansea, sa2 0ab"], "holds full addresses"),
    ],
)
def test_content(values, reason):
    """Values that look like emails, phones, NHS numbers or addresses are found."""
    found = find_personal(pd.DataFrame({"notes": values}))
    assert found["notes"].startswith(reason)


def test_nhs_check_digit():
    """Only numbers passing the modulus-11 check count as NHS numbers."""
    assert _nhs_valid(
        pd.Series(["9434765919", "9434765918", "4010232137"])
    ).tolist() == [True, False, True]


def test_random_ten_digit_ids_are_not_nhs_numbers():
    """Reference numbers that mostly fail the check digit are not refused."""
    ids = pd.Series([f"{1234567000 + i}" for i in range(40)])
    assert find_personal(pd.DataFrame({"ref": ids})) == {}


def test_police_columns_and_street_locations_are_not_personal():
    """police.uk 'On or near ...' locations, LSOA names and crime IDs pass."""
    assert find_personal(POLICE_LIKE) == {}


def test_message_never_repeats_the_personal_values():
    """The refusal names the column and the reason, not the data it holds."""
    data = b"date,category,contact,latitude,longitude\n"
    data += b"2026-01-01,x,jo@example.org,51.6,-3.9\n"
    with pytest.raises(InputDataError) as info:
        read_incidents([("c.csv", data)])
    assert "'contact' holds email addresses" in str(info.value)
    assert "jo@example.org" not in str(info.value)


def test_places_may_carry_organisation_contacts():
    """Services are organisations: their phone/email columns are not refused."""
    data = (
        b"name,category,phone,email,latitude,longitude\n"
        b"Hub,health,01792 000000,hub@example.org,51.62,-3.94\n"
    )
    frame, _ = read_places([("s.csv", data)], "services")
    assert list(frame.columns) == ["name", "category", "opening_hours", "geometry"]
