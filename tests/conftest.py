"""Shared helpers: small projects written from a dict of path → text (copier's habit)."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.errors import InvalidProject
from generator.loader import load_project

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "acme"

TreeBuilder = Callable[[dict[str, str | bytes]], Path]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files below `root`; text is dedented so tests can indent YAML naturally."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture(autouse=True, scope="session")
def _cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """What `mentorkit lint` keeps between runs goes to a folder of the test session's,
    not to the user's cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def tree(tmp_path: Path) -> TreeBuilder:
    def build(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "project", files)

    return build


def renderer_for(project: Path) -> Any:
    """A renderer for a project, as a build makes it (translated, with its timeline)."""
    from generator.build import prepare

    return prepare(load_project(project))


def problems_of(project: Path | str | None) -> list[str]:
    """Every problem line a project produces (empty when it is valid)."""
    try:
        load_project(project)
    except InvalidProject as error:
        return [str(p) for p in error.problems]
    return []


MINIMAL_PROGRAMME = textwrap.dedent("""
    id: mini
    title: Mini programme
    schedule: {start: 2027-01-12, cadence: weekly, time: "15:00", timezone: Europe/London, session_minutes: 30}
    tracks:
      - {id: main, title: Main, topics: [tiny]}
    """).lstrip()

TINY_TOPIC = textwrap.dedent("""
    id: tiny
    title: A tiny topic
    area: digital-tools
    summary: Small but complete.
    objectives: [Explain one thing]
    sessions:
      - id: only
        title: The only session
        minutes: 30
        objectives: [Explain one thing]
        agenda:
          - {title: Check-in, minutes: 5, kind: check-in}
          - {title: Try it, minutes: 20, lead: mentee, kind: hands-on}
          - {title: Next steps, minutes: 5, kind: next-steps}
    """).lstrip()


@pytest.fixture(scope="session")
def acme_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project built once (site, PDFs and calendar) for the output tests."""
    from generator.build import BuildOptions, build

    out = tmp_path_factory.mktemp("acme") / "dist"
    build(ACME, BuildOptions(out=out, workers=2))
    return out


# Eleven scripts: each mentor pairs with the mentee on the next line (same topics, one zone).
HEADER = "id,name,email,role,department,timezone,availability,offers,wants\n"
WEEK = "mon 09:00-17:00;tue 09:00-17:00;wed 09:00-17:00;thu 09:00-17:00"

PEOPLE = [
    ("zoe", "Zoë Ólafsdóttir-Łukasiewicz", "mentor", "Data", "video"),
    ("anna", "Анна Кузнецова", "mentee", "Finance", "video"),
    ("giorgos", "Γιώργος Παπαδόπουλος", "mentor", "Marketing", "ai"),
    ("fatima", "فاطمة الزهراء", "mentee", "Legal", "ai"),
    ("noa", "נועה כהן", "mentor", "Operations", "dashboards"),
    ("ananya", "अनन्या शर्मा", "mentee", "People", "dashboards"),
    ("karthik", "கார்த்திக் சுப்பிரமணியம்", "mentor", "Sales", "linkedin"),
    ("xiuying", "王秀英", "mentee", "Strategy", "linkedin"),
    ("haruka", "佐藤 はるか", "mentor", "Design", "collaboration"),
    ("minjun", "김민준", "mentee", "Research", "collaboration"),
    ("somchai", "สมชาย ใจดี", "mentor", "Support", "inclusion"),
    ("sumaiya", "সুমাইয়া রহমান", "mentee", "Executive", "inclusion"),
]


def roster_text(people: list[tuple[str, str, str, str, str]]) -> str:
    lines = [HEADER]
    for person_id, name, role, department, topic in people:
        offers, wants = (topic, "") if role == "mentor" else ("", topic)
        lines.append(
            f"{person_id},{name},{person_id}@example.org,{role},{department},Europe/London,"
            f"{WEEK},{offers},{wants}\n"
        )
    return "".join(lines)


@pytest.fixture(scope="session")
def world_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with a roster in eleven scripts: packs and certificates built
    once, for the glyph and the tagging tests."""
    from generator.build import BuildOptions, build

    folder = tmp_path_factory.mktemp("world")
    roster = folder / "roster.csv"
    roster.write_text(roster_text(PEOPLE), encoding="utf-8")
    out = folder / "dist"
    build(ACME, BuildOptions(out=out, workers=2, roster=roster, only=frozenset({"calendar"})))
    return out
