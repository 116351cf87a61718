"""The packs' fonts, cut to the characters of the roster's pages before the pairs are laid out.

WeasyPrint subsets every font it embeds, keeping the glyph numbers: the cut keeps every
number up to the highest one used. For Noto Sans CJK (65,000 glyphs in a 19 MB file)
this cost a pair with a name in Chinese, Japanese or Korean about 55 ms of its 245 and
190 KB of its 280; for the house fonts (Inter's four faces, 2,500 glyphs each) about
15 ms and 40 KB of every pair. So the packs first cut these fonts to the characters the
pairs' own pages are made of (`planning.known_characters`: known before most of those
pages are made), a few hundred glyphs, made by HarfBuzz in a few milliseconds, with all
their layout features; a page with another character is laid out with the whole fonts.
WeasyPrint still keeps only the glyphs of a pair's own names in the pair's files.

- A house font (Inter, the organisation's own) keeps every character of the pages it
  has, and those of `BASE` (so that a new name in Latin script seldom changes it: every
  pair's kept layout depends on it). Its @font-face rules point at the cut file.
- A CJK family keeps the characters that reach it (no font before it has them), and the
  spaces, digits and punctuation of the pages it has (Pango sets those in the font of
  the text around them). It comes under a family name of its own just before the
  installed family: a character it lacks still reaches the whole font.

A worker process keeps every font it has been given, so the cut fonts get family names
no other cut has: a long-lived worker (Dask, a pool that served an earlier build) never
sets a pair in another roster's cut. Each worker cuts its own copy, once, into a folder
of its own: nothing is read from the build's folders, so a Dask cluster works as the
local processes do.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .. import glyphs

# The families cut for the packs: the big ones, whose every embedding costs the most.
CUT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK KR")

# Kept in a house font's cut whatever the pages hold: Latin with its accents (Latin-1 and
# Extended-A), and the punctuation, arrows and currency signs texts use.
BASE = "".join(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x180)]
    + list("\u2010\u2011\u2012\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026")
    + list("\u2032\u2033\u2039\u203a\u2190\u2192\u2194\u20ac\u20b9\u2122\u2212")
)

# CSS weights of the faces fontconfig names by style (the print CSS asks for 400 to 700).
STYLE_WEIGHTS = {
    "Thin": 100,
    "Light": 300,
    "Regular": 400,
    "Medium": 500,
    "Bold": 700,
    "Black": 900,
}


@dataclass(frozen=True)
class CutFont:
    """A font cut to some characters (`text`, in code point order): an installed
    `family`, needed by a page with a character of `reach`; or a house font `file`
    (resolved path), which every page needs."""

    family: str
    text: str
    reach: str = ""
    file: str = ""

    @property
    def name(self) -> str:
        """The cut font's own family name (an installed family's)."""
        return f"{self.family} {_digest(self.family, self.text)}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def alias(family: str) -> str:
    """The name the print CSS gives `family` cut to a roster's characters: a placeholder
    for the cut's own name, put in by the worker (so that the CSS, which the layouts kept
    between builds are filed under, does not change with the roster)."""
    return f"{family} (mentorkit cut)"


def with_cut_families(stack: str) -> str:
    """A CSS font-family list with each cut family's alias just before the family itself
    (a name with no @font-face rule behind it is passed over)."""
    for family in CUT_FAMILIES:
        stack = stack.replace(f'"{family}"', f'"{alias(family)}", "{family}"')
    return stack


def cut_fonts(texts: Iterable[Iterable[str]], house: tuple[Path, ...]) -> tuple[CutFont, ...]:
    """The fonts cut for pages with the characters of `texts` (strings or sets): the
    house fonts, then the CJK families the texts reach."""
    chars: set[str] = set()
    for text in texts:
        chars.update(text)
    kept = chars.union(BASE)
    cut = []
    for file in house:
        has = glyphs.file_chars(file)
        text = "".join(sorted(c for c in kept if ord(c) in has))
        cut.append(CutFont("", text, file=str(file.resolve())))
    reached: dict[str, list[str]] = {}
    for char in sorted(chars):
        if char.isascii():
            continue
        family = glyphs.fallback_family(char, house)
        if family in CUT_FAMILIES:
            reached.setdefault(family, []).append(char)
    common = {c for c in kept if unicodedata.category(c)[0] not in "LM"}
    for family in CUT_FAMILIES:
        if family in reached:
            has = glyphs.family_chars(family)
            text = "".join(sorted({c for c in common if ord(c) in has}.union(reached[family])))
            cut.append(CutFont(family, text, "".join(reached[family])))
    return tuple(cut)


def uses(chars: frozenset[str] | set[str], fonts: tuple[CutFont, ...]) -> list[str]:
    """What of `fonts` a page's layout depends on: the house fonts' cuts, and those of
    the CJK families it has a character reaching (a page with none is set in the same
    fonts, cut or not)."""
    return [
        f"{font.family or font.file}:{font.text}"
        for font in fonts
        if font.file or not chars.isdisjoint(font.reach)
    ]


# --- in the worker processes --------------------------------------------------------------

#: The cuts made in this process, by fonts and the house font files' size and time: a Dask
#: worker serves one build after another, and an organisation may replace a font file.
_made: dict[tuple[Any, ...], tuple[str, dict[str, str], str]] = {}
KEPT_CUTS = 4  # a long-lived worker keeps the last few (and their folders), no more
_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_SRC = re.compile(r'url\("([^"]+)"\)')
_FAMILY = re.compile(r'font-family:\s*("(?:[^"\\]|\\.)*")')


def stylesheet(css: str, fonts: tuple[CutFont, ...]) -> tuple[str, str]:
    """The print CSS of a pack with `fonts`, and the folder of their files, to be allowed
    to the renderer: the house fonts' @font-face rules point at their cuts, under family
    names of their own; the CJK cuts' rules come first, their names in place of the
    placeholders. The fonts are cut in this process the first time they are asked for."""
    rules, files, folder = _cut_files(fonts)
    renamed: set[str] = set()
    suffix = _digest(*(f"{font.file}:{font.text}" for font in fonts if font.file))

    def point(match: re.Match[str]) -> str:
        rule = match.group(0)
        src, family = _SRC.search(rule), _FAMILY.search(rule)
        if src is None or family is None or urlsplit(src.group(1)).scheme != "file":
            return rule
        cut = files.get(str(Path(unquote(urlsplit(src.group(1)).path)).resolve()))
        if cut is None:
            return rule
        renamed.add(family.group(1))
        return rule.replace(src.group(1), cut)

    css = _FACE.sub(point, css)
    for quoted in renamed:  # every use of the family, in its rules and the font stacks
        css = css.replace(quoted, f'{quoted[:-1]} {suffix}"')
    for font in fonts:
        if not font.file:
            css = css.replace(f'"{alias(font.family)}"', f'"{font.name}"')
    return rules + css, folder


def _cut_files(fonts: tuple[CutFont, ...]) -> tuple[str, dict[str, str], str]:
    """The CJK cuts' @font-face rules, and the URL of each house font's cut by its file."""
    key = (fonts, *(glyphs.file_stamp(Path(font.file)) for font in fonts if font.file))
    if key in _made:
        return _made[key]
    while len(_made) >= KEPT_CUTS:  # the oldest goes (WeasyPrint copied what it loaded)
        shutil.rmtree(_made.pop(next(iter(_made)))[2], ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix="mentorkit-fonts-"))
    atexit.register(shutil.rmtree, folder, True)
    rules, files = [], {}
    for font in fonts:
        if font.file:
            data = cut(Path(font.file), 0, font.text)
            if data is not None:
                path = folder / f"{_digest(font.file)}{Path(font.file).suffix}"
                path.write_bytes(data)
                files[font.file] = path.as_uri()
            continue
        for face in glyphs.installed_faces():
            weight = STYLE_WEIGHTS.get(face.style)
            if face.family != font.family or weight is None:
                continue
            data = cut(face.file, face.index, font.text)
            if data is None:
                continue
            path = folder / f"{_digest(face.family, face.style)}.otf"
            path.write_bytes(data)
            rules.append(
                f'@font-face {{ font-family: "{font.name}"; src: url("{path.as_uri()}"); '
                f"font-weight: {weight}; font-style: normal; }}\n"
            )
    _made[key] = ("".join(rules), files, str(folder))
    return _made[key]


def cut(file: Path, index: int, text: str) -> bytes | None:
    """The face `index` of a font file with the glyphs of `text` only (and those its
    layout tables reach from them), or None when HarfBuzz cannot read it (a WOFF file:
    the organisation's own font is then embedded as WeasyPrint reads it)."""
    import uharfbuzz as hb

    try:
        face = hb.Face(hb.Blob.from_file_path(str(file)), index)
        if face.glyph_count == 0:
            return None
        wanted = hb.SubsetInput()
        for char in text:
            wanted.unicode_set.add(ord(char))
        features = wanted.layout_feature_tag_set  # HarfBuzz's default list, then all of them
        features.clear()
        features.invert()  # every feature, kerning and those a print.css may ask for
        data = bytes(hb.subset(face, wanted).blob.data)
    except (OSError, RuntimeError, ValueError):
        return None
    return data or None
