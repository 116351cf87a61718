"""Pair packs and certificates as a screen reader and a reader of the PDF get them.

The packs are built once (the fixture programme, a roster with names in eleven scripts)
and read back: the structure tree of every file is whole and reaches every piece of text
drawn, the language and the title are set, the bookmarks land on their pages, the text
reads in order, and a pair's files hold no other pair's names, even as font glyphs.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader

from generator import glyphs
from generator.build import BuildOptions, build
from generator.layers import library_root
from generator.packs import fonts
from generator.packs.planning import PairDocument, PairsJob
from generator.packs.rendering import render_pairs
from generator.tagged import Base, Part, Tagged, UntaggedError, join

from .conftest import ACME, FIXTURES, PEOPLE, roster_text
from .test_glyphs import glyph_ids

ROSTER = FIXTURES / "roster.csv"
MCID = re.compile(rb"/MCID\s+(\d+)")


def _files(out: Path) -> list[Path]:
    return sorted(out.glob("pairs/*/*.pdf")) + sorted(out.glob("certificates/*.pdf"))


def problems(pdf: pikepdf.Pdf) -> Iterator[str]:
    """What a PDF/UA checker would say about a file's tags, for the checks made here:
    every marked piece of content belongs to an element on its own page, every element
    is reachable from the root and points back at its parent, and nothing refers to a
    page the file does not have."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        yield "no structure tree"
        return
    pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
    numbers = root.ParentTree.Nums
    parents = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
    if int(root.get("/ParentTreeNextKey", len(parents))) <= max(parents, default=-1):
        yield "ParentTreeNextKey is not past the last key"
    seen: set[tuple[int, int]] = set()

    def walk(element: Any, parent: Any) -> Iterator[str]:
        if element.P.objgen != parent.objgen:
            yield f"{element.S} does not point at its parent"
        if "/Pg" in element and element.Pg.objgen not in pages:
            yield f"{element.S} is on a page the file does not have"
        seen.add(element.objgen)
        kids = element.get("/K", pikepdf.Array())
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                yield from walk(kid, element)
            elif (
                isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid and kid.Pg.objgen not in pages
            ):
                yield "a marked-content reference to a missing page"

    documents = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
    for document in documents:
        yield from walk(document, root)
    # The page margins' text: the document as parent, outside its kids (as WeasyPrint
    # makes it, so that a screen reader skips the running head of every page).
    in_tree = set(seen)
    document_ids = {document.objgen for document in documents}
    margins = [
        o
        for o in pdf.objects
        if isinstance(o, pikepdf.Dictionary)
        and o.get("/Type") == "/StructElem"
        and "/P" in o
        and o.P.objgen in document_ids
        and o.objgen not in in_tree
    ]
    for element in margins:
        yield from walk(element, element.P)
    for number, page in enumerate(pdf.pages):
        content = b"".join(
            stream.read_bytes()
            for stream in (
                page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
            )
        )
        marked = {int(m) for m in MCID.findall(content)}
        if not marked:
            continue
        if "/StructParents" not in page.obj:
            yield f"page {number + 1} has marked content but no /StructParents"
            continue
        owners = parents[int(page.obj.StructParents)]
        for mcid in sorted(marked):
            owner = owners[mcid]
            if owner.objgen not in seen:
                yield f"page {number + 1}: content {mcid} belongs to no element of the tree"
            elif owner.Pg.objgen != page.objgen:
                yield f"page {number + 1}: content {mcid} belongs to an element of another page"


def test_every_pack_and_certificate_is_tagged_whole(world_build: Path) -> None:
    files = _files(world_build)
    assert len(files) == 6 + 12
    for path in files:
        with pikepdf.open(path) as pdf:
            assert list(problems(pdf)) == [], path.name
            assert str(pdf.Root.Lang) == "en", path.name  # the programme's locale
            assert bool(pdf.Root.MarkInfo.Marked) is True
            assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
            assert pdf.pdf_version >= "1.7"
            xmp = pdf.Root.Metadata.read_bytes().decode()
            assert 'pdfuaid:part="1"' in xmp
            # No page object is carried along that the file does not show.
            page_objects = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)]
            shown = sum(1 for o in page_objects if o.get("/Type") == "/Page")
            assert shown == len(pdf.pages), path.name


def test_files_are_titled_after_their_people(world_build: Path) -> None:
    pack = world_build / "pairs" / "zoe--anna" / "zoe--anna.pdf"
    with pikepdf.open(pack) as pdf:
        title = str(pdf.docinfo.Title)
        assert title == "Reverse mentoring pack: Zoë Ólafsdóttir-Łukasiewicz and Анна Кузнецова"
        assert title in pdf.Root.Metadata.read_bytes().decode()
    with pikepdf.open(world_build / "certificates" / "xiuying.pdf") as pdf:
        assert str(pdf.docinfo.Title) == "Certificate of completion: 王秀英"


def _page_text(pdf: Path, number: int) -> str:
    return " ".join(PdfReader(pdf).pages[number].extract_text().split())


def test_bookmarks_land_on_their_pages(world_build: Path) -> None:
    pack = world_build / "pairs" / "zoe--anna" / "zoe--anna.pdf"
    with pikepdf.open(pack) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            marks = [(item.title, pages[item.destination[0].objgen]) for item in outline.root]
    titles = [title for title, _ in marks]
    assert titles[:3] == ["Your pair", "Mentoring agreement", "Our goals and ground rules"]
    assert any(title.startswith("1. ") for title in titles)
    assert [page for _, page in marks] == sorted(page for _, page in marks)
    for title, page in marks:
        heading = title.split(". ", 1)[-1] if title[0].isdigit() else title
        text = _page_text(pack, page)
        if title == "Your pair":
            heading = "Zoë Ólafsdóttir-Łukasiewicz and"
        assert heading.split(":")[0] in text, (title, page, text[:200])


def test_text_reads_in_order(world_build: Path) -> None:
    """Names are part of the page, not drawn on top of it afterwards."""
    text = _page_text(world_build / "certificates" / "zoe.pdf", 0)
    order = [
        "Certificate of completion",
        "Zoë Ólafsdóttir-Łukasiewicz",
        "took part in",
        "Acme",
        "from",
        "Topics covered:",
    ]
    positions = [text.find(part) for part in order]
    assert -1 not in positions and positions == sorted(positions), text
    cover = _page_text(world_build / "pairs" / "zoe--anna" / "zoe--anna.pdf", 0)
    cover = " ".join(cover.split())  # "Why you were paired:" heads a line
    assert cover.index("Why you were paired") < cover.index("Your sessions")
    agreement = _page_text(world_build / "pairs" / "zoe--anna" / "zoe--anna.pdf", 1)
    for earlier, later in (("Who we are", "Анна Кузнецова"), ("How we meet", "Signed")):
        assert agreement.index(earlier) < agreement.index(later)


def test_the_forms_in_a_pack_are_for_paper_and_due_on_the_pairs_own_dates(
    world_build: Path,
) -> None:
    # The programme's own forms (the golden files) say "Due Friday, 12 March 2027." from
    # the programme's dates; in a pack the due dates are the pair's, on its cover.
    pack = world_build / "pairs" / "zoe--anna" / "zoe--anna.pdf"
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(pack).pages]
    forms = [text for text in pages if "Fill this form in on paper" in text]
    assert len(forms) >= 2
    for text in forms:
        assert "Due " not in text and "type into its PDF" not in text, text[:300]
        if "Form " in text:  # the last page of a form
            assert "Fill this form in on paper and give it to the" in text
    assert "Checkpoint: " in pages[0]


def _fonts(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        return {
            str(font.BaseFont).split("+")[-1]
            for page in pdf.pages
            for font in page.Resources.get("/Font", pikepdf.Dictionary()).values()
        }


def _characters(path: Path) -> str:
    """Every character the embedded fonts can map back to (their ToUnicode maps)."""
    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", pikepdf.Dictionary()).values():
                cmap = font.get("/ToUnicode")
                if cmap is None:
                    continue
                for hexes in re.findall(rb"<([0-9A-Fa-f]{4,})>\s*(?=\n|<|\[)", cmap.read_bytes()):
                    data = bytes.fromhex(hexes.decode())
                    if len(data) % 2 == 0:
                        found.append(data.decode("utf-16-be", errors="ignore"))
    return "".join(found)


def test_a_pairs_files_hold_no_other_pairs_names(world_build: Path) -> None:
    """Each pair's pages are a document of their own: the fonts embedded in its files
    hold the glyphs of its own names, never those of people in other pairs."""
    latin_cyrillic = world_build / "pairs" / "zoe--anna" / "zoe--anna.pdf"
    assert not any(font.startswith("NotoSansCJK") for font in _fonts(latin_cyrillic))
    characters = _characters(latin_cyrillic)
    assert "王" not in characters and "김" not in characters
    assert "Ł" in characters  # the check reads what is there


def _personal_files(out: Path) -> dict[str, bytes]:
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for folder in ("pairs", "certificates")
        for path in sorted((out / folder).rglob("*"))
        if path.is_file()
    }


def test_a_second_build_lays_out_only_what_changed_and_makes_the_same_packs(
    tmp_path: Path,
) -> None:
    """Building again lays out nothing twice: not the shared pages, and not a pair whose
    own pages are unchanged. A coordinator who gives one pair a room in pairs.csv waits
    for that pair's pages alone, and gets what a build from scratch gives."""
    out = tmp_path / "dist"
    options = BuildOptions(out=out, workers=1, roster=ROSTER, only=frozenset({"calendar"}))
    first = build(ACME, options)
    made = _personal_files(out)
    cache = out / ".mentorkit" / "packs"
    cached = sorted(p.name for p in cache.iterdir())
    assert first.pairs == 3 and first.pack_layouts_reused == 0
    assert first.pack_worker_cpu > 0 and first.pack_shared_cpu > 0  # the benchmark's figures
    assert len(cached) == 2 * (1 + first.pairs)  # each PDF and its pages: shared, each pair
    second = build(ACME, options)
    assert second.pack_layouts_reused == 1 + second.pairs
    assert second.pack_worker_cpu == second.pack_shared_cpu == 0  # nothing laid out
    assert _personal_files(out) == made

    # A damaged layout (a build stopped while writing it, a full disk) is made again.
    kept = sorted(cache.glob("pair-*.pdf"))
    kept[0].write_bytes(kept[0].read_bytes()[:1000])
    record = json.loads(kept[1].with_suffix(".json").read_text())
    kept[1].with_suffix(".json").write_text(json.dumps({**record, "meta": [[0, 1]]}))
    repaired = build(ACME, options)
    assert repaired.pack_layouts_reused == 1 + repaired.pairs - 2
    assert _personal_files(out) == made

    # One pair gets a room: its agreement says where it meets; nothing else changes.
    edited = tmp_path / "pairs.csv"
    rows = (out / "pairs" / "pairs.csv").read_text(encoding="utf-8").splitlines()
    rows = [r + "Room 4.12" if r.startswith("fin-analyst--cmo,") else r for r in rows]
    edited.write_text("\n".join(rows) + "\n", encoding="utf-8")
    third = build(ACME, replace(options, pairs=edited))
    assert third.pack_layouts_reused == 1 + third.pairs - 1
    assert "Room 4.12" in _page_text(out / "pairs" / "fin-analyst--cmo" / "fin-analyst--cmo.pdf", 1)
    cold = tmp_path / "cold"
    build(ACME, replace(options, pairs=edited, out=cold))
    rebuilt = _personal_files(out)
    assert rebuilt == _personal_files(cold)
    changed = {name for name in made if made[name] != rebuilt[name]}
    pair = {
        "pairs/fin-analyst--cmo/fin-analyst--cmo.pdf",
        "pairs/fin-analyst--cmo/fin-analyst--cmo.ics",
    }
    # The pair's certificates come from the same layout (its fonts hold the new glyphs).
    certificates = {"certificates/fin-analyst.pdf", "certificates/cmo.pdf"}
    assert pair | {"pairs/pairs.csv"} <= changed <= pair | certificates | {"pairs/pairs.csv"}
    assert len(list(cache.iterdir())) == 2 * (1 + first.pairs)  # the old layout is removed

    # A change to the programme makes new layouts; the old ones are removed.
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    programme = project / "program.yaml"
    programme.write_text(programme.read_text().replace("Acme Reverse", "Acme New"))
    fourth = build(project, options)
    assert fourth.pack_layouts_reused == 0
    assert not set(cached) & {p.name for p in cache.iterdir()}
    assert len(list(cache.iterdir())) == 2 * (1 + fourth.pairs)
    assert "Acme New" in _page_text(out / "pairs" / "ops-grad--ceo" / "ops-grad--ceo.pdf", 2)


# --- tagged.join on its own ---------------------------------------------------------------


def _tagged(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))


def test_join_keeps_the_tags_of_the_pages_it_takes() -> None:
    first = Tagged(
        _tagged(
            '<html lang="fr"><h1>Un</h1><p>Premier</p>'
            '<h1 style="break-before: page">Deux</h1><p>Second <a href="https://example.org">'
            "lien</a></p></html>"
        )
    )
    second = Tagged(
        _tagged(
            '<html lang="fr"><h1>Trois</h1><table><tr><th>A</th></tr>'
            "<tr><td>b</td></tr></table></html>"
        )
    )
    data = join(
        [Part(first, 1, 2), Part(second, 0, 1)], "Titre", "fr-FR", [("Deux", 0), ("Trois", 1)]
    )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 2
        assert list(problems(pdf)) == []
        assert str(pdf.Root.Lang) == "fr-FR"
        kinds = [str(e.S) for e in pdf.Root.StructTreeRoot.K[0].K]
        assert "/H1" in kinds
        # The link keeps its place in the tree: its annotation points at a Link element.
        annotation = pdf.pages[0].Annots[0]
        parents = pdf.Root.StructTreeRoot.ParentTree.Nums
        keyed = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
        assert str(keyed[int(annotation.StructParent)].S) == "/Link"
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Deux" in text and "Un" not in text


def test_join_refuses_an_untagged_pdf() -> None:
    from weasyprint import HTML

    with pytest.raises(UntaggedError, match="no structure tree"):
        Tagged(bytes(HTML(string="<p>x</p>").write_pdf()))
    with pytest.raises(UntaggedError, match="no structure tree"):
        Base(bytes(HTML(string="<p>x</p>").write_pdf()))


def test_prepend_puts_pages_in_front_of_a_file_left_as_it_is() -> None:
    shared = _tagged(
        '<html lang="fr"><h1>Règles</h1><p>Commun à tous</p>'
        '<h1 style="break-before: page">Séance</h1><p>Plan <a href="https://example.org">'
        "lien</a></p></html>"
    )
    own = Tagged(
        _tagged(
            '<html lang="fr"><h1>Zoë et 王秀英</h1><p>Votre binôme</p>'
            '<h1 style="break-before: page">Certificat</h1><p>Pas dans le dossier</p></html>'
        )
    )
    base = Base(shared)
    data = base.prepend(
        Part(own, 0, 1), "Dossier : Zoë et 王秀英", "fr-FR", [("Binôme", 0), ("Séance", 2)], "Acme"
    )
    assert data.startswith(shared)  # an update after the shared file's own bytes
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert list(problems(pdf)) == []
        assert len(pdf.pages) == 3
        assert str(pdf.Root.Lang) == "fr-FR"
        assert str(pdf.docinfo.Title) == "Dossier : Zoë et 王秀英"
        assert "Dossier : Zoë et 王秀英" in pdf.Root.Metadata.read_bytes().decode()
        # The document element lists the new page's elements first, then the shared ones.
        kids = pdf.Root.StructTreeRoot.K[0].K
        assert kids[0].Pg.objgen == pdf.pages[0].objgen
        assert pdf.pages[0].objgen not in {e.Pg.objgen for e in kids[-2:]}
        # The shared link keeps its element; no page of the certificate came along.
        annotation = pdf.pages[2].Annots[0]
        parents = pdf.Root.StructTreeRoot.ParentTree.Nums
        keyed = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
        assert str(keyed[int(annotation.StructParent)].S) == "/Link"
        assert sum(1 for o in pdf.objects if o.get("/Type") == "/Page") == 3
        with pdf.open_outline() as outline:
            landed = [pdf.pages.index(pikepdf.Page(i.destination[0])) for i in outline.root]
            assert [i.title for i in outline.root] == ["Binôme", "Séance"]
        assert landed == [0, 2]
    reader = PdfReader(io.BytesIO(data))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert "Votre binôme" in pages[0] and "Certificat" not in " ".join(pages)
    assert "Commun à tous" in pages[1] and "Plan" in pages[2]
    # Another reader of PDF (poppler, which the set-up installs) takes the update alike.
    text = subprocess.run(
        ["pdftotext", "-l", "1", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Votre binôme" in text


def test_prepend_copies_text_that_reads_like_a_reference_as_it_is() -> None:
    # The update writes the objects it copies as the PDF library does, and numbers their
    # references anew: text in them (a picture's description) that reads like a reference,
    # or holds brackets, is no reference and stays as it was written.
    alt = "Plan 3 0 R (page 2) \\ 4 0 R) and ("
    picture = (
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
        "<rect width='10' height='10'/></svg>"
    )
    own = Tagged(_tagged(f'<html lang="en"><h1>Ana</h1><p><img alt="{alt}" src="{picture}"></p>'))
    data = Base(_tagged('<html lang="en"><h1>Shared</h1></html>')).prepend(
        Part(own, 0, 1), "Pack", "en-GB"
    )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert list(problems(pdf)) == []
        figures = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/Alt" in o]
        assert [str(figure.Alt) for figure in figures] == [alt]
        assert figures[0].Pg.objgen == pdf.pages[0].objgen


def test_no_certificates_when_the_programme_gives_none(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    programme = project / "program.yaml"
    text = programme.read_text()
    assert "certificate: true" in text
    programme.write_text(text.replace("certificate: true", "certificate: false"))
    out = tmp_path / "dist"
    report = build(
        project, BuildOptions(out=out, workers=1, roster=ROSTER, only=frozenset({"calendar"}))
    )
    assert report.pairs == 3 and report.certificates == 0
    assert not (out / "certificates").exists()
    pack = out / "pairs" / "ops-grad--ceo" / "ops-grad--ceo.pdf"
    with pikepdf.open(pack) as pdf:
        assert list(problems(pdf)) == []
    assert "Certificate of completion" not in " ".join(
        page.extract_text() for page in PdfReader(pack).pages[:2]
    )


# --- the CJK fonts cut to the roster ------------------------------------------------------

CJK_PAGE = (
    '<h1 id="part-p1-cover">佐藤 はるか and 김민준</h1>'
    "<p>王秀英 (Strategy) · 「会議」 10:00–11:00, Room 4.12</p>"
)
# Kerning pairs (AV, To, Wa, Ty), accents, bold, semibold and italic: Inter's four faces.
LATIN_PAGE = (
    '<h1 id="part-p2-cover">Zoë Ólafsdóttir and Анна Кузнецова</h1>'
    "<p>AVATAR Tower, Water Typography: <em>Tuesday</em> <b>Wave</b> "
    '<span style="font-weight: 600">“Yoga”</span> — 10:00 → 11:00</p>'
)
FONTS = library_root() / "templates" / "pdf" / "fonts"
FACES = {"Regular": (400, "normal"), "Bold": (700, "normal"), "SemiBold": (600, "normal")}
FACES["Italic"] = (400, "italic")


def _laid_out(html: str, cut: tuple[fonts.CutFont, ...]) -> bytes:
    rules = "".join(
        f'@font-face {{ font-family: "Inter"; src: url("{(FONTS / f"Inter-{face}.otf").as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}\n"
        for face, (weight, style) in FACES.items()
    )
    stack = fonts.with_cut_families('"Inter", "Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK JP"')
    pair_id = html.split('"part-')[1].split("-cover")[0]
    document = PairDocument(pair_id, "m", "e", html, ("cover",))
    css = f"{rules}body {{ font-family: {stack}, sans-serif }}"
    (pair,) = render_pairs(PairsJob("job", css, (str(FONTS),), (document,), cut)).pairs
    return pair.pdf


def _pixels(pdf: bytes, folder: Path) -> bytes:
    (folder / "page.pdf").write_bytes(pdf)
    command = ["pdftoppm", "-gray", "-r", "100", "-singlefile", "page.pdf", "page"]
    subprocess.run(command, cwd=folder, check=True)
    return (folder / "page.pgm").read_bytes()


def test_the_packs_fonts_are_cut_to_the_roster_and_set_the_pages_as_the_whole_fonts(
    tmp_path: Path,
) -> None:
    """Inter and Noto Sans CJK are cut to the characters of the roster's pages before
    the packs are laid out (embedding the whole fonts cost a pair a fifth of its time):
    the pages look exactly as with the whole fonts (kerning, the four faces, spaces and
    punctuation between CJK names), and a page with no CJK character does not depend on
    the CJK cut, so its kept layout stays valid when the CJK names change."""
    house = glyphs.house_fonts([library_root() / "templates"])
    assert len(house) == 4
    cut = fonts.cut_fonts([CJK_PAGE, LATIN_PAGE], house)
    assert [font.file for font in cut[:4]] == [str(path.resolve()) for path in house]
    assert "\u041a" in cut[0].text and "ł" in cut[0].text  # Cyrillic from the page, ł from BASE
    assert "Ж" not in cut[0].text and "王" not in cut[0].text
    (cjk,) = cut[4:]
    assert cjk.family == "Noto Sans CJK SC"
    assert cjk.reach == "".join(sorted(set("佐藤はるか김민준王秀英「会議」")))
    assert " " in cjk.text and "(" in cjk.text and "A" not in cjk.text

    for page in (CJK_PAGE, LATIN_PAGE):
        whole, cut_pdf = _laid_out(page, ()), _laid_out(page, cut)
        assert _pixels(cut_pdf, tmp_path) == _pixels(whole, tmp_path), page
        (tmp_path / "cut.pdf").write_bytes(cut_pdf)
        assert [glyph for _, glyph in glyph_ids(tmp_path / "cut.pdf") if glyph == 0] == []
        assert len(cut_pdf) < len(whole) * 0.7
    names = _fonts(tmp_path / "cut.pdf")  # the Latin page's
    assert {name.split("-")[0] for name in names} == {"Inter"} and "Inter" not in names

    assert len(fonts.uses(frozenset(LATIN_PAGE), cut)) == 4  # the house fonts only
    assert len(fonts.uses(frozenset(CJK_PAGE), cut)) == 5
    # Another roster's cut has names of its own: a worker that has both sets each pair
    # in its own roster's.
    other = fonts.cut_fonts([CJK_PAGE + "李"], house)
    assert other[4].name != cjk.name
    css, _ = fonts.stylesheet(
        f'@font-face {{ font-family: "Inter"; src: url("{house[0].as_uri()}") }}', other
    )
    assert css != fonts.stylesheet(css, cut)[0] and '"Inter"' not in css


def test_a_font_harfbuzz_cannot_read_is_not_cut(tmp_path: Path) -> None:
    """An organisation's WOFF2 font is left whole (HarfBuzz reads no WOFF): its rules in
    the stylesheet keep pointing at it, rather than at an empty cut with no glyphs."""
    from fontTools.ttLib import TTFont

    woff2 = tmp_path / "brand.woff2"
    font = TTFont(FONTS / "Inter-Regular.otf")
    font.flavor = "woff2"
    font.save(woff2)
    assert fonts.cut(woff2, 0, "Acme") is None
    assert fonts.cut(FONTS / "Inter-Regular.otf", 0, "Acme") is not None
    rule = f'@font-face {{ font-family: "Brand"; src: url("{woff2.as_uri()}") }}'
    cut = fonts.cut_fonts(["Acme"], (woff2,))
    css, _ = fonts.stylesheet(rule + ' body { font-family: "Brand" }', cut)
    assert woff2.as_uri() in css


def test_a_font_file_replaced_between_builds_is_cut_again(tmp_path: Path) -> None:
    """A Dask worker serves one build after another: when the organisation replaces its
    font file between them (same path), the next build's packs are cut from the new file,
    and the worker keeps no more than a few cuts, each with its folder."""
    brand = tmp_path / "brand.otf"
    rule = f'@font-face {{ font-family: "Brand"; src: url("{brand.as_uri()}") }}'

    def made(font: Path) -> bytes:
        shutil.copy(font, brand)
        cut = fonts.cut_fonts(["Acme"], (brand,))
        css, folder = fonts.stylesheet(rule, cut)
        (file,) = Path(folder).iterdir()
        assert file.as_uri() in css
        assert file.read_bytes() == fonts.cut(font, 0, cut[0].text)
        return file.read_bytes()

    assert made(FONTS / "Inter-Regular.otf") != made(FONTS / "Inter-Bold.otf")

    folders = []
    for greek in "ΑΒΓΔΕΖ"[: fonts.KEPT_CUTS + 2]:  # other rosters', in a long-lived worker
        _, folder = fonts.stylesheet(rule, fonts.cut_fonts([f"Acme {greek}"], (brand,)))
        folders.append(Path(folder))
    assert all(folder.exists() for folder in folders[-fonts.KEPT_CUTS :])
    assert not any(folder.exists() for folder in folders[: -fonts.KEPT_CUTS])


def test_a_page_with_a_character_the_cut_was_not_made_for_is_set_in_the_whole_fonts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fonts are cut before most pairs' pages are made, to the characters known then.
    Were a page to hold another, it is laid out with the whole fonts: here the cut knows
    the first pair's pages only (Latin and Cyrillic), and the Greek name of the other
    pair is still set in Inter, which has Greek, rather than in the next font that has."""
    import pdfplumber

    import generator.packs

    known: list[frozenset[str]] = []

    def first_pages_only(renderer: Any, infos: Any, sample: str) -> frozenset[str]:
        known.append(frozenset(sample))
        return known[-1]

    monkeypatch.setattr(generator.packs, "known_characters", first_pages_only)
    roster = tmp_path / "roster.csv"
    roster.write_text(roster_text(PEOPLE[:4]), encoding="utf-8")
    out = tmp_path / "dist"
    build(ACME, BuildOptions(out=out, workers=1, roster=roster, only=frozenset({"calendar"})))
    assert known and "Ł" in known[0] and "Γ" not in known[0]

    def fonts_of(person: str) -> dict[str, set[str]]:  # a certificate: the pair's own page
        path = out / "certificates" / f"{person}.pdf"
        assert [font for font, glyph in glyph_ids(path) if glyph == 0] == [], person
        found: dict[str, set[str]] = {}
        with pdfplumber.open(path) as pdf:
            for char in pdf.pages[0].chars:
                found.setdefault(char["text"], set()).add(char["fontname"].split("+")[-1])
        return found

    zoe = fonts_of("zoe")
    assert all(font.startswith("Inter-") for font in zoe["Ł"])  # the cut, under its own name
    greek = {char: names for char, names in fonts_of("giorgos").items() if "Α" <= char <= "ω"}
    assert len(greek) > 8
    assert all(font.split("-")[0] == "Inter" for names in greek.values() for font in names), greek
    fonts_of("fatima")  # Arabic, with no box either
