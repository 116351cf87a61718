"""The PDFs, read back: labels, page numbers, bookmarks, tagging, paper, colours."""

from __future__ import annotations

import gc
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generator.build import BuildOptions, build
from generator.executors import executor
from generator.pdf import _fetcher_class, _readable_on, _tint, _worker_setup, layout

from .conftest import ACME, write_tree

EXPECTED = {
    "programme-guide.pdf",
    "mentor-guide.pdf",
    "mentee-guide.pdf",
    "trainer-handbook.pdf",
    "mentoring-agreement.pdf",
    "feedback-after-each-session.pdf",
    "feedback-01-check-in.pdf",
    "feedback-02-evaluation.pdf",
    "plan-acme-dashboards--first-look.pdf",
    "plan-acme-dashboards--asking-better-questions.pdf",
    "workshop-acme-induction--kick-off.pdf",
    "topic-acme-dashboards.pdf",
    "key-points-acme-dashboards.pdf",
    "topic-acme-induction.pdf",
}


def text_of(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def outline_titles(outline: list[Any]) -> list[Any]:
    return [outline_titles(o) if isinstance(o, list) else o.title for o in outline]


def test_every_printed_artefact_has_a_pdf(acme_build: Path) -> None:
    assert {p.name for p in (acme_build / "pdf").iterdir()} == EXPECTED


def links_of(path: Path) -> list[str]:
    """Where the links of a PDF lead: web addresses and files (within the PDF: not listed)."""
    found = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            target = action.get("/URI") or action.get("/F")
            if target is not None:
                found.append(str(target.get("/F", target) if hasattr(target, "get") else target))
    return found


def test_printed_guides_keep_no_link_to_a_site_page(acme_build: Path) -> None:
    # On the site the guides link each session's plan and the feedback form; a PDF is read
    # on its own, where such a link would lead nowhere: the words stay, the links go.
    for name in ("mentor-guide.pdf", "mentee-guide.pdf", "trainer-handbook.pdf"):
        links = links_of(acme_build / "pdf" / name)
        assert [link for link in links if not link.startswith(("http", "mailto:"))] == [], name
    assert "Session plan: A first look at the dashboard" in " ".join(
        text_of(acme_build / "pdf" / "mentor-guide.pdf")
    )


def test_guides_have_cover_contents_and_page_n_of_m(acme_build: Path) -> None:
    pages = text_of(acme_build / "pdf" / "mentor-guide.pdf")
    total = len(pages)
    assert total >= 3
    cover, contents = pages[0], pages[1]
    assert "Digital mentor's guide" in cover
    assert "Acme Reverse Mentoring Pilot" in cover
    assert "March 2, 2027 – March 16, 2027" in cover
    assert "Page" not in cover  # the cover has no running footer
    assert "Contents" in contents
    for number in range(2, total + 1):
        assert f"Page {number} of {total}" in pages[number - 1]
    # The running header names the document; the footer the organisation.
    assert "Digital mentor's guide" in pages[2]
    assert "Acme Logistics · Acme Reverse Mentoring Pilot" in pages[2]


def test_contents_give_real_page_numbers(acme_build: Path) -> None:
    pages = text_of(acme_build / "pdf" / "programme-guide.pdf")
    contents = pages[1]
    line = next(ln for ln in contents.splitlines() if ln.startswith("Checkpoints"))
    page = int(line.split()[-1])
    assert "Checkpoints" in pages[page - 1]


def test_bookmarks_follow_the_headings(acme_build: Path) -> None:
    reader = PdfReader(acme_build / "pdf" / "programme-guide.pdf")
    titles = outline_titles(reader.outline)
    assert titles[0] == "Programme guide"
    assert "Schedule" in titles[1] and "Checkpoints" in titles[1]
    assert "Contents" not in str(titles)


def test_pdfs_are_tagged_for_screen_readers_with_a_language(acme_build: Path) -> None:
    for name in ("programme-guide.pdf", "plan-acme-dashboards--first-look.pdf"):
        reader = PdfReader(acme_build / "pdf" / name)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "en"
        assert bool(root["/MarkInfo"]["/Marked"])
        assert "/StructTreeRoot" in root
        metadata = root["/Metadata"].get_object().get_data().decode()
        assert "pdfuaid:part>1<" in metadata or 'pdfuaid:part="1"' in metadata
        assert reader.metadata is not None
        assert reader.metadata.author == "Acme Logistics"


def test_sheets_are_split_from_one_batch_with_their_own_titles(acme_build: Path) -> None:
    reader = PdfReader(acme_build / "pdf" / "plan-acme-dashboards--first-look.pdf")
    # The plan's two sides, then the video-call variant, the fallback and the handouts.
    assert len(reader.pages) >= 3
    back = reader.pages[1].extract_text()
    assert back.startswith("Digital mentor's preparation · A first look at the dashboard")
    appendix = "".join(page.extract_text() for page in reader.pages[2:])
    assert "On a video call" in appendix and "Metric cards" in appendix
    assert "Staff hours per 1,000 parcels" in appendix  # a card
    assert "Cut them out; the executive puts them in the order" in appendix  # its intro
    assert "Acme analytics team, Executive data survey, November 2026" in appendix
    assert "Metric cards" not in reader.pages[0].extract_text() + back
    assert reader.metadata is not None
    assert reader.metadata.title == (
        "A first look at the dashboard – Reading the operations dashboard · session 1 of 2"
    )
    text = reader.pages[0].extract_text()
    assert "9:30" in text and "Filter to one depot | then one week." in text
    assert "(<b>not</b> bold)" in text  # user HTML printed as text


def test_the_agreement_is_one_sheet_signed_under_its_terms(acme_build: Path) -> None:
    """One sheet (two sides at most, at 10 pt), the signatures on the side of the terms."""
    pages = text_of(acme_build / "pdf" / "mentoring-agreement.pdf")
    assert len(pages) <= 2
    assert "Confidentiality" in pages[-1] and "Signature" in pages[-1]


def test_a4_by_default(acme_build: Path) -> None:
    box = PdfReader(acme_build / "pdf" / "mentor-guide.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_letter_paper_on_request(tmp_path: Path) -> None:
    project = tmp_path / "acme"
    shutil.copytree(ACME, project)
    programme = project / "program.yaml"
    programme.write_text(programme.read_text() + "pdf: {paper: letter}\n")
    build(project, BuildOptions(out=tmp_path / "dist", only=frozenset({"pdf"}), workers=1))
    box = PdfReader(tmp_path / "dist" / "pdf" / "mentor-guide.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
def test_cover_is_printed_in_the_organisation_colour(acme_build: Path, tmp_path: Path) -> None:
    from PIL import Image

    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "20",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(acme_build / "pdf" / "mentor-guide.pdf"),
            str(tmp_path / "cover"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "cover.png").convert("RGB")
    assert image.getpixel((image.width // 2, 10)) == (0, 105, 92)  # #00695c


def test_the_fetcher_serves_only_local_files_inside_the_project(tmp_path: Path) -> None:
    inside = write_tree(tmp_path / "project", {"assets/x.svg": "<svg/>"})
    outside = write_tree(tmp_path / "elsewhere", {"secret.txt": "no"})
    fetcher = _fetcher_class()((str(inside.resolve()),))
    response = fetcher.fetch((inside / "assets" / "x.svg").resolve().as_uri())
    assert response.read() == b"<svg/>"
    with pytest.raises(ValueError, match="reads no file outside the project"):
        fetcher.fetch((outside / "secret.txt").resolve().as_uri())
    with pytest.raises(ValueError, match="fetches nothing from the network"):
        fetcher.fetch("https://example.org/tracker.png")


def test_colour_helpers() -> None:
    assert _tint("#000000", 0.5) == "#808080"
    assert _readable_on("#ffff00") == "#000000"
    assert _readable_on("#3f51b5") == "#ffffff"


def test_a_pool_worker_keeps_its_fonts_and_modules_out_of_the_cycle_collector() -> None:
    """What a worker loads before its first job is frozen (`gc.freeze`), so that the
    collector does not walk it again at every full collection during layouts."""
    with executor(None, 2) as pool:
        frozen = pool.submit(gc.get_freeze_count).result()
    assert frozen > 10_000  # WeasyPrint, its fonts, the generator


def _in_this_process() -> None:
    with executor(None, 1):
        pass


def _square_logo(path: Path, colour: str) -> Path:
    """A logo as organisations give it: an SVG file, here a square of one colour."""
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        f'<rect width="40" height="40" fill="{colour}"/></svg>',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("new_build", [_worker_setup, _in_this_process])
def test_the_next_build_prints_a_changed_logo_as_it_is_now(tmp_path: Path, new_build: Any) -> None:
    """A Dask worker serves one build after another, and so may this process: an image
    cached by its path at one build must not print at the next once the file has changed
    (a new logo). `new_build`: what a build does first in a worker, or in this process."""
    logo = tmp_path / "logo.svg"
    html = f'<img src="{logo.as_uri()}" alt="Acme" style="width: 20mm">'

    def printed(colour: str) -> bytes:
        _square_logo(logo, colour)
        new_build()
        return bytes(layout(html, "", (str(tmp_path),)).write_pdf(uncompressed_pdf=True))

    assert b"0 0 1 rg" in printed("#0000ff")
    again = printed("#ff0000")
    assert b"1 0 0 rg" in again and b"0 0 1 rg" not in again


def test_the_image_cache_keeps_no_laid_out_document(tmp_path: Path) -> None:
    """WeasyPrint's drawing (SVG) holds on to the layout it was loaded for. Once a
    document is written and dropped, the image cache must not keep it alive: it kept a
    laid-out document in every worker for as long as the worker lived."""

    def alive() -> int:
        gc.collect()
        return len(gc.get_objects())

    logo = _square_logo(tmp_path / "logo.svg", "#3f51b5")
    paragraph = "<p>Ngozi Okafor and Zhang Wei meet on Thursdays at the Lagos office.</p>"
    html = f'<img src="{logo.as_uri()}" alt="Acme" style="width: 20mm">' + paragraph * 300
    _worker_setup()
    before = alive()
    document = layout(html, "", (str(tmp_path),))
    assert len(document.pages) > 3
    laid_out = alive() - before
    # The next document takes the drawing from the cache and prints it all the same.
    again = bytes(layout(html, "", (str(tmp_path),)).write_pdf(uncompressed_pdf=True))
    assert b"0.247059 0.317647 0.709804 rg" in again
    del document
    # What stays: the cached drawing with a page of its own (1,600 objects), not the
    # document (13,400 of its 18,100 stayed).
    assert alive() - before < laid_out / 4
