"""Every script a roster can hold prints: names in eleven scripts, never as boxes."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader

from generator import glyphs, layers
from generator.build import BuildOptions, build
from generator.errors import InvalidProject

from .conftest import (
    ACME,
    MINIMAL_PROGRAMME,
    PEOPLE,
    TINY_TOPIC,
    problems_of,
    roster_text,
    write_tree,
)

SCRIPTS = ("Arabic", "Hebrew", "Devanagari", "Tamil", "Bengali", "Thai", "CJK")


def glyph_ids(pdf_path: Path) -> Iterator[tuple[str, int]]:
    """Every glyph drawn in a PDF as (font name, glyph id); glyph 0 is .notdef, the
    missing-glyph box. Codes go to glyphs the way a viewer takes them (PDF 32000, 9.7):
    through the font's encoding CMap (Identity-H, or a stream of cidchar and cidrange
    entries, which is how a box gets drawn with a code of its own) and its CIDToGIDMap."""
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            yield from _drawn(page, page.obj.get("/Resources"), {})


def _drawn(
    owner: pikepdf.Page | pikepdf.Object, resources: object, maps: dict[str, Any]
) -> Iterator[tuple[str, int]]:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    fonts = resources.get("/Font", pikepdf.Dictionary())
    xobjects = resources.get("/XObject", pikepdf.Dictionary())
    font = None
    for operands, operator in pikepdf.parse_content_stream(owner):
        name = str(operator)
        if name == "Tf":
            font = fonts.get(str(operands[0]))
        elif name in ("Tj", "TJ", "'", '"') and font is not None:
            assert str(font.get("/Subtype")) == "/Type0", "a font without glyph ids"
            base = str(font.get("/BaseFont"))
            to_glyph = maps.setdefault(base, _to_glyph(font))
            strings = operands[0] if name == "TJ" else [operands[-1]]
            for item in strings:
                if isinstance(item, pikepdf.String):
                    data = bytes(item)
                    for i in range(0, len(data), 2):
                        yield base, to_glyph(int.from_bytes(data[i : i + 2], "big"))
        elif name == "Do":
            xobject = xobjects.get(str(operands[0]))
            if xobject is not None and str(xobject.get("/Subtype")) == "/Form":
                yield from _drawn(xobject, xobject.get("/Resources", resources), maps)


def _to_glyph(font: pikepdf.Object) -> Callable[[int], int]:
    encoding = font.get("/Encoding")
    cids: dict[int, int] | None = None
    if isinstance(encoding, pikepdf.Stream):
        cids = {}
        text = encoding.read_bytes().decode("latin-1")
        for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
            for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s+(\d+)", block):
                cids[int(code, 16)] = int(cid)
        for block in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
            for low, high, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)", block):
                for offset in range(int(high, 16) - int(low, 16) + 1):
                    cids[int(low, 16) + offset] = int(cid) + offset
    else:
        assert str(encoding) == "/Identity-H", encoding
    descendant = font.get("/DescendantFonts")[0]
    gid_map = descendant.get("/CIDToGIDMap")
    gids = gid_map.read_bytes() if isinstance(gid_map, pikepdf.Stream) else None

    def to_glyph(code: int) -> int:
        cid = code if cids is None else cids.get(code, 0)
        if gids is None:
            return cid
        return int.from_bytes(gids[2 * cid : 2 * cid + 2], "big")

    return to_glyph


def test_a_box_is_found_where_one_is_drawn(tmp_path: Path) -> None:
    """The check above sees the box WeasyPrint draws for a character no font has."""
    from weasyprint import HTML

    HTML(string="<p>Lena \U0010fffdVogel</p>").write_pdf(tmp_path / "box.pdf")
    drawn = [glyph for _, glyph in glyph_ids(tmp_path / "box.pdf")]
    assert len(drawn) == len("LenaVogel") + 2 and drawn.count(0) == 1


def test_names_in_eleven_scripts_print_with_no_missing_glyph(world_build: Path) -> None:
    pdfs = sorted(world_build.glob("pairs/*/*.pdf")) + sorted(world_build.glob("certificates/*"))
    assert len(pdfs) == 6 + 12
    fonts: set[str] = set()
    for path in pdfs:
        drawn = list(glyph_ids(path))
        assert drawn, path
        boxes = [font for font, glyph in drawn if glyph == 0]
        assert boxes == [], f"{path.name}: missing glyphs in {sorted(set(boxes))}"
        fonts |= {font.split("+")[-1].replace("-", "") for font, _ in drawn}
    # The names took fonts by coverage: Inter for Latin, Noto for the other scripts.
    for family in ["Inter", *(f"NotoSans{s}" for s in SCRIPTS)]:
        assert any(font.startswith(family) for font in fonts), (family, sorted(fonts))


def test_each_name_reads_back_from_its_certificate(world_build: Path) -> None:
    for person_id, name, *_ in PEOPLE:
        text = PdfReader(world_build / "certificates" / f"{person_id}.pdf").pages[0].extract_text()
        words = " ".join(text.split())
        if person_id in ("fatima", "noa", "ananya", "karthik", "somchai", "sumaiya"):
            # Right-to-left and shaped scripts: glyphs are reordered and joined on the page,
            # so text read back from it keeps the letters, not always their order.
            assert set(name.replace(" ", "")) <= set(words), person_id
        else:
            assert name in words, person_id


def test_a_name_no_font_can_print_is_a_located_error(tmp_path: Path) -> None:
    people = [
        *PEOPLE[:2],
        ("bad-name", "Lena \U0010fffdVogel", "mentee", "Finance", "video"),
        ("unassigned", "Ki\U000e0080m", "mentor", "Data", "ai"),
    ]
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_text(people), encoding="utf-8")
    with pytest.raises(InvalidProject) as caught:
        build(ACME, BuildOptions(out=tmp_path / "dist", roster=roster))
    assert [str(p) for p in caught.value.problems] == [
        "roster.csv:4:2: name of bad-name: 'Lena \\U0010fffdVogel' has a character no installed "
        "font can print: '\\U0010fffd' (U+10FFFD, a private-use character); "
        f"{glyphs.HOW_TO_FIX}",
        "roster.csv:5:2: name of unassigned: 'Ki\\U000e0080m' has a character no installed "
        "font can print: '\\U000e0080' (U+E0080, a code point Unicode has not assigned); "
        f"{glyphs.HOW_TO_FIX}",
    ]
    assert not (tmp_path / "dist").exists()


def test_a_text_no_font_can_print_names_the_file_and_line(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path / "acme",
        {
            "program.yaml": MINIMAL_PROGRAMME.replace(
                "Mini programme", "Mini \U000f0001 programme"
            ),
            "topics/tiny.yaml": TINY_TOPIC.replace("Try it", "Try \U000e0080 it"),
        },
    )
    assert problems_of(project) == [
        "program.yaml:2:8: the text 'Mini \\U000f0001 programme' has a character no "
        "installed font can print: '\\U000f0001' (U+F0001, a private-use character); "
        "the PDFs would show an empty box; correct the text, or install a font that has it "
        "(`make run` installs the Noto fonts when run as root on Debian or Ubuntu, and "
        "otherwise says how to install them)",
        "topics/tiny.yaml:13:17: the text 'Try \\U000e0080 it' has a character no installed "
        "font can print: '\\U000e0080' (U+E0080, a code point Unicode has not assigned); "
        f"{glyphs.HOW_TO_FIX}",
    ]


def test_texts_in_other_scripts_are_valid() -> None:
    fonts = glyphs.coverage(glyphs.house_fonts([layers.library_root() / "templates"], ()))
    for _, name, *_ in PEOPLE:
        assert fonts.missing(name) == [], name
    # Joiners, direction marks and variation selectors draw nothing of their own.
    assert fonts.missing("\u200d\u200f\ufe0f ") == []
    assert fonts.missing("a\U000f0001b\U000f0001") == ["\U000f0001"]


def test_every_fallback_family_is_installed() -> None:
    """`make test` installs them (scripts/system-deps.py); a missing one would print boxes."""
    fc_list = shutil.which("fc-list")
    assert fc_list is not None
    listed = subprocess.run(
        [fc_list, "--format", "%{family[0]}\n"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    missing = [family for family in glyphs.FALLBACK_FAMILIES if family not in listed]
    assert missing == [], f"install the fonts with `make test`: {missing}"


def _font_with(char: str, path: Path) -> None:
    """A TrueType font whose one glyph is `char` (a square)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((0, 500))
    pen.lineTo((500, 500))
    pen.closePath()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "icon"])
    builder.setupCharacterMap({ord(char): "icon"})
    builder.setupGlyf({".notdef": pen.glyph(), "icon": pen.glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "icon": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "House", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(path))


def test_the_house_font_prints_its_characters_in_a_programme_invalid_elsewhere(
    tmp_path: Path,
) -> None:
    """A time that is no time of day does not make the house typeface's own characters
    boxes: the one problem is the time."""
    project = write_tree(
        tmp_path / "acme",
        {
            "program.yaml": MINIMAL_PROGRAMME.replace(
                "Mini programme", "Mini \U000f0001 programme"
            ).replace('"15:00"', '"25:00"')
            + "organisation: {font: {family: House, regular: assets/House.ttf}}\n",
            "topics/tiny.yaml": TINY_TOPIC,
        },
    )
    _font_with("\U000f0001", project / "assets" / "House.ttf")
    assert problems_of(project) == [
        "program.yaml:3:54: schedule.time: `25:00` is not a time of day: write it as HH:MM "
        'in quotes, such as "15:00"',
    ]


def test_a_house_font_replaced_in_a_long_lived_process_is_read_again(tmp_path: Path) -> None:
    """`mentorkit serve` lives on while the organisation replaces its font file: what
    it can print is read from the file as it is now."""
    from generator.packs.fonts import cut

    inter = layers.library_root() / "templates" / "pdf" / "fonts" / "Inter-Regular.otf"
    brand = tmp_path / "brand.otf"
    brand.write_bytes(cut(inter, 0, "Acme") or b"")
    assert ord("Ω") not in glyphs.file_chars(brand)
    assert glyphs.fallback_family("Ω", (brand,)) is not None  # another font prints it
    brand.write_bytes(cut(inter, 0, "Acme Ωmega") or b"")
    assert ord("Ω") in glyphs.file_chars(brand)
    assert glyphs.fallback_family("Ω", (brand,)) is None  # the house font does
