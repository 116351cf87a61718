"""The CJK fonts, cut to the characters of a roster's packs before the packs are laid out.

Noto Sans CJK holds 65,000 glyphs in a 19 MB file. WeasyPrint subsets every font it
embeds, and for a font that size this cost a pair with a name in Chinese, Japanese or
Korean about 55 ms of its 245 and 190 KB of its 280 (the glyph numbers are kept, so the
cut keeps every number up to the highest used). So the packs first cut these fonts to the
characters of all the pairs' own pages, a few hundred glyphs, made by HarfBuzz in a few
milliseconds. The cut font comes under a family name of its own just before the
installed family in the print CSS: a character it lacks still reaches the whole font,
and WeasyPrint still keeps only the glyphs of a pair's own names in the pair's files.

Each worker process cuts its own copy, once, into a folder of its own: nothing is read
from the build's folders, so a Dask cluster works as the local processes do.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import glyphs

# The families cut for the packs: the big ones, whose every embedding costs the most.
CUT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK KR")

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
    """An installed family cut to the characters of some pages that it has (in code point
    order), `reach` those of them that no font before it in the print CSS has."""

    family: str
    text: str
    reach: str

    @property
    def name(self) -> str:
        """The cut font's own family name. A worker process keeps every font it has been
        given, so each cut has a name no other cut has: a long-lived worker (Dask, or a
        pool that served an earlier build) never sets a pair in another roster's cut."""
        digest = hashlib.sha256(f"{self.family}\0{self.text}".encode()).hexdigest()[:12]
        return f"{self.family} {digest}"


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
    """The cut families the `texts` (strings or sets of characters) need. Each keeps every
    character of the texts the whole family has, spaces and punctuation too (Pango sets
    them in the font of the characters around them), so that a page is set as with the
    whole family; it is needed where a character reaches it: one no house font has, first
    found in that family among the fallbacks."""
    chars: set[str] = set()
    for text in texts:
        chars.update(text)
    reached: dict[str, list[str]] = {}
    for char in sorted(chars):
        if char.isascii():
            continue
        family = glyphs.fallback_family(char, house)
        if family in CUT_FAMILIES:
            reached.setdefault(family, []).append(char)
    cut = []
    for family in CUT_FAMILIES:
        if family in reached:
            has = glyphs.family_chars(family)
            text = "".join(sorted(c for c in chars if ord(c) in has))
            cut.append(CutFont(family, text, "".join(reached[family])))
    return tuple(cut)


def uses(chars: frozenset[str] | set[str], fonts: tuple[CutFont, ...]) -> list[str]:
    """What of `fonts` a page's layout depends on: the cut fonts it has a character
    reaching (a page with none is set in the same fonts, cut or not)."""
    return [f"{font.family}:{font.text}" for font in fonts if not chars.isdisjoint(font.reach)]


# --- in the worker processes --------------------------------------------------------------

_made: dict[tuple[CutFont, ...], tuple[str, str]] = {}


def stylesheet(css: str, fonts: tuple[CutFont, ...]) -> tuple[str, str]:
    """The print CSS of a pack with `fonts` (their @font-face rules, and their own names in
    place of the placeholders), and the folder of the fonts' files, to be allowed to the
    renderer. The fonts are cut in this process the first time they are asked for."""
    rules, folder = _font_rules(fonts)
    for font in fonts:
        css = css.replace(f'"{alias(font.family)}"', f'"{font.name}"')
    return rules + css, folder


def _font_rules(fonts: tuple[CutFont, ...]) -> tuple[str, str]:
    if fonts in _made:
        return _made[fonts]
    folder = Path(tempfile.mkdtemp(prefix="mentorkit-fonts-"))
    atexit.register(shutil.rmtree, folder, True)
    rules = []
    for font in fonts:
        for face in glyphs.installed_faces():
            weight = STYLE_WEIGHTS.get(face.style)
            if face.family != font.family or weight is None:
                continue
            data = cut(face.file, face.index, font.text)
            if data is None:
                continue
            name = hashlib.sha256(f"{face.family}\0{face.style}".encode()).hexdigest()[:16]
            path = folder / f"{name}.otf"
            path.write_bytes(data)
            rules.append(
                f'@font-face {{ font-family: "{font.name}"; src: url("{path.as_uri()}"); '
                f"font-weight: {weight}; font-style: normal; }}\n"
            )
    _made[fonts] = ("".join(rules), str(folder))
    return _made[fonts]


def cut(file: Path, index: int, text: str) -> bytes | None:
    """The face `index` of a font file with the glyphs of `text` only (and those its
    layout tables reach from them), or None when HarfBuzz cannot read it."""
    import uharfbuzz as hb

    try:
        face = hb.Face(hb.Blob.from_file_path(str(file)), index)
        wanted = hb.SubsetInput()
        for char in text:
            wanted.unicode_set.add(ord(char))
        data = bytes(hb.subset(face, wanted).blob.data)
    except (OSError, RuntimeError, ValueError):
        return None
    return data or None
