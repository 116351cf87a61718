"""A roster for printing packs the way a global organisation would: names in many scripts.

Every pack and certificate carries names, and names are where printing gets hard: the
scripts that need other fonts (CJK, Indic, Thai), that run right to left (Arabic, Hebrew),
or that shape letters together. A benchmark with `Person 1` names measures none of it. Half
the people have Latin-script names (with the accents and letters of many languages), the
other half one of eleven other scripts, so that almost every pack holds two scripts.
Everyone is in one office with free afternoons, so that nearly everyone is paired.
"""

from __future__ import annotations

import random
from pathlib import Path

from .roster import write_rows

NAMES = {  # script: (given names, family names)
    "Latin": (
        ("Zoë", "Łukasz", "Ngozi", "Thị Minh", "Søren", "Ximena", "Oluwaseun", "Ümit", "Joaquín"),
        (
            "Ólafsdóttir",
            "Wiśniewski",
            "Adébáyọ̀",
            "Nguyễn",
            "Kjærgaard",
            "Quispe",
            "Yılmaz",
            "Müller",
        ),
    ),
    "Cyrillic": (
        ("Анна", "Дмитрий", "Олена", "Айгерим"),
        ("Кузнецова", "Соколов", "Шевченко", "Нурланова"),
    ),
    "Greek": (("Γιώργος", "Ελένη", "Δημήτρης"), ("Παπαδόπουλος", "Νικολάου", "Οικονόμου")),
    "Arabic": (("فاطمة", "محمد", "ليلى", "يوسف"), ("الزهراء", "العلي", "حداد", "الخطيب")),
    "Hebrew": (("נועה", "יוסף", "מיכל"), ("כהן", "לוי", "מזרחי")),
    "Devanagari": (("अनन्या", "राहुल", "प्रिया"), ("शर्मा", "वर्मा", "जोशी")),
    "Tamil": (("கார்த்திக்", "மீனா", "அருண்"), ("சுப்பிரமணியம்", "ராஜன்", "கிருஷ்ணன்")),
    "Bengali": (("সুমাইয়া", "অর্পিতা", "তানভীর"), ("রহমান", "দাস", "চৌধুরী")),
    "Thai": (("สมชาย", "มาลี", "ณัฐวุฒิ"), ("ใจดี", "ศรีสุข", "วงศ์สวัสดิ์")),
    "Chinese": (("秀英", "伟", "静怡"), ("王", "李", "张")),
    "Japanese": (("はるか", "翔太", "陽菜"), ("佐藤", "鈴木", "高橋")),
    "Korean": (("민준", "서연", "지훈"), ("김", "이", "박")),
}
DEPARTMENTS = ("Finance", "Legal", "Marketing", "Operations", "People", "Research", "Sales")
TOPICS = (  # topic ids and tags of the built-in library
    "video",
    "generative-ai-assistants",
    "linkedin",
    "digital-accessibility",
    "data-dashboards",
    "collaboration-suites",
    "inclusive-language",
    "responsible-ai",
)
DAYS = ("mon", "tue", "wed", "thu", "fri")


def _name(rng: random.Random, script: str) -> str:
    given, family = NAMES[script]
    first, last = rng.choice(given), rng.choice(family)
    if script == "Chinese":  # family name first, without a space
        return f"{last}{first}"
    if script in ("Japanese", "Korean"):  # family name first
        return f"{last} {first}" if script == "Japanese" else f"{last}{first}"
    return f"{first} {last}"


def write_world_roster(path: Path, pairs: int, seed: int = 11) -> Path:
    """`pairs` mentors and as many mentees, each from a different department than the
    people they could be paired with often enough that nearly everyone is paired."""
    rng = random.Random(seed)
    others = [script for script in NAMES if script != "Latin"]
    rows = []
    for n in range(2 * pairs):
        role = "mentor" if n % 2 == 0 else "mentee"
        script = "Latin" if rng.random() < 0.5 else rng.choice(others)
        topics = ";".join(rng.sample(TOPICS, 2))
        rows.append(
            {
                "id": f"p{n}",
                "name": _name(rng, script),
                "email": f"p{n}@example.org",
                "role": role,
                "department": rng.choice(DEPARTMENTS),
                "timezone": "Europe/London",
                "availability": f"{rng.choice(DAYS)} 13:00-17:00;{rng.choice(DAYS)} 09:00-12:00",
                "offers": topics if role == "mentor" else "",
                "wants": topics if role == "mentee" else "",
            }
        )
    return write_rows(path, rows)
