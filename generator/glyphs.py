"""Can every character be printed? The fonts of the PDFs, and a check before rendering.

The print CSS names the house font (the organisation's own, then Inter) and after it the
Noto families in `FALLBACK_FAMILIES`; Pango and HarfBuzz pick a font per character by
coverage, and do the bidi and shaping. A character that no font has is drawn as an empty
box, so names and texts are checked first, against the character maps (cmaps, read with
fontTools) of the house fonts and of every font fontconfig falls back to.

Fonts are read lazily, in the order Pango would try them, and once per process: text
in Latin script needs only the house font; a name in another script reads fallback fonts
until one has it; only a character that no font has reads them all.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Place, Problems, shorten
from .yamlsource import Node, walk_strings

if TYPE_CHECKING:
    from .model import Programme, Project
    from .roster import Roster

# After the house font, in this order: most scripts of the world's names (fonts-noto-core
# and fonts-noto-cjk on Debian). CJK comes once per language; Han characters take the
# first, Chinese (simplified) shapes.
FALLBACK_FAMILIES = (
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans Bengali",
    "Noto Sans Gurmukhi",
    "Noto Sans Gujarati",
    "Noto Sans Tamil",
    "Noto Sans Telugu",
    "Noto Sans Kannada",
    "Noto Sans Malayalam",
    "Noto Sans Sinhala",
    "Noto Sans Thai",
    "Noto Sans Lao",
    "Noto Sans Khmer",
    "Noto Sans Myanmar",
    "Noto Sans Georgian",
    "Noto Sans Armenian",
    "Noto Sans Ethiopic",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "DejaVu Sans",
)

# Never drawn as a glyph of their own: spaces and line ends, controls, format characters
# (joiners, direction marks) and variation selectors.
INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}
VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x180B, 0x180F))

HOW_TO_FIX = (
    "the PDFs would show an empty box; correct the text, or install a font that has it "
    "(`make run` installs the Noto fonts when run as root on Debian or Ubuntu, and "
    "otherwise says how to install them)"
)


def css_families() -> str:
    """The fallback families as a CSS font-family list (after the house font)."""
    return ", ".join(f'"{family}"' for family in FALLBACK_FAMILIES)


class Coverage:
    """The characters some font can print: house fonts first, then the fallbacks."""

    def __init__(self, house: Sequence[Path]) -> None:
        # Read on demand, house fonts first: ASCII text reads no font at all.
        self._pending: list[tuple[Path, int]] = [(path, 0) for path in house]
        self._fallbacks_listed = False
        self._covered: set[int] = set()

    def covers(self, char: str) -> bool:
        code = ord(char)
        if code in self._covered or _invisible(char):
            return True
        while True:
            while self._pending:
                self._covered |= _cmap(*self._pending.pop(0))
                if code in self._covered:
                    return True
            if self._fallbacks_listed:
                return False
            self._pending, self._fallbacks_listed = _fallback_files(), True

    def missing(self, text: str) -> list[str]:
        """The characters of `text` no font has, each once, in order."""
        found: list[str] = []
        for char in text:
            if char not in found and not self.covers(char):
                found.append(char)
        return found


def coverage(house: tuple[Path, ...]) -> Coverage:
    """One `Coverage` per set of house fonts as they are now (a long-lived process, such
    as `mentorkit serve`, may see a font file replaced)."""
    return _coverage(house, tuple(file_stamp(path) for path in house))


@lru_cache(maxsize=8)
def _coverage(house: tuple[Path, ...], _stamps: tuple[tuple[int, int], ...]) -> Coverage:
    return Coverage(house)


def house_fonts(template_dirs: Iterable[Path], own: Iterable[Path] = ()) -> tuple[Path, ...]:
    """The organisation's font files (when readable) and the bundled Inter faces."""
    files = [path for path in own if path.is_file()]
    for folder in template_dirs:
        fonts = folder / "pdf" / "fonts"
        if fonts.is_dir():
            files += sorted(fonts.glob("Inter-*.otf"))
            break
    return tuple(files)


def project_house(
    programme: Programme | None, root: Path, template_dirs: Iterable[Path]
) -> tuple[Path, ...]:
    """A project's house fonts: its own typeface (inside the project), then Inter."""
    font = programme.organisation.font if programme is not None else None
    names = font.files().values() if font is not None else ()
    inside = root.resolve()
    own = [p for name in names if (p := (root / name).resolve()).is_relative_to(inside)]
    return house_fonts(template_dirs, own)


def project_fonts(
    programme: Programme | None, root: Path, template_dirs: Iterable[Path]
) -> Coverage:
    """The fonts a project's PDFs are set in: its own typeface, Inter, the fallbacks."""
    return coverage(project_house(programme, root, template_dirs))


def fallback_family(char: str, house: tuple[Path, ...]) -> str | None:
    """The fallback family that prints `char` (the first in `FALLBACK_FAMILIES` that has
    it, as Pango picks), or None when a house font has it or no fallback does."""
    code = ord(char)
    if any(code in _cmap(path, 0) for path in house):
        return None
    faces = _regular_faces()
    for family in FALLBACK_FAMILIES:
        if family in faces and code in _cmap(*faces[family]):
            return family
    return None


def check_roster(roster: Roster, project: Project) -> None:
    """Raise `InvalidProject` for every name, department or email that would print as a box."""
    problems = Problems()
    fonts = project_fonts(project.programme, project.root, project.template_dirs)
    people = (
        (p.id, p.row, {"name": p.name, "department": p.department, "email": p.email})
        for p in roster.people
    )
    check_people(people, roster.columns, roster.source, fonts, problems)
    problems.raise_if_any()


def describe(char: str) -> str:
    """A character as a reader can find it: code point and name, or what kind it is."""
    code = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category == "Co":
        return f"{code}, a private-use character"
    if category == "Cn":
        return f"{code}, a code point Unicode has not assigned"
    if category == "Cs":
        return f"{code}, half of a broken character pair"
    name = unicodedata.name(char, "")
    return f"{code} {name.lower()}" if name else code


def problem_text(what: str, text: str, missing: list[str]) -> str:
    chars = "; ".join(f"{char!r} ({describe(char)})" for char in missing)
    noun = "a character" if len(missing) == 1 else "characters"
    return f"{what} {shorten(text)!r} has {noun} no installed font can print: {chars}; {HOW_TO_FIX}"


def check_nodes(nodes: Iterable[Node | None], fonts: Coverage, problems: Problems) -> None:
    """Every string of the programme and topic files, placed at its file and line."""
    for node in nodes:
        if node is None:
            continue
        for _loc, text, place in walk_strings(node):
            if text.isascii():
                continue
            missing = fonts.missing(text)
            if missing:
                problems.add(place, problem_text("the text", text, missing))


def check_people(
    people: Iterable[tuple[str, int, dict[str, str]]],
    columns: dict[str, int],
    source: str,
    fonts: Coverage,
    problems: Problems,
) -> None:
    """Personal values as (person id, row, {column: value}), placed at their roster cell."""
    for person_id, row, values in people:
        for column, value in values.items():
            if value.isascii():
                continue
            missing = fonts.missing(value)
            if missing:
                problems.add(
                    Place(source, row, columns.get(column, 0) + 1),
                    problem_text(f"{column} of {person_id}:", value, missing),
                )


def _invisible(char: str) -> bool:
    if unicodedata.category(char) in INVISIBLE:
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in VARIATION_SELECTORS)


def _cmap(path: Path, index: int) -> frozenset[int]:
    """The code points a font file maps to glyphs (empty when the file cannot be read)."""
    return _read_cmap(path, index, file_stamp(path))


def file_stamp(path: Path) -> tuple[int, int]:
    """A font file's size and time, for caches of what is read from it: read again once
    the file is replaced."""
    try:
        status = path.stat()
    except OSError:
        return (-1, -1)
    return (status.st_size, status.st_mtime_ns)


@lru_cache(maxsize=256)
def _read_cmap(path: Path, index: int, _stamp: tuple[int, int]) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            table = font.get("cmap")
            best = table.getBestCmap() if table is not None else None
            return frozenset(code for code, glyph in (best or {}).items() if glyph != ".notdef")
    except (OSError, TTLibError, ValueError, KeyError, AssertionError, ImportError):
        return frozenset()


def file_chars(file: Path) -> frozenset[int]:
    """The code points a font file (its first face) has."""
    return _cmap(file, 0)


def family_chars(family: str) -> frozenset[int]:
    """The code points an installed fallback family has (its regular face's)."""
    face = _regular_faces().get(family)
    return _cmap(*face) if face is not None else frozenset()


@dataclass(frozen=True)
class Face:
    """An installed font face, as fontconfig lists it."""

    family: str
    style: str
    index: int
    file: Path


@cache
def installed_faces() -> tuple[Face, ...]:
    """Every face fontconfig knows (its first family name and style), listed once a process."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    faces = []
    for line in _run([fc_list, "--format", "%{family[0]}\t%{style[0]}\t%{index}\t%{file}\n"]):
        family, style, index, file = [*line.split("\t"), "", "", ""][:4]
        if family and file:
            faces.append(Face(family, style, int(index or 0), Path(file)))
    return tuple(faces)


@cache
def _regular_faces() -> dict[str, tuple[Path, int]]:
    """The fallback families' regular faces (another face where a family has none)."""
    faces: dict[str, tuple[Path, int]] = {}
    for face in installed_faces():
        if face.family in FALLBACK_FAMILIES and (
            face.family not in faces or face.style == "Regular"
        ):
            faces[face.family] = (face.file, face.index)
    return faces


def _fallback_files() -> list[tuple[Path, int]]:
    """The fallback families' regular faces, then everything else fontconfig would try
    after them for a sans-serif face (what Pango falls back to), each file once."""
    fc_match = shutil.which("fc-match")
    faces = _regular_faces()
    files = [faces[family] for family in FALLBACK_FAMILIES if family in faces]
    if fc_match is not None:
        for line in _run([fc_match, "-s", "--format", "%{index}\t%{file}\n", "sans-serif"]):
            index, _, file = line.partition("\t")
            if file:
                files.append((Path(file), int(index or 0)))
    return list(dict.fromkeys(files))


def _run(command: list[str]) -> list[str]:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return []
    return done.stdout.splitlines()
