"""Generated rosters of many people, for measuring matching and pair packs at scale.

A matching roster looks like a global company's: offices in sixteen time zones (most
people in Europe, the Americas and India), a department per few hundred people, a
reporting line for most, and two free windows a week each, from a booking tool's
quarter-hour grid, of an hour to two hours, and each office's public holidays. Names
come from many cultures.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ZONES = (  # (zone, share of the staff)
    ("Europe/London", 12),
    ("Europe/Berlin", 10),
    ("Europe/Paris", 8),
    ("Europe/Madrid", 5),
    ("America/New_York", 12),
    ("America/Chicago", 6),
    ("America/Los_Angeles", 7),
    ("America/Sao_Paulo", 5),
    ("Asia/Kolkata", 12),
    ("Asia/Singapore", 4),
    ("Asia/Shanghai", 4),
    ("Asia/Tokyo", 4),
    ("Australia/Sydney", 4),
    ("Africa/Lagos", 3),
    ("Africa/Johannesburg", 2),
    ("Asia/Dubai", 2),
)
# Each office's public holidays (the roster's `holidays` column): a pair skips both
# people's, so matching weighs every pair's own closed days, as a global company's would.
HOLIDAYS = {
    "Europe/London": "GB-ENG",
    "Europe/Berlin": "DE-BE",
    "Europe/Paris": "FR",
    "Europe/Madrid": "ES-MD",
    "America/New_York": "US-NY",
    "America/Chicago": "US-IL",
    "America/Los_Angeles": "US-CA",
    "America/Sao_Paulo": "BR-SP",
    "Asia/Kolkata": "IN-KA",
    "Asia/Singapore": "SG",
    "Asia/Shanghai": "CN",
    "Asia/Tokyo": "JP",
    "Australia/Sydney": "AU-NSW",
    "Africa/Lagos": "NG",
    "Africa/Johannesburg": "ZA",
    "Asia/Dubai": "AE",
}
DAYS = ("mon", "tue", "wed", "thu", "fri")
LENGTHS = (60, 75, 90, 120)
TOPICS = (
    "short-form-video",
    "collaboration-suites",
    "generative-ai-assistants",
    "data-dashboards",
    "professional-networks",
    "social-listening",
    "inclusive-language",
    "digital-accessibility",
    "hybrid-work-norms",
    "responsible-ai",
    "video",
    "ai",
    "linkedin",
    "accessibility",
    "data",
)
FIRST = (
    "Aiko",
    "Amara",
    "Björn",
    "Chen",
    "Chidi",
    "Dilnoza",
    "Émilie",
    "Farah",
    "Giulia",
    "Hamid",
    "Ingrid",
    "Jun",
    "Kalani",
    "Lucía",
    "Mateus",
    "Nadia",
    "Oluwaseun",
    "Priya",
    "Quang",
    "Rania",
    "Siddharth",
    "Tomasz",
    "Ümit",
    "Valentina",
    "Wanjiru",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Kwame",
    "Mei",
    "Sean",
    "Nomvula",
    "Arjun",
    "Leilani",
    "Sipho",
    "Hana",
    "Diego",
    "Fatima",
    "Olivia",
)
LAST = (
    "Tanaka",
    "Okafor",
    "Lindqvist",
    "Wei",
    "Eze",
    "Karimova",
    "Dubois",
    "Haddad",
    "Rossi",
    "Rahimi",
    "Johansen",
    "Park",
    "Kahale",
    "Fernández",
    "Silva",
    "Benali",
    "Adeyemi",
    "Sharma",
    "Nguyen",
    "Aziz",
    "Iyer",
    "Nowak",
    "Yılmaz",
    "Moretti",
    "Mwangi",
    "Quispe",
    "Demir",
    "Kowalska",
    "Mensah",
    "Lin",
    "O'Brien",
    "Dlamini",
    "Reddy",
    "Akana",
    "Khumalo",
    "Sato",
    "Alvarez",
    "Al-Sayed",
    "Walker",
)


def write_roster(path: Path, people: int, seed: int = 7, easy: bool = False) -> Path:
    """`people` participants, half mentors and half mentees, with managers and calendars.

    `easy` rosters put everyone in one time zone with free afternoons, so that nearly
    everyone is paired (for printing packs); the others make matching work for it.
    """
    rng = random.Random(seed)
    zones = [zone for zone, share in ZONES for _ in range(share)]
    departments = max(20, people // 400)
    rows = []
    for n in range(people):
        role = "mentor" if n % 2 == 0 else "mentee"
        # Managers sit above in the same part of the company: a tree, as in an org chart.
        manager = f"p{rng.randrange(max(0, n - 500), n)}" if n > 10 and rng.random() < 0.8 else ""
        if easy:
            manager = ""
            slots = f"{rng.choice(DAYS)} 13:00-17:00;{rng.choice(DAYS)} 09:00-12:00"
        else:
            windows = []
            for day in rng.sample(DAYS, 2):
                start = 8 * 60 + 15 * rng.randrange(0, 35)  # 08:00 to 16:30
                end = start + rng.choice(LENGTHS)
                windows.append(f"{day} {_clock(start)}-{_clock(end)}")
            slots = ";".join(windows)
        items = ";".join(rng.sample(TOPICS, 3))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        # Drawn in the order they always were: the same seed gives the same people.
        capacity = "2" if role == "mentor" and not easy and rng.random() < 0.1 else ""
        department = f"dept-{rng.randrange(departments)}"
        zone = "Europe/London" if easy else rng.choice(zones)
        rows.append(
            {
                "id": f"p{n}",
                "name": f"{first} {last}",
                "email": f"p{n}@example.org",
                "role": role,
                "capacity": capacity,
                "department": department,
                "manager_id": manager,
                "timezone": zone,
                "availability": slots,
                "offers": items if role == "mentor" else "",
                "wants": items if role == "mentee" else "",
                "holidays": "" if easy else HOLIDAYS[zone],
            }
        )
    return write_rows(path, rows)


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    """Rows as a roster CSV, their keys the columns."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
