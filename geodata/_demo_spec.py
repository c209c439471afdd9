"""The invented story behind the synthetic demo: contexts, rhythms and fixed tables.

Rows that have a location end with ``(anchor place, dx, dy)``: the name of a place
in ``geodata/data/swansea_places.csv`` and an offset in metres east and north.
No "youth and diversionary" or "education" service lies within 1 km of Parc Tawe,
Fforestfach Retail Park or Penlan, so those hotspots show a provision gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geodata.categories import SERVICE_CATEGORIES

CATEGORIES = (
    "exploitation concern",
    "missing episode",
    "violence",
    "weapon",
    "drugs",
    "anti-social behaviour",
)
SOURCES = ("police", "youth justice", "education", "health", "third sector")

# Source mix per category (rows follow CATEGORIES, columns SOURCES).
SOURCE_MIX = np.array(
    [
        [0.30, 0.15, 0.20, 0.10, 0.25],
        [0.60, 0.05, 0.10, 0.05, 0.20],
        [0.55, 0.15, 0.10, 0.15, 0.05],
        [0.70, 0.15, 0.10, 0.03, 0.02],
        [0.45, 0.15, 0.10, 0.15, 0.15],
        [0.60, 0.10, 0.10, 0.02, 0.18],
    ]
)

# Approximate Welsh school holidays (first and last day, weekends included).
HOLIDAYS = (
    ("2024-12-21", "2025-01-05"),
    ("2025-02-22", "2025-03-02"),
    ("2025-04-12", "2025-04-27"),
    ("2025-05-24", "2025-06-01"),
    ("2025-07-19", "2025-09-01"),
    ("2025-10-25", "2025-11-02"),
    ("2025-12-20", "2026-01-04"),
    ("2026-02-14", "2026-02-22"),
    ("2026-03-28", "2026-04-12"),
    ("2026-05-23", "2026-05-31"),
    ("2026-07-18", "2026-08-31"),
    ("2026-10-24", "2026-11-01"),
)

# Swansea Bay and the south Gower coast, roughly (lon, lat); land-ish clipping only.
SEA_LONLAT = (
    (-4.06, 51.569),
    (-4.04, 51.568),
    (-4.015, 51.566),
    (-3.995, 51.5665),
    (-3.975, 51.566),
    (-3.985, 51.571),
    (-3.993, 51.577),
    (-3.997, 51.585),
    (-3.994, 51.596),
    (-3.980, 51.6055),
    (-3.960, 51.6115),
    (-3.945, 51.6125),
    (-3.927, 51.6115),
    (-3.905, 51.6125),
    (-3.870, 51.613),
    (-3.830, 51.605),
    (-3.780, 51.600),
    (-3.780, 51.500),
    (-4.060, 51.500),
)


@dataclass(frozen=True)
class Context:
    """One planted context: where, how often, how spread, what and when."""

    place: str
    story: str
    per_week: float  # baseline incidents a week, before story and season
    sigma: float  # Gaussian spread in metres
    categories: tuple[float, ...]  # weights in CATEGORIES order
    profile: tuple[tuple[str, float], ...]  # time-band shares
    holiday: float = 1.3  # rate multiplier in school holidays
    summer: float = 0.12  # amplitude of the summer peak


# fmt: off
CONTEXTS = (
    Context(
        "Castle Square", "growing", 4, 80, (0.25, 0.05, 0.25, 0.05, 0.15, 0.25),
        (("weekend evening", 0.6), ("evening", 0.2), ("after school", 0.2)), 1.2,
    ),
    Context(
        "Wind Street", "steady", 4, 90, (0.15, 0.02, 0.35, 0.1, 0.25, 0.13),
        (("late night", 0.65), ("weekend evening", 0.25), ("evening", 0.1)), 1.05,
    ),
    Context(
        "Quadrant Bus Station", "steady", 5, 70, (0.35, 0.2, 0.1, 0.05, 0.2, 0.1),
        (("after school", 0.45), ("evening", 0.35), ("daytime", 0.2)), 1.4,
    ),
    Context(
        "Swansea Railway Station", "steady", 4, 70, (0.4, 0.25, 0.05, 0.05, 0.2, 0.05),
        (("after school", 0.3), ("evening", 0.4), ("late night", 0.1),
         ("daytime", 0.2)),
    ),
    Context(
        "Blackpill Lido", "steady", 4, 120, (0.1, 0.05, 0.15, 0.02, 0.28, 0.4),
        (("weekend afternoon", 0.5), ("evening", 0.3), ("after school", 0.2)), 1.6, 0.4,
    ),
    Context(
        "Singleton Park", "steady", 4, 150, (0.3, 0.05, 0.1, 0.05, 0.3, 0.2),
        (("evening", 0.5), ("weekend afternoon", 0.3), ("after school", 0.2)),
        1.4, 0.25,
    ),
    Context(
        "Fforestfach Retail Park", "steady", 4, 120, (0.3, 0.05, 0.15, 0.05, 0.1, 0.35),
        (("after school", 0.4), ("weekend afternoon", 0.4), ("evening", 0.2)), 1.4,
    ),
    Context(
        "Parc Tawe", "new", 14, 100, (0.35, 0.05, 0.1, 0.05, 0.15, 0.3),
        (("weekend afternoon", 0.85), ("after school", 0.15)),
    ),
    Context(
        "Blaenymaes", "fading", 7, 130, (0.3, 0.2, 0.1, 0.1, 0.2, 0.1),
        (("evening", 0.5), ("late night", 0.25), ("after school", 0.25)),
    ),
    Context(
        "Townhill", "steady", 4, 140, (0.2, 0.15, 0.25, 0.1, 0.15, 0.15),
        (("evening", 0.55), ("after school", 0.25), ("late night", 0.2)),
    ),
    Context(
        "Penlan", "steady", 4, 130, (0.3, 0.3, 0.1, 0.05, 0.1, 0.15),
        (("after school", 0.45), ("evening", 0.45), ("daytime", 0.1)), 1.4,
    ),
    Context(
        "Morriston Cross", "steady", 4, 110, (0.15, 0.05, 0.35, 0.15, 0.2, 0.1),
        (("evening", 0.4), ("late night", 0.4), ("weekend evening", 0.2)), 1.1,
    ),
)

# Background noise around every place: about 30% of all incidents.
BACKGROUND = Context(
    "", "steady", 20, 0, (0.15, 0.15, 0.2, 0.05, 0.2, 0.25),
    (("after school", 0.25), ("evening", 0.3), ("late night", 0.1),
     ("weekend afternoon", 0.15), ("daytime", 0.2)), 1.2,
)
# fmt: on
BACKGROUND_SIGMA_M = (600.0, 1200.0)

SERVICE_COLUMNS = ("name", "category", "opening_hours")
SPACE_COLUMNS = ("name", "category")
WORKER_COLUMNS = (
    "worker",
    "lead",
    "max_hours",
    "available",
    "unavailable",
    "welsh_speaker",
)

_MH, _SM, _HL, _YD, _SH, _ED, _HE = SERVICE_CATEGORIES

# fmt: off
SERVICES = (
    ("Hafan mental health hub (synthetic)", _MH, "Mo-Fr 09:00-17:00",
     "Uplands", 60, -40),
    ("Cwtch wellbeing drop-in (synthetic)", _MH, "Tu,Th 16:00-20:00; Sa 10:00-14:00",
     "Kingsway", -80, 40),
    ("Morriston young minds clinic (synthetic)", _MH, "Mo,We,Fr 13:00-18:00",
     "Morriston Cross", 90, 60),
    ("Sketty talking space (synthetic)", _MH, "We 15:00-19:00",
     "Sketty Cross", -50, 70),
    ("Tawe substance advice point (synthetic)", _SM, "Mo-Fr 10:00-16:00",
     "Swansea Market", 70, 50),
    ("Step Up young people's drug service (synthetic)", _SM, "Mo-Th 12:00-19:00",
     "Hafod", -60, -80),
    ("Clase recovery cafe (synthetic)", _SM, "Tu,Fr 17:00-20:00", "Clase", 40, -50),
    ("Gorseinon needle exchange (synthetic)", _SM, "Mo-Fr 09:30-12:30",
     "Gorseinon", 30, 30),
    ("Harbour night shelter (synthetic)", _HL, "Mo-Su 19:00-23:00",
     "St Thomas", 60, 40),
    ("Young persons' housing hub (synthetic)", _HL, "Mo-Fr 09:00-17:00",
     "Oxford Street", -120, 30),
    ("Landore supported lodgings (synthetic)", _HL, "Mo-Fr 10:00-15:00",
     "Landore", 50, 50),
    ("Crisis breakfast club (synthetic)", _HL, "Mo-Sa 07:30-10:00",
     "Quadrant Bus Station", 60, -30),
    ("YMCA Swansea drop-in (synthetic)", _YD, "Mo-Fr 15:30-21:00; Sa 12:00-17:00",
     "Oxford Street", -250, 80),
    ("Townhill youth centre (synthetic)", _YD, "Mo,We,Fr 18:00-21:30",
     "Townhill", 40, -60),
    ("Mayhill boxing club (synthetic)", _YD, "Tu,Th 17:30-20:30; Sa 10:00-13:00",
     "Mayhill", -30, 50),
    ("Blaenymaes youth club (synthetic)", _YD, "Tu,Th 18:00-21:00",
     "Blaenymaes", -250, 180),
    ("Morriston street football (synthetic)", _YD, "Fr 18:00-21:00; Sa 14:00-17:00",
     "Morriston Cross", -60, -70),
    ("Sketty Lane sports project (synthetic)", _YD, "Mo-Th 16:00-20:00",
     "Singleton Park", 0, 150),
    ("Bonymaen detached youth base (synthetic)", _YD, "We,Fr 18:00-22:00",
     "Bonymaen", 30, 40),
    ("Gowerton youth forum (synthetic)", _YD, "Th 17:00-20:00", "Gowerton", 50, -40),
    ("Clinic One young people's sexual health (synthetic)", _SH,
     "Mo,We 16:00-19:00; Sa 10:00-13:00", "Kingsway", 60, 70),
    ("Uplands C-card point (synthetic)", _SH, "Mo-Sa 09:00-18:00", "Uplands", -70, 30),
    ("Morriston sexual health clinic (synthetic)", _SH, "Tu 13:00-19:00",
     "Morriston Hospital", -80, -40),
    ("Pathways alternative education centre (synthetic)", _ED, "Mo-Fr 09:00-15:00",
     "Hafod", 80, 60),
    ("Cyfle learning and skills (synthetic)", _ED, "Mo-Th 09:30-16:30",
     "Landore", -40, 70),
    ("Townhill learning hub (synthetic)", _ED, "Mo-Fr 09:00-16:00",
     "Townhill", -90, -40),
    ("Singleton walk-in health point (synthetic)", _HE, "Mo-Fr 08:00-18:00",
     "Swansea University Singleton Campus", 100, 80),
    ("Morriston minor injuries unit (synthetic)", _HE, "Mo-Su 00:00-24:00",
     "Morriston Hospital", 60, 40),
    ("Central school nurse hub (synthetic)", _HE, "Mo-Fr 08:30-16:30",
     "Kingsway", 40, -30),
    ("Killay young people's clinic (synthetic)", _HE, "Th 15:30-18:00",
     "Killay", 40, 40),
    ("Mumbles pharmacy advice (synthetic)", _HE, "Mo-Sa 09:00-18:00; Su 10:00-16:00",
     "Mumbles (Newton Road)", 30, -20),
    ("Pontarddulais health centre (synthetic)", _HE, "", "Pontarddulais", 40, 40),
)

SPACES = (
    ("City centre library (synthetic)", "library", "Oxford Street", 80, -60),
    ("Sketty library (synthetic)", "library", "Sketty Cross", 40, -30),
    ("Penlan library (synthetic)", "library", "Penlan", -60, 40),
    ("Gorseinon library (synthetic)", "library", "Gorseinon", -40, 20),
    ("Townhill community centre (synthetic)", "community centre", "Townhill", 70, 30),
    ("Blaenymaes community hall (synthetic)", "community centre",
     "Blaenymaes", 50, -40),
    ("St Thomas community centre (synthetic)", "community centre",
     "St Thomas", -30, 50),
    ("Clase community centre (synthetic)", "community centre", "Clase", -50, 40),
    ("Mumbles community centre (synthetic)", "community centre",
     "Mumbles (Newton Road)", -40, 60),
    ("Killay community hall (synthetic)", "community centre", "Killay", -50, -30),
    ("Cwmdonkin Park pavilion (synthetic)", "park", "Cwmdonkin Park", 20, 30),
    ("Brynmill Park bandstand (synthetic)", "park", "Brynmill Park", -20, 20),
    ("Singleton Park pavilion (synthetic)", "park", "Singleton Park", 60, 40),
    ("Morriston leisure centre (synthetic)", "leisure centre",
     "Morriston Cross", 120, -80),
    ("Landore leisure centre (synthetic)", "leisure centre", "Landore", -70, -50),
    ("Penlan leisure centre (synthetic)", "leisure centre", "Penlan", 90, -70),
    ("Mayhill church hall (synthetic)", "church hall", "Mayhill", 30, -30),
    ("Bonymaen church hall (synthetic)", "church hall", "Bonymaen", -40, -20),
    ("Fforestfach church hall (synthetic)", "church hall", "Fforestfach Retail Park",
     -300, 250),
    ("Gendros church hall (synthetic)", "church hall", "Gendros", 30, 30),
)

WORKERS = (
    ("Dafydd", "yes", 40, "Mon-Fri 16:00-22:00; Sat 12:00-23:00", "", "yes"),
    ("Rhian", "yes", 36, "Mon-Thu 15:00-22:00; Fri-Sat 18:00-23:30", "", "yes"),
    ("Owain", "yes", 30, "Tue-Sat 16:00-23:00",
     "2026-12-07;2026-12-08;2026-12-09", "yes"),
    ("Megan", "yes", 32, "Mon-Thu 15:00-21:00; Sun 12:00-18:00", "", "no"),
    ("Sam", "no", 24, "Mon-Fri 16:00-21:00", "", "no"),
    ("Ceri", "no", 20, "Wed-Sat 17:00-23:00", "", "yes"),
    ("Jordan", "no", 28, "Mon-Fri 16:00-22:00; Sat-Sun 12:00-22:00",
     "2026-12-14;2026-12-15;2026-12-16;2026-12-17", "no"),
    ("Priya", "no", 16, "Thu-Sat 18:00-23:00", "", "no"),
    ("Aled", "no", 24, "Mon-Fri 15:30-21:30; Sat 14:00-22:00", "", "yes"),
    ("Tomos", "no", 20, "Fri-Sun 14:00-23:00", "2026-12-05", "no"),
)

# Where outreach contacts happen (place, weight): Parc Tawe, Fforestfach Retail
# Park, Penlan and Blaenymaes get none, so those hotspots are under-reached.
CONTACT_PLACES = (
    ("Castle Square", 0.20),
    ("Wind Street", 0.15),
    ("Quadrant Bus Station", 0.15),
    ("Townhill", 0.12),
    ("Singleton Park", 0.08),
    ("Morriston Cross", 0.08),
    ("Swansea Railway Station", 0.05),
    ("Blackpill Lido", 0.04),
    ("Uplands", 0.05),
    ("Sketty Cross", 0.04),
    ("Mayhill", 0.04),
)
# fmt: on
CONTACT_ROWS = 320
