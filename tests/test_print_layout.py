"""Print layout, read back from laid-out PDFs: what signs on one page, what keeps with
what follows it, what never wraps, and what is printed once."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader

from generator import packs, pdf
from generator.build import prepare
from generator.loader import load_project
from generator.packs import planning, rendering
from generator.render import blanks

from .conftest import renderer_for, write_tree

#: A time, then a dash, at the end of a line: a time range broken over two lines.
BROKEN_RANGE = re.compile(r"\d:\d\d(\s*[AP]M)?\s*[–-]$")


def _jobs(project: Path | None, batches: set[str]) -> list[pdf.PrintJob]:
    """The print jobs of some batches of a project (sheets laid out as a build does)."""
    renderer = renderer_for(project) if project else default_renderer()
    wanted = [a for a in renderer.plan.artefacts if a.batch in batches]
    with renderer.batch():
        markdown = {a.key: renderer.markdown(a) for a in wanted}
    return pdf.prepare(renderer, markdown, wanted)


def default_renderer() -> Any:
    """The built-in programme's renderer, as a build makes it."""
    return prepare(load_project(None))


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _laid_out(html: str, css: str, roots: tuple[str, ...]) -> list[str]:
    return _pages(bytes(pdf.layout(html, css, roots).write_pdf()))


#: Every language and paper the sheets are checked in: French has the longer sentences,
#: Letter the shorter page.
EDITIONS = [("en", "a4"), ("en", "letter"), ("fr", "a4"), ("fr", "letter")]
MM = 72 / 25.4
#: The sheets' margins (print.css.j2, `@page sheet`): the running footer lives below.
SHEET_MARGIN = 14 * MM
#: The least a second side holds: never a line or two (the old French evaluation had its
#: closing sentence and its id there).
BACK_LINES = 8


def _edition(root: Path, locale: str, paper: str) -> Path:
    return write_tree(
        root, {"program.yaml": f"extends: default\nlocale: {locale}\npdf: {{paper: {paper}}}\n"}
    )


@pytest.fixture(scope="module", params=EDITIONS, ids=["-".join(e) for e in EDITIONS])
def default_sheets(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The built-in programme's agreement and feedback forms, in English and in French
    (whose longer sentences are what ran the agreement and the evaluation over), on A4
    and on Letter."""
    locale, paper = request.param
    project = _edition(tmp_path_factory.mktemp(f"{locale}-{paper}"), locale, paper)
    jobs = _jobs(project, {"agreement", "forms"})
    outputs: dict[str, bytes] = {}
    for job in jobs:
        outputs.update(pdf.render_job(job).outputs)
    return locale, jobs, outputs


def _lines(page: Any) -> int:
    """The lines of text between a page's top and bottom margins."""
    tops = {
        round(word["top"])
        for word in page.extract_words()
        if SHEET_MARGIN < word["top"] < page.height - SHEET_MARGIN
    }
    return len(tops)


def _sizes(page: Any) -> Counter[float]:
    """How many characters are set in each font size, in points."""
    return Counter(round(c["size"], 1) for c in page.chars if c["text"].strip())


def test_every_sheet_is_one_sheet_of_paper_and_its_back_is_never_a_line_or_two(
    default_sheets: Any,
) -> None:
    _, _, outputs = default_sheets
    for name, data in outputs.items():
        with pdfplumber.open(io.BytesIO(data)) as document:
            assert len(document.pages) <= 2, name
            if len(document.pages) == 2:
                assert _lines(document.pages[1]) >= BACK_LINES, name


def test_every_sheet_is_set_for_reading_glasses(default_sheets: Any) -> None:
    """Body text 10 pt (what most of a page is set in), nothing people read under 8 pt:
    scale ends, notes, running footers and the question and form ids included."""
    _, _, outputs = default_sheets
    for name, data in outputs.items():
        with pdfplumber.open(io.BytesIO(data)) as document:
            for number, page in enumerate(document.pages, 1):
                sizes = _sizes(page)
                body, _ = sizes.most_common(1)[0]
                assert body >= 10, (name, number, sizes)
                assert min(sizes) >= 8, (name, number, sizes)


def test_the_built_in_agreement_signs_under_its_terms_on_one_sheet(default_sheets: Any) -> None:
    """At 10 pt the agreement takes both sides of its sheet: who we are, our goals and
    how we meet on the front; the ground rules, the standing terms and the signatures
    under them on the back (the back never starts with a line or two)."""
    locale, _, outputs = default_sheets
    pages = _pages(outputs["mentoring-agreement.pdf"])
    assert len(pages) <= 2, locale
    signed = pages[-1]
    assert "Signature" in signed
    assert ("Confidentialité" if locale == "fr" else "Confidentiality") in signed
    if len(pages) == 2:
        assert ("Règles du jeu" if locale == "fr" else "Ground rules") in signed
        assert "Signature" not in pages[0]


def test_the_signatures_never_go_to_a_page_of_their_own(default_sheets: Any) -> None:
    """Whatever pushes the agreement over its page (a programme's own goals and ground
    rules), the signatures take the standing terms with them."""
    locale, jobs, _outputs = default_sheets
    job = next(j for j in jobs if "mentoring-agreement.pdf" in j.files)
    terms = '<div class="agreement-terms">'
    assert terms in job.html
    confidentiality = "Confidentialité" if locale == "fr" else "Confidentiality"
    for extra in range(0, 48, 12):  # mm of extra text before the terms
        html = job.html.replace(terms, f'<div style="height: {extra}mm"></div>{terms}', 1)
        pages = _laid_out(html, job.css, job.allowed_roots)
        signed = next(page for page in pages if "Signature" in page)
        assert confidentiality in signed, (locale, extra, len(pages))


def test_a_form_id_keeps_with_the_form_and_is_printed_once(default_sheets: Any) -> None:
    locale, _, outputs = default_sheets
    label = "Formulaire" if locale == "fr" else "Form"
    forms = [name for name in outputs if name.startswith("feedback-")]
    assert forms
    for name in forms:
        reader = PdfReader(io.BytesIO(outputs[name]))
        form_id = name.removeprefix("feedback-").removesuffix(".pdf")
        texts = [page.extract_text() for page in reader.pages]
        (page,) = (i for i, text in enumerate(texts) if f"{label} {form_id}" in text)
        # The id's page holds the form's last lines too, not the id alone.
        body = [ln for ln in texts[page].splitlines() if form_id not in ln]
        assert len(body) >= 2, (name, texts[page])
        # It is printed once: the form field that holds it for the tools that read the
        # answers back has no area, so a viewer draws nothing over the printed id.
        assert "".join(texts).count(form_id) == 1, name
        assert reader.get_fields()["form"]["/V"] == form_id  # type: ignore[index]
        widgets = [
            a.get_object()
            for p in reader.pages
            for a in p.get("/Annots", [])
            if a.get_object().get("/T") == "form"
        ]
        (widget,) = widgets
        x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
        assert abs(x1 - x0) * abs(y1 - y0) < 0.01, (name, widget["/Rect"])


#: Two people with long names, free at the same hour: the pair whose cover is the fullest.
LONG_NAMES = (
    "id,name,email,role,department,timezone,availability,offers,wants\n"
    "zoe,Zoë Ólafsdóttir-Łukasiewicz,zoe@example.org,mentor,Data,Europe/London,"
    "tue 09:00-17:00,short-form-video;generative-ai-assistants,\n"
    "max,Maximilian Alexander von Hohenberg-Wittelsbach,max@example.org,mentee,"
    "Executive Office of the Chief Financial Officer,Europe/London,tue 09:00-17:00,,"
    "short-form-video;generative-ai-assistants\n"
)
#: The same leader, with a mentor in Tokyo: the cover gives every session on both clocks,
#: the mentor's with its own date (Wednesday, past midnight).
LONG_NAMES_ACROSS = LONG_NAMES.replace(
    "Data,Europe/London,tue 09:00-17:00", "Data,Asia/Tokyo,wed 00:00-03:00"
)


@pytest.mark.parametrize("names", [LONG_NAMES, LONG_NAMES_ACROSS], ids=["one-zone", "two-zones"])
@pytest.mark.parametrize("edition", [("en", "a4"), ("fr", "letter")], ids=["en-a4", "fr-letter"])
def test_a_pairs_own_pages_are_one_page_each_at_10_pt(
    edition: tuple[str, str], names: str, tmp_path: Path
) -> None:
    """The cover (twelve sessions, three checkpoint lines, four onboarding sittings), the
    agreement's front and the certificates: one page each, as pack throughput counts on,
    in the type the forms are set in; for a pair across time zones too."""
    from generator.match import match
    from generator.roster import read_roster

    locale, paper = edition
    roster = tmp_path / "roster.csv"
    roster.write_text(names, encoding="utf-8")
    project = _edition(tmp_path / "p", locale, paper)
    renderer = renderer_for(project)
    (pair,) = match(read_roster(roster), renderer.project).pairs
    (info,) = packs.pair_infos(renderer.project, [pair], renderer)
    assert len(info.timeline.sessions) == 12 and len(info.timeline.checkpoints) == 3
    assert all(info.other_clocks) if names == LONG_NAMES_ACROSS else not info.other_clocks
    document = planning.pair_document(renderer, info)
    css = renderer.html("pdf/print.css.j2", pdf._css_context(renderer))
    (laid_out,) = rendering.render_pairs(
        next(planning.pair_jobs([(document, ())], css, pdf.allowed_roots(renderer.project)))
    ).pairs
    assert laid_out.parts == ((0, 1), (1, 2), (2, 3), (3, 4)), laid_out.parts
    with pdfplumber.open(io.BytesIO(laid_out.pdf)) as pages:
        for page in pages.pages[:2]:  # the cover and the agreement's front
            sizes = _sizes(page)
            assert sizes.most_common(1)[0][0] >= 10 and min(sizes) >= 8, sizes
        # A certificate's topics break between titles, never inside one.
        titles = {session.topic.title for session in info.timeline.sessions}
        for page in pages.pages[2:]:
            lines = [" ".join(line.split()) for line in page.extract_text().splitlines()]
            for title in titles:
                assert any(title in line for line in lines), (title, lines)


@pytest.fixture(scope="module")
def print_css() -> tuple[str, tuple[str, ...]]:
    """The built-in programme's print stylesheet, for pages made up in the tests."""
    job = _jobs(None, {"agreement"})[0]
    return job.css, job.allowed_roots


def test_a_heading_and_its_date_line_keep_with_what_follows(
    print_css: tuple[str, tuple[str, ...]],
) -> None:
    """A guide's session heading, then its date line (`p.when`), then its text: wherever
    the page ends, the heading and the date are never left alone at its foot."""
    css, roots = print_css
    for filler in range(200, 262, 3):  # mm of text above, so that the page ends near them
        html = (
            '<html lang="en"><body><article class="doc">'
            f'<div style="height: {filler}mm"></div>'
            "<h3>Starting a career here today</h3>"
            '<p class="when"><em>Tuesday, 29 June 2027, <span class="time">15:00–16:00</span>'
            "</em></p><p><strong>Objectives:</strong> the first words of the session.</p>"
            "</article></body></html>"
        )
        pages = _laid_out(html, css, roots)
        heading = next(page for page in pages if "Starting a career" in page)
        assert "Tuesday, 29 June 2027" in heading and "Objectives" in heading, (filler, pages)


def test_a_loose_list_keeps_its_bullets_with_their_text(
    print_css: tuple[str, tuple[str, ...]],
) -> None:
    css, roots = print_css
    html = (
        '<html lang="en"><body><article class="doc"><ul>'
        "<li><p>TikTok Help Center (guide)</p></li><li><p>YouTube Help (guide)</p></li>"
        "</ul><ol><li><p>First step</p><p>More about it</p></li></ol></article></body></html>"
    )
    lines = [ln.strip() for ln in "\n".join(_laid_out(html, css, roots)).splitlines()]
    assert "• TikTok Help Center (guide)" in lines
    assert "• YouTube Help (guide)" in lines
    assert "1. First step" in lines
    assert "•" not in lines and "1." not in lines


def test_time_ranges_never_break_over_two_lines(acme_build: Path) -> None:
    """The programme guide's schedule has a narrow time column: "9:30 AM–10:15 AM" stays
    on one line (and so in every table, guide and plan)."""
    for name in ("programme-guide.pdf", "topic-acme-dashboards.pdf", "trainer-handbook.pdf"):
        lines = [
            line.strip()
            for page in PdfReader(acme_build / "pdf" / name).pages
            for line in page.extract_text().splitlines()
        ]
        assert [line for line in lines if BROKEN_RANGE.search(line)] == [], name
        if name == "programme-guide.pdf":
            assert any(re.search(r"^1 .*9:30\s*AM–10:15\s*AM", line) for line in lines)


def test_a_worksheet_prints_its_blanks_as_lines_to_write_on() -> None:
    assert blanks("**How many?** [ ] And <b>why</b>? [ ]") == (
        '**How many?** <span class="inline-blank"></span> And &lt;b&gt;why&lt;/b&gt;? '
        '<span class="inline-blank"></span>'
    )
    renderer = default_renderer()
    (artefact,) = (a for a in renderer.plan.artefacts if a.pdf == "topic-short-form-video.pdf")
    with renderer.batch():
        markdown = renderer.markdown(artefact)
    assert "Feed tally sheet" in markdown
    assert "[ ]" not in markdown
    assert 'the chosen theme? <span class="inline-blank"></span>' in markdown


def test_a_field_is_a_line_to_the_columns_edge_and_a_long_value_prints_whole(
    print_css: tuple[str, tuple[str, ...]], tmp_path: Path
) -> None:
    """A field to fill in is its label, then a line to write on as far as the column's
    edge and no further; a value printed in a field (a pair's meeting place) wraps, every
    word of it inside the column, and its next lines hang indented under the first, so
    that they are not read as a field of their own."""
    css, roots = print_css
    place = (
        "Room 4.12, Harbour House, 1 Quay Street, or https://teams.example.org/l/meetup-join/"
        "19%3ameeting_NjY5ZmY2 (ask reception for the visitor badge)"
    )
    html = (
        '<html lang="en"><body><article class="doc">'
        '<p class="field"><span class="field-label">Programme coordinator</span>'
        '<span class="field-line"></span></p>'
        '<p class="field"><span class="field-label">Where (room or video link)</span>'
        f'<span class="field-value">{place}</span></p></article></body></html>'
    )
    data = bytes(pdf.layout(html, css, roots).write_pdf())
    with pdfplumber.open(io.BytesIO(data)) as document:
        page = document.pages[0]
        words = page.extract_words()
        text = page.extract_text()
    right = page.width - 18 * MM  # the page's margin (print.css.j2, `@page`)
    assert "".join(place.split()) in "".join(text.split())
    assert max(word["x1"] for word in words) <= right + 0.5
    where = next(word for word in words if word["text"] == "Where")
    wrapped = [w for w in words if where["bottom"] < w["top"] < where["bottom"] + 20]
    assert wrapped, "the place fits one line: make it longer"
    assert min(word["x0"] for word in wrapped) >= where["x0"] + 10  # hanging, 1.5em at 9-10 pt
    label_end = next(word["x1"] for word in words if word["text"] == "coordinator")
    label_bottom = next(word["bottom"] for word in words if word["text"] == "coordinator")

    (tmp_path / "page.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "72", "-singlefile", "page.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    raw = (tmp_path / "page.pgm").read_bytes()
    _magic, size, _depth, pixels = raw.split(b"\n", 3)
    width, height = (int(n) for n in size.split())
    rows = [pixels[y * width : (y + 1) * width] for y in range(height)]
    ruled = [  # rows with ink from just after the label to the column's edge
        y
        for y in range(int(label_bottom) - 6, int(label_bottom) + 8)
        if all(value < 200 for value in rows[y][int(label_end) + 12 : int(right) - 1])
    ]
    assert ruled, "no line from the label to the column's edge"
    assert all(value > 250 for value in rows[ruled[0]][int(right) + 2 :])  # and no further
