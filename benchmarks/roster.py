"""A generated roster of many people, for measuring matching at scale."""

from __future__ import annotations

import csv
import random
from pathlib import Path

ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
DAYS = ("mon", "tue", "wed", "thu", "fri")
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


def write_roster(path: Path, people: int, seed: int = 7, easy: bool = False) -> Path:
    """`people` participants, half mentors and half mentees, with managers and calendars.

    `easy` rosters put everyone in one time zone with free afternoons, so that nearly
    everyone is paired (for printing packs); the others make matching work for it.
    """
    rng = random.Random(seed)
    rows = []
    for n in range(people):
        role = "mentor" if n % 2 == 0 else "mentee"
        manager = f"p{rng.randrange(0, n)}" if n > 10 and rng.random() < 0.6 and not easy else ""
        slots = ";".join(
            f"{rng.choice(DAYS)} {h:02d}:00-{h + 2:02d}:00" for h in rng.sample(range(7, 17), 2)
        )
        if easy:
            slots = f"{rng.choice(DAYS)} 13:00-17:00;{rng.choice(DAYS)} 09:00-12:00"
        items = ";".join(rng.sample(TOPICS, 3))
        rows.append(
            {
                "id": f"p{n}",
                "name": f"Person {n}",
                "email": f"p{n}@example.org",
                "role": role,
                "department": f"dept-{rng.randrange(20)}",
                "manager_id": manager,
                "timezone": "Europe/London" if easy else rng.choice(ZONES),
                "availability": slots,
                "offers": items if role == "mentor" else "",
                "wants": items if role == "mentee" else "",
            }
        )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
