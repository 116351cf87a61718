"""Session plans people can read: one sheet, two sides, 10 pt body and 9 pt tables.

The front is what the pair uses in the room, the back the mentor's preparation. The
sizes are read back from the PDFs' text (pdfplumber), not from the CSS.
"""

from __future__ import annotations

import io
import re
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator import pdf
from generator.cli import cli
from generator.loader import load_project
from generator.model import GlossaryEntry, Session, Topic
from generator.packs import planning, rendering
from generator.placeholders import fill

from .conftest import MINIMAL_PROGRAMME, TINY_TOPIC, renderer_for, write_tree

MM = 72 / 25.4
#: The plan pages' margins (print.css.j2, `@page plan`): the running footer lives below.
TOP_MARGIN, BOTTOM_MARGIN = 11 * MM, 12 * MM
CLOCK = re.compile(r"\b\d{1,2}:\d{2}\s*[–-]\s*\d{1,2}:\d{2}\b")


def _every_plan_project(root: Path, paper: str) -> Path:
    """A programme that runs every built-in pair topic, printed on `paper`."""
    library = load_project(None)
    topics = ", ".join(t.id for t in library.topics.values() if not t.is_workshop)
    return write_tree(
        root,
        {
            "program.yaml": f"""
                extends: default
                pdf: {{paper: {paper}}}
                tracks: !override
                  - id: everything
                    title: Every built-in topic
                    topics: [{topics}]
                """
        },
    )


def _render_plans(root: Path) -> tuple[list[Any], dict[str, bytes], dict[str, Any]]:
    """Every plan of the project laid out as a build does: batch jobs split per plan."""
    renderer = renderer_for(root)
    plans = [a for a in renderer.plan.artefacts if a.batch == "plans"]
    with renderer.batch():
        markdown = {a.key: renderer.markdown(a) for a in plans}
    jobs = pdf.prepare(renderer, markdown, plans)
    notes: list[str] = []
    outputs: dict[str, bytes] = {}
    for job in jobs:
        result = pdf.render_job(job)
        notes.extend(result.notes)
        outputs.update(result.outputs)
    return notes, outputs, {a.pdf: a for a in plans}


def _layout_paper(args: tuple[str, str]) -> list[tuple[str, int, bytes]]:
    """Every built-in plan laid out on one paper as a build does (batches of sheets): for
    each plan its name, its pages before the appendix, and those pages as a PDF."""
    folder, paper = args
    renderer = renderer_for(_every_plan_project(Path(folder), paper))
    plans = [a for a in renderer.plan.artefacts if a.batch == "plans"]
    with renderer.batch():
        markdown = {a.key: renderer.markdown(a) for a in plans}
    found = []
    for job in pdf.prepare(renderer, markdown, plans):
        document = pdf.layout(job.html, job.css, job.allowed_roots)
        anchors = [s.anchor for s in job.splits]
        ranges = pdf.split_points(document, anchors)
        lengths = pdf.plan_lengths(document, anchors, ranges)
        for split, (first, _last), length in zip(job.splits, ranges, lengths, strict=True):
            sheet = pdf.pages_as_pdf(document, first, first + min(length, 3), split.title)
            found.append((split.filename, length, sheet))
    return found


def _smallest_sizes(page: Any) -> tuple[float, float, float]:
    """The smallest font size in the page's running text, in its tables and in its
    margins (the running footer), in points. A table is where its column rules are:
    nothing else on a plan draws a vertical line."""
    rules = [line for line in page.lines if abs(line["x0"] - line["x1"]) < 0.5]
    tables = []
    if rules:
        tables.append(
            (
                min(r["x0"] for r in rules),
                min(r["top"] for r in rules),
                max(r["x1"] for r in rules),
                max(r["bottom"] for r in rules),
            )
        )
    body = table = margin = 99.0
    for char in page.chars:
        if not char["text"].strip():
            continue
        size = char["size"]
        x, top = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        if top < TOP_MARGIN or top > page.height - BOTTOM_MARGIN:
            margin = min(margin, size)
        elif any(x0 <= x <= x1 and y0 <= top <= y1 for x0, y0, x1, y1 in tables):
            table = min(table, size)
        else:
            body = min(body, size)
    return body, table, margin


def _words(text: str) -> str:
    """The first words of a Markdown item, as they print (no emphasis marks)."""
    plain = re.sub(r"[*_`]", "", text)
    return " ".join(plain.split()[:3])


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_every_built_in_plan_is_one_sheet_in_type_people_can_read(tmp_path: Path) -> None:
    library = fill(load_project(None))  # the text as printed: {mentee} reads "leader"
    sessions = {
        f"plan-{topic.id}--{session.id}.pdf": (topic, session)
        for topic in library.topics.values()
        if not topic.is_workshop
        for session in topic.sessions
    }
    papers = [(str(tmp_path / paper), paper) for paper in ("a4", "letter")]
    with ProcessPoolExecutor(2) as pool:  # the two papers side by side
        results = list(pool.map(_layout_paper, papers))
    for (_folder, paper), plans in zip(papers, results, strict=True):
        assert sorted(name for name, _length, _data in plans) == sorted(sessions)
        too_long = [f"{name}: {length} sides" for name, length, _data in plans if length > 2]
        assert too_long == [], paper
        for name, _length, data in plans:
            topic, session = sessions[name]
            where = f"{name} at {paper}"
            with pdfplumber.open(io.BytesIO(data)) as document:
                front, back = document.pages[0], document.pages[1]
                front_text, back_text = _flat(front.extract_text()), _flat(back.extract_text())
                # The front: objectives, the agenda with clock times, the activity steps.
                assert "Objectives" in front_text and "Agenda" in front_text, where
                assert CLOCK.search(front_text), where
                for activity in session.activities:
                    assert _words(activity.steps[-1]) in front_text, where
                # The back: the mentor's preparation, down to the review-by date that
                # closes it, so the front took one side and the back the other.
                assert back_text.startswith("Reverse mentor's preparation"), where
                assert "Tips" in back_text and "Watch out for" in back_text, where
                assert _words(session.mentor_tips[-1]) in back_text, where
                assert _words(session.pitfalls[-1]) in back_text, where
                for entry in topic.glossary_for(session):
                    assert _flat(entry.term) in back_text, where
                assert topic.review_by is not None
                assert "Content to be reviewed by" in back_text, where
                assert "Watch out for" not in front_text, where
                for page in (front, back):
                    body, table, margin = _smallest_sizes(page)
                    assert body >= 10 - 0.05, f"{where}: body text at {body:.2f} pt"
                    assert table >= 9 - 0.05, f"{where}: a table at {table:.2f} pt"
                    assert margin >= 9 - 0.05, f"{where}: the footer at {margin:.2f} pt"


def test_a_glossary_term_counts_in_its_plural_and_as_its_short_form() -> None:
    session = Session.model_validate(
        {
            "id": "s",
            "title": "Feeds",
            "minutes": 30,
            "objectives": ["Explain the FYP"],
            "agenda": [{"title": "Try the hashtags", "minutes": 30}],
        }
    )
    topic = Topic.model_validate(
        {
            "id": "t",
            "title": "T",
            "area": "social-media",
            "summary": "S",
            "objectives": ["Explain"],
            "sessions": [session.model_dump()],
            "glossary": [
                {"term": "For You page (FYP)", "definition": "The feed."},
                {"term": "Hashtag", "definition": "A tag."},
                {"term": "Tag", "definition": "Not a whole word in hashtags."},
            ],
        }
    )
    assert topic.glossary_for(topic.sessions[0]) == [
        GlossaryEntry(term="For You page (FYP)", definition="The feed."),
        GlossaryEntry(term="Hashtag", definition="A tag."),
    ]


def _long_topic(discussion: int, steps: int) -> str:
    """The tiny topic with a long discussion (the back) and many activity steps (the front)."""
    question = "What would change for your team if this worked, and who would notice first?"
    step = "Open the tool, find the setting named in the card and say aloud what it does."
    return (
        TINY_TOPIC
        + "    activities:\n      - title: Try it\n        steps:\n"
        + "".join(f"          - {step}\n" for _ in range(steps))
        + "    discussion:\n"
        + "".join(f"      - {question}\n" for _ in range(discussion))
        + "    mentor_tips: [Let the leader hold the device.]\n"
        + "    pitfalls: [Taking over the keyboard.]\n"
    )


def _lint_lines(root: Path, cache: Path) -> list[str]:
    result = CliRunner(env={"XDG_CACHE_HOME": str(cache)}).invoke(cli, ["lint", str(root)])
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if "sides" in line]


def test_lint_says_which_plan_runs_over_its_sheet_and_by_how_much(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "p",
        {"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": _long_topic(80, 60)},
    )
    cache = tmp_path / "cache"
    (line,) = _lint_lines(root, cache)
    found = re.fullmatch(
        r"topics/tiny\.yaml:7:5: warning: sessions\[0\]: the plan of session 1 \(The only "
        r"session\) runs to (\d) sides at A4, more than the two sides of one sheet: shorten "
        r"the front \(agenda notes, activity steps\) by about (\d+) lines and shorten the "
        r"back \(preparation, tips, discussion, practice\) by about (\d+) lines",
        line,
    )
    assert found, line
    sides, front, back = (int(n) for n in found.groups())
    assert sides == 4
    # "About N lines" is about right: a step or a question takes two lines of a column.
    fits = _long_topic(80 - (back + 1) // 2 - 1, 60 - (front + 1) // 2 - 1)
    (root / "topics" / "tiny.yaml").write_text(fits, encoding="utf-8")
    assert _lint_lines(root, cache) == []
    short_by_far = _long_topic(80 - back // 4, 60 - front // 4)
    (root / "topics" / "tiny.yaml").write_text(short_by_far, encoding="utf-8")
    assert len(_lint_lines(root, cache)) == 1
    # A letter-size programme is measured on letter paper.
    letter = MINIMAL_PROGRAMME + "pdf: {paper: letter}\n"
    (root / "program.yaml").write_text(letter, encoding="utf-8")
    (lines,) = _lint_lines(root, cache)
    assert " sides at Letter, " in lines


def test_plans_are_measured_once_and_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(
        tmp_path / "p", {"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": _long_topic(80, 2)}
    )
    renderer = renderer_for(root)
    cache = tmp_path / "cache"
    first = pdf.measure_plans(renderer, renderer.plan.artefacts, cache)
    assert [(s.front, s.back) for s in first.values()] == [(1, 2)]

    def no_layout(*args: object) -> None:
        raise AssertionError("laid out again")

    monkeypatch.setattr(pdf, "layout", no_layout)
    assert pdf.measure_plans(renderer, renderer.plan.artefacts, cache) == first


def test_a_build_notes_a_plan_that_runs_over_and_shrinks_nothing(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "p", {"program.yaml": MINIMAL_PROGRAMME, "topics/tiny.yaml": _long_topic(80, 2)}
    )
    notes, outputs, _artefacts = _render_plans(root)
    assert notes == [
        "plan-tiny--only.pdf: the session plan runs to 3 pages; `mentorkit lint` says what "
        "to shorten"
    ]
    (data,) = outputs.values()
    with pdfplumber.open(io.BytesIO(data)) as document:
        assert len(document.pages) == 3
        sizes = {round(c["size"], 1) for p in document.pages for c in p.chars}
    assert min(sizes) >= 9  # nothing set smaller to make it fit


def test_plans_in_a_pair_pack_are_the_same_two_sides(tmp_path: Path) -> None:
    topic = TINY_TOPIC + textwrap.indent(
        "mentor_tips: [Let the leader hold the device.]\npitfalls: [Taking over.]\n", "    "
    )
    root = write_tree(tmp_path / "p", {"program.yaml": MINIMAL_PROGRAMME, "topics/t.yaml": topic})
    renderer = renderer_for(root)
    shared = planning.shared_pages(renderer, renderer.plan)
    css = renderer.html("pdf/print.css.j2", pdf._css_context(renderer))
    data, firsts = rendering.render_shared(
        shared.html, css, pdf.allowed_roots(renderer.project), shared.anchors
    )
    # The agreement's goals and ground rules, the plan's two sides, then the first form.
    assert firsts[:3] == [0, 1, 3]
    pages = PdfReader(io.BytesIO(data)).pages
    assert "Agenda" in pages[1].extract_text()
    back = pages[2].extract_text()
    assert back.startswith("Reverse mentor's preparation")
    assert "Let the leader hold the device." in back and "Taking over." in back
